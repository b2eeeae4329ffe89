package dev.opentier.queryapi.health;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code GET /health} (the process is alive) and {@code GET /ready} (every dependency answers). */
public final class HealthRoutes {
  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public void health(Context ctx) {
    ctx.json(Map.of("status", "up"));
  }

  public void ready(Context ctx) {
    Readiness.Report report = readiness.check();
    Map<String, String> components = new LinkedHashMap<>();
    report.components().forEach((name, status) -> components.put(name, status.name().toLowerCase(Locale.ROOT)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.allUp() ? "up" : "down");
    body.put("components", components);
    ctx.status(report.allUp() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
  }
}
