package dev.opentier.queryapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.opentier.queryapi.admin.AdminRoutes;
import dev.opentier.queryapi.auth.Access;
import dev.opentier.queryapi.auth.AuthGuard;
import dev.opentier.queryapi.auth.AuthRoutes;
import dev.opentier.queryapi.auth.EmailRoutes;
import dev.opentier.queryapi.edge.ApiDescription;
import dev.opentier.queryapi.edge.ApiErrors;
import dev.opentier.queryapi.chat.ChatRoutes;
import dev.opentier.queryapi.documents.DocumentRoutes;
import dev.opentier.queryapi.documents.UploadSettings;
import dev.opentier.queryapi.jobs.JobRoutes;
import dev.opentier.queryapi.ops.OpsRoutes;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.HttpMetrics;
import dev.opentier.queryapi.edge.WebApp;
import dev.opentier.queryapi.search.SearchRoutes;
import dev.opentier.queryapi.edge.RateLimits;
import dev.opentier.queryapi.edge.RequestIds;
import dev.opentier.queryapi.edge.SecurityHeaders;
import dev.opentier.queryapi.health.HealthRoutes;
import dev.opentier.queryapi.oauth.OAuthRoutes;
import dev.opentier.queryapi.health.Readiness;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import java.util.List;
import io.javalin.json.JavalinJackson;

/** Builds the gateway's Javalin app from its dependencies. Every route is declared here. */
public final class GatewayApp {
  private GatewayApp() {}

  /** What the routes need. */
  public record Dependencies(List<String> corsOrigins, SecurityHeaders securityHeaders, Readiness readiness, ClientAddress clientAddress, AuthGuard guard, RateLimits rateLimits,
                             HttpMetrics metrics, WebApp webApp, UploadSettings uploads, AuthRoutes auth, EmailRoutes email, OAuthRoutes oauth,
                             AdminRoutes admin, ChatRoutes chat, SearchRoutes search, DocumentRoutes documents, JobRoutes jobs, OpsRoutes ops) {}

