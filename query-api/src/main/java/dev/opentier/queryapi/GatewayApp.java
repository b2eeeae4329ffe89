package dev.opentier.queryapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.opentier.queryapi.edge.ApiErrors;
import dev.opentier.queryapi.edge.RequestIds;
import dev.opentier.queryapi.health.HealthRoutes;
import dev.opentier.queryapi.health.Readiness;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;

/** Builds the gateway's Javalin app from its dependencies. Every route is declared here. */
public final class GatewayApp {
  private GatewayApp() {}

  public static Javalin create(Readiness readiness) {
    ObjectMapper mapper = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    HealthRoutes health = new HealthRoutes(readiness);

    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.concurrency.useVirtualThreads = true;
      config.jsonMapper(new JavalinJackson(mapper, true));
      RequestIds.install(config);
      ApiErrors.install(config);

      config.routes.get("/health", health::health);
      config.routes.get("/ready", health::ready);
    });
  }
}
