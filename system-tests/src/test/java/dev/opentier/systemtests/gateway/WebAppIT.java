package dev.opentier.systemtests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.systemtests.pipeline.Fixtures;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app in a real browser (Debian's Chromium, driven by playwright-core from
 * ui/e2e/app.e2e.mjs) against the whole platform: sign-up and sign-in; an upload followed to done
 * while an admin's dashboard shows the throughput move; a streamed answer whose citation opens the
 * uploaded passage; another user who sees none of it; a session revoked from the account page;
 * the admin pages. Screenshots of every page visited land in target/webapp-screenshots.
 * Needs the web app built (ui/dist; ./opentier test builds it) and Chromium (.ci/run installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAppIT {
  private static final Path UI = Path.of("..", "ui").toAbsolutePath().normalize();

  private Platform platform;

  @BeforeAll
  void start() throws Exception {
    if (!Files.isRegularFile(UI.resolve("dist/index.html"))) {
      throw new IllegalStateException("the web app is not built: run ./opentier test (it builds ui/), or cd ui && npm ci && npm run build");
    }
    platform = new Platform(Map.of("OPENTIER_UI_DIR", UI.resolve("dist").toString()));
  }

  @AfterAll
  void stop() throws Exception {
    if (platform != null) platform.close();
  }

  @Test
  void servesTheAppWithItsSecurityHeadersAndKeepsApiErrorsJson() throws Exception {
    HttpResponse<String> index = platform.api.send("GET", "/", null, null, Map.of("Accept", "text/html"));
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<div id=\"root\">");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
    HttpResponse<String> routed = platform.api.send("GET", "/library", null, null, Map.of("Accept", "text/html"));
    assertThat(routed.statusCode()).isEqualTo(200);
    assertThat(routed.body()).contains("<div id=\"root\">");
    HttpResponse<String> unknownApi = platform.api.send("GET", "/api/nothing-here", null, null, Map.of("Accept", "text/html"));
    assertThat(unknownApi.statusCode()).isEqualTo(404);
    assertThat(Api.json(unknownApi).get("error").asText()).isEqualTo("not_found");
    // Security round, finding 8: another spelling of an API path is not the app's page either, and
    // the production build publishes no source maps.
    HttpResponse<String> shouted = platform.api.send("GET", "/API//Nothing-Here/", null, null, Map.of("Accept", "text/html"));
    assertThat(shouted.statusCode()).isEqualTo(404);
    assertThat(Api.json(shouted).get("error").asText()).isEqualTo("not_found");
    try (var files = Files.walk(UI.resolve("dist"))) {
      assertThat(files.map(Path::toString).filter(name -> name.endsWith(".map"))).isEmpty();
    }
    java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index.body());
    assertThat(script.find()).as("the page loads its script").isTrue();
    assertThat(platform.api.send("GET", script.group(1), null, null).body()).doesNotContain("sourceMappingURL");
    assertThat(platform.api.send("GET", script.group(1) + ".map", null, null).body()).doesNotContain("\"mappings\"");
  }

  @Test
  void aPersonUsesTheAppInARealBrowser(@TempDir Path folder) throws Exception {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path file = folder.resolve("lighthouse-" + i + ".md");
      Files.writeString(file, "# Lighthouse log " + i + "\n\nThe lighthouse keeper recorded the storm that night. "
          + Fixtures.prose("lighthouse storm keeper " + i, 200), StandardCharsets.UTF_8);
      files.add(file.toString());
    }
    ProcessBuilder node = new ProcessBuilder("node", "e2e/app.e2e.mjs").directory(UI.toFile()).redirectErrorStream(true);
    node.environment().put("BASE_URL", platform.base);
    node.environment().put("ADMIN_EMAIL", Platform.ADMIN);
    node.environment().put("ADMIN_PASSWORD", Platform.PASSWORD);
    node.environment().put("UPLOAD_FILES", new ObjectMapper().writeValueAsString(files));
    Path screenshots = Path.of("target", "webapp-screenshots").toAbsolutePath();
    if (Files.isDirectory(screenshots)) {
      try (var old = Files.list(screenshots)) {
        for (Path file : old.toList()) Files.delete(file); // this run's pages only
      }
    }
    node.environment().put("SCREENSHOTS", screenshots.toString());
    Process process = node.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = process.waitFor(6, TimeUnit.MINUTES);
    if (!ended) process.destroyForcibly();
    System.out.println(output);
    assertThat(ended).as("the browser run ended").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("web app: all checks passed");
  }

}
