package dev.opentier.queryapi.edge;

import dev.opentier.platform.config.Settings;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app (ui/, built into static files) served at {@code /}: its files as they are, and its
 * index page for every other path that is not the API (the app routes in the browser). Served with
 * a strict content security policy: scripts, styles and connections to this origin only.
 */
public final class WebApp {
  public static final String DIR = "OPENTIER_UI_DIR";
  private static final Logger log = LoggerFactory.getLogger(WebApp.class);
  static final Map<String, String> HEADERS = Map.of(
      "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "same-origin",
      "X-Frame-Options", "DENY");

  private final Optional<Path> dir;

  public WebApp(Settings settings) {
    Path configured = Path.of(settings.string(DIR, "ui/dist")).toAbsolutePath().normalize();
    this.dir = Files.isRegularFile(configured.resolve("index.html")) ? Optional.of(configured) : Optional.empty();
    if (dir.isPresent()) log.info("serving the web app from {}", configured);
    else log.info("no web app at {} (build it with npm run build in ui/); serving the API only", configured);
  }

  public boolean present() {
    return dir.isPresent();
  }

  public void install(JavalinConfig config) {
    if (dir.isEmpty()) return;
    config.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = dir.get().toString();
      files.location = Location.EXTERNAL;
      files.headers = HEADERS;
    });
    config.spaRoot.addHandler("/", this::index);
  }

  /** The app's page for a path the browser routes; the API's unknown paths stay JSON 404s. */
  private void index(Context ctx) {
    if (ApiPaths.isApi(ctx.path())) {
      throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
    }
    try {
      HEADERS.forEach(ctx::header);
      ctx.header("Cache-Control", "no-cache");
      ctx.contentType("text/html; charset=utf-8").result(Files.readAllBytes(dir.get().resolve("index.html")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
