package dev.opentier.systemtests.gateway;

import dev.opentier.intelligence.IntelligenceServer;
import dev.opentier.platform.config.Settings;
import dev.opentier.queryapi.QueryApi;
import dev.opentier.systemtests.FreePort;
import dev.opentier.systemtests.pipeline.PipelineHarness;
import dev.opentier.systemtests.LocalCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.Map;

/**
 * The whole platform in this JVM for a test class: the pipeline (curation-streams on the test
 * broker), intelligence with extractive answers, and the gateway, over one scratch database, with
 * an admin account.
 */
final class Platform implements AutoCloseable {
  static final String ADMIN = "ops@example.org";
  static final String PASSWORD = "a long enough password";

  final PipelineHarness pipeline;
  final IntelligenceServer intelligence;
  final QueryApi gateway;
  final Api api;
  final String base;

  final LocalCredentials credentials;
  final Path mailDrop;

  /** Runs as ./opentier up runs it: mutual TLS and signed calls between gateway and intelligence, mail to a private drop. */
  Platform(Map<String, String> extra) throws Exception {
    pipeline = new PipelineHarness(Map.of()).startPipeline();
    credentials = LocalCredentials.make(Files.createTempDirectory("opentier-credentials").resolve("secrets"));
    mailDrop = Files.createTempDirectory("opentier-mail");
    Map<String, String> env = new HashMap<>(pipeline.env);
    int intelligencePort = FreePort.find();
    env.put("OPENTIER_INTELLIGENCE_PORT", Integer.toString(intelligencePort));
    env.put("OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:" + intelligencePort);
    env.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    env.put("OPENTIER_MAIL_DIR", mailDrop.toString());
    env.put("OPENTIER_ADMIN_EMAIL", ADMIN);
    env.put("OPENTIER_ADMIN_PASSWORD", PASSWORD);
    env.put("OPENTIER_RATE_AUTH_PER_MINUTE", "1000");
    env.put("OPENTIER_OPS_SAMPLE_SECONDS", "1");
    env.put("OPENTIER_LLM_PROVIDER", "extractive");
    env.putAll(extra);
    Map<String, String> intelligenceEnv = new HashMap<>(env);
    intelligenceEnv.putAll(credentials.settings("intelligence"));
    intelligence = IntelligenceServer.start(Settings.of(intelligenceEnv));
    Map<String, String> gatewayEnv = new HashMap<>(env);
    gatewayEnv.putAll(credentials.settings("query-api"));
    gateway = QueryApi.start(Settings.of(gatewayEnv));
    base = "http://127.0.0.1:" + gateway.port();
    api = new Api(base);
  }

  /** Confirms {@code email}'s address with the link the gateway mailed (to the drop), as its owner would. */
  void verify(String email) throws Exception {
    String link = null;
    try (Stream<Path> files = Files.list(mailDrop)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        String text = Files.readString(file);
        Matcher token = Pattern.compile("/verify\\?token=([0-9a-f]{64})").matcher(text);
        if (text.contains("\nTo: " + email + "\n") && token.find()) {
          link = token.group(1);
          break;
        }
      }
    }
    if (link == null) throw new AssertionError("no verification mail for " + email);
    var answer = api.send("POST", "/api/auth/verify", Map.of("token", link), null);
    if (answer.statusCode() != 204) throw new AssertionError("verifying " + email + ": " + answer.body());
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    intelligence.close();
    pipeline.close();
  }
}