  /** The JSON mapping of every body and event: snake_case names, ISO-8601 times. */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  public static Javalin create(Dependencies deps) {
    ObjectMapper mapper = mapper();
    HealthRoutes health = new HealthRoutes(deps.readiness());
    AuthRoutes auth = deps.auth();
    AdminRoutes admin = deps.admin();
    EmailRoutes email = deps.email();
    OAuthRoutes oauth = deps.oauth();
    ChatRoutes chat = deps.chat();
    DocumentRoutes documents = deps.documents();
    JobRoutes jobs = deps.jobs();
    OpsRoutes ops = deps.ops();

    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = 1024 * 1024; // JSON bodies; uploads get their own limit
      // Multipart uploads: each part is checked against the per-file limit by the handler (an
      // oversized file is refused on its own, the others go on); this bounds the request as a whole.
      config.jetty.multipartConfig.maxFileSize(deps.uploads().maxRequestBytes(), SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(deps.uploads().maxRequestBytes(), SizeUnit.BYTES);
      config.jetty.multipartConfig.maxInMemoryFileSize(1024 * 1024, SizeUnit.BYTES);
      config.jsonMapper(new JavalinJackson(mapper, true));
      RequestIds.install(config);
      deps.securityHeaders().install(config);
      deps.metrics().install(config);
      ApiErrors.install(config);
      if (!deps.corsOrigins().isEmpty()) {
        // Other web origins (a separately hosted UI) may call the API with credentials; none by default.
        config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
          rule.allowHost(deps.corsOrigins().getFirst(), deps.corsOrigins().subList(1, deps.corsOrigins().size()).toArray(String[]::new));
          rule.allowCredentials = true;
          rule.exposeHeader("X-Request-Id");
          rule.exposeHeader("Retry-After");
        }));
      }
      deps.clientAddress().install(config);
      deps.webApp().install(config);
      deps.guard().install(config);
      deps.rateLimits().install(config);

      config.routes.get("/health", health::health, Access.PUBLIC);
      config.routes.get("/ready", health::ready, Access.PUBLIC);
      config.routes.get("/metrics", deps.metrics()::scrape, Access.PUBLIC);
      config.routes.get("/api/openapi.json", ApiDescription::openApi, Access.PUBLIC);
      config.routes.get("/api/docs", ApiDescription::docs, Access.PUBLIC);

      config.routes.post("/api/auth/register", auth::register, Access.PUBLIC);
      config.routes.post("/api/auth/login", auth::login, Access.PUBLIC);
      config.routes.post("/api/auth/logout", auth::logout, Access.USER);
      config.routes.get("/api/auth/me", auth::me, Access.USER);
      config.routes.post("/api/auth/verify/request", email::requestVerification, Access.USER);
      config.routes.post("/api/auth/verify", email::verify, Access.PUBLIC);
      config.routes.post("/api/auth/password-reset/request", email::requestReset, Access.PUBLIC);
      config.routes.post("/api/auth/password-reset", email::reset, Access.PUBLIC);
      config.routes.get("/api/auth/oauth/providers", oauth::list, Access.PUBLIC);
      config.routes.get("/api/auth/oauth/{provider}/start", oauth::start, Access.PUBLIC);
      config.routes.get("/api/auth/oauth/{provider}/callback", oauth::callback, Access.PUBLIC);
      config.routes.post("/api/account/password", auth::changePassword, Access.USER);
      config.routes.get("/api/account/sessions", auth::listSessions, Access.USER);
      config.routes.delete("/api/account/sessions/{id}", auth::revokeSession, Access.USER);
      config.routes.delete("/api/account", auth::deleteAccount, Access.USER);

      config.routes.get("/api/admin/users", admin::listUsers, Access.ADMIN);
      config.routes.get("/api/admin/users/{id}", admin::getUser, Access.ADMIN);
      config.routes.patch("/api/admin/users/{id}", admin::changeUser, Access.ADMIN);
      config.routes.delete("/api/admin/users/{id}", admin::deleteUser, Access.ADMIN);
      config.routes.get("/api/admin/audit", admin::audit, Access.ADMIN);

      config.routes.post("/api/conversations", chat::create, Access.USER);
      config.routes.get("/api/conversations", chat::list, Access.USER);
      config.routes.get("/api/conversations/{id}", chat::get, Access.USER);
      config.routes.patch("/api/conversations/{id}", chat::rename, Access.USER);
      config.routes.delete("/api/conversations/{id}", chat::delete, Access.USER);
      config.routes.post("/api/conversations/{id}/messages", chat::send, Access.USER);
      config.routes.post("/api/search", deps.search()::search, Access.USER);

      config.routes.post("/api/documents", documents::upload, Access.USER);
      config.routes.post("/api/documents/urls", documents::addUrls, Access.USER);
      config.routes.get("/api/documents", documents::list, Access.USER);
      config.routes.get("/api/documents/{id}", documents::get, Access.USER);
      config.routes.patch("/api/documents/{id}", documents::changeVisibility, Access.USER);
      config.routes.delete("/api/documents/{id}", documents::delete, Access.USER);
      config.routes.post("/api/documents/{id}/grants", documents::grant, Access.USER);
      config.routes.post("/api/documents/{id}/index-anyway", documents::indexAnyway, Access.USER);
      config.routes.delete("/api/documents/{id}/grants/{email}", documents::revoke, Access.USER);

      config.routes.get("/api/ingestion/jobs", jobs::list, Access.USER);
      config.routes.get("/api/ingestion/jobs/{id}", jobs::get, Access.USER);
      config.routes.get("/api/ingestion/jobs/{id}/events", jobs::events, Access.USER);

      config.routes.get("/api/ops/overview", ops::overview, Access.ADMIN);
      config.routes.get("/api/ops/events", ops::events, Access.ADMIN);
      config.routes.get("/api/ops/dlq", ops::deadLetters, Access.ADMIN);
      config.routes.post("/api/ops/dlq/replay", ops::replay, Access.ADMIN);
      config.routes.get("/api/admin/stats", admin::stats, Access.ADMIN);
    });
  }
}
