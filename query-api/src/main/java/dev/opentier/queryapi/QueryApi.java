package dev.opentier.queryapi;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.service.Resources;
import dev.opentier.queryapi.admin.AdminRoutes;
import dev.opentier.queryapi.auth.AccountTokens;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.EmailRoutes;
import dev.opentier.queryapi.auth.Mailer;
import dev.opentier.queryapi.auth.AdminBootstrap;
import dev.opentier.queryapi.auth.AuthGuard;
import dev.opentier.queryapi.auth.AuthRoutes;
import dev.opentier.queryapi.auth.AuthSettings;
import dev.opentier.queryapi.auth.PasswordHasher;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.queryapi.chat.ChatRoutes;
import dev.opentier.queryapi.documents.CrawlWorkers;
import dev.opentier.queryapi.documents.DocumentRoutes;
import dev.opentier.ingest.job.CrawlQueue;
import dev.opentier.queryapi.documents.UploadSettings;
import dev.opentier.queryapi.jobs.JobRoutes;
import dev.opentier.queryapi.ops.OpsRoutes;
import dev.opentier.queryapi.ops.OpsSettings;
import dev.opentier.queryapi.chat.Conversations;
import dev.opentier.queryapi.edge.HttpMetrics;
import dev.opentier.queryapi.edge.WebApp;
import dev.opentier.queryapi.edge.SseStreams;
import dev.opentier.queryapi.search.SearchRoutes;
import dev.opentier.queryapi.auth.Sessions;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.platform.service.InternalCalls;
import dev.opentier.queryapi.edge.Cookies;
import dev.opentier.queryapi.edge.SecurityHeaders;
import dev.opentier.queryapi.edge.RateLimits;
import dev.opentier.queryapi.health.Readiness;
import dev.opentier.queryapi.oauth.OAuthFlows;
import dev.opentier.queryapi.oauth.OAuthProvider;
import dev.opentier.queryapi.oauth.OAuthRoutes;
import dev.opentier.queryapi.intelligence.IntelligenceChannel;
import io.javalin.Javalin;
import java.net.BindException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: applies the schema migrations, checks the broker, connects to intelligence
 * (eagerly, falling back to a lazy connection so it boots regardless), and serves HTTP.
 */
public final class QueryApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
  /** Where users reach OpenTier: links in e-mail and OAuth redirect URIs are built on it. */
  public static final String PUBLIC_URL = "OPENTIER_PUBLIC_URL";
  /** Other web origins allowed to call the API from a browser (CORS, with credentials). */
  public static final String CORS_ORIGINS = "OPENTIER_CORS_ORIGINS";

  private static final Duration STREAM_GRACE = Duration.ofSeconds(5);

  private final Resources resources;
  private final Javalin app;
  private final SseStreams streams;

  private QueryApi(Resources resources, Javalin app, SseStreams streams) {
    this.resources = resources;
    this.app = app;
    this.streams = streams;
  }

  public static QueryApi start(Settings settings) {
    QueryApiSettings own = QueryApiSettings.from(settings);
    DatabaseSettings databaseSettings = DatabaseSettings.from(settings);
    KafkaSettings kafkaSettings = KafkaSettings.from(settings);

    Resources resources = new Resources();
    try {
      Database database = resources.add(Database.connect(databaseSettings, "query-api"));
      if (own.migrate()) {
        int applied = new Migrations(database.dataSource()).apply();
        log.info("database {}: {} migration(s) applied", databaseSettings.displayUrl(), applied);
      } else {
        new Migrations(database.dataSource()).requireCurrent();
      }

      KafkaCluster kafka = resources.add(new KafkaCluster(kafkaSettings));
      kafka.requireReachable(Duration.ofSeconds(10));

      IntelligenceChannel intelligence = resources.add(IntelligenceChannel.connect(own.intelligenceTarget(),
          InternalCalls.from(settings, "query-api"), Duration.ofSeconds(3)));

      Readiness readiness = new Readiness(own.readinessTimeout(), List.of(
          new Readiness.Check("database", timeout -> database.isReachable(timeout)),
          new Readiness.Check("kafka", kafka::isReachable),
          new Readiness.Check("intelligence", intelligence::isServing)));
      resources.add(readiness);

      AuthSettings authSettings = AuthSettings.from(settings, own.port());
      Sessions sessions = new Sessions(database.dsl(), authSettings);
      Accounts accounts = new Accounts(database.dsl(), new PasswordHasher(), sessions);
      AdminBootstrap.ensureAdmin(accounts, authSettings);
      String publicUrl = settings.string(PUBLIC_URL, "http://127.0.0.1:" + own.port());
      EmailRoutes email = new EmailRoutes(accounts, new AccountTokens(database.dsl()), new Mailer(settings), publicUrl);
      Cookies cookies = new Cookies(publicUrl);
      OAuthRoutes oauth = new OAuthRoutes(OAuthProvider.configured(settings), new OAuthFlows(database.dsl()), accounts, sessions, publicUrl,
          authSettings.absoluteTimeout(), cookies);
      HttpMetrics metrics = resources.add(new HttpMetrics(settings));
      SseStreams streams = new SseStreams(GatewayApp.mapper(), metrics.registry());
      ChatRoutes chat = new ChatRoutes(settings, new Conversations(database.dsl()), intelligence, streams, metrics.registry());
      Ingestion ingestion = resources.add(new Ingestion(database.dsl(), kafkaSettings));
      UploadSettings uploads = UploadSettings.from(settings);
      // Crawls wait in PostgreSQL for a worker of any gateway; this gateway runs a few of them.
      CrawlQueue crawlQueue = new CrawlQueue(database.dsl());
      CrawlWorkers crawlWorkers = resources.add(new CrawlWorkers(crawlQueue, ingestion, settings.integer(CrawlWorkers.WORKERS, 2, 0, 64),
          Duration.ofSeconds(60), Duration.ofSeconds(2), CrawlWorkers.gatewayName(own.port()))).start();
      DocumentRoutes documents = new DocumentRoutes(database.dsl(), ingestion, uploads, crawlQueue, crawlWorkers, GatewayApp.mapper(), accounts);
      JobRoutes jobs = new JobRoutes(database.dsl(), ingestion, streams, GatewayApp.mapper());
      OpsRoutes ops = resources.add(new OpsRoutes(OpsSettings.from(settings), database.dsl(), readiness, kafka.admin(), kafkaSettings,
          ingestion, streams, accounts));
      List<String> corsOrigins = Arrays.stream(settings.string(CORS_ORIGINS, "").split(",")).map(String::strip).filter(o -> !o.isEmpty()).toList();
      Javalin app = GatewayApp.create(new GatewayApp.Dependencies(corsOrigins, new SecurityHeaders(publicUrl), readiness,
          new ClientAddress(settings.string(ClientAddress.TRUSTED_PROXIES, "")), new AuthGuard(sessions, authSettings),
          resources.add(new RateLimits(settings, database.dataSource())), metrics, new WebApp(settings), uploads, new AuthRoutes(accounts, sessions, authSettings, email, cookies), email, oauth,
          new AdminRoutes(database.dsl(), accounts, sessions, authSettings.idleTimeout()), chat, new SearchRoutes(intelligence), documents, jobs, ops));
      try {
        app.start(own.host(), own.port());
      } catch (RuntimeException e) {
        if (causedBy(e, BindException.class)) {
          throw new SettingException(QueryApiSettings.PORT, "port " + own.port() + " on " + own.host() + " is already in use");
        }
        throw e;
      }
      log.info("query-api listening on http://{}:{}", own.host(), app.port());
      return new QueryApi(resources, app, streams);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  public int port() {
    return app.port();
  }

  /** Every HTTP route the app serves, as "METHOD /path" (the route-table test covers each one). */
  public List<String> httpRoutes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> e.endpoint.method.isHttpMethod())
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .toList();
  }

  /**
   * Stops gracefully: open event streams are told the gateway is going away (an {@code error} event
   * with code {@code shutting_down}; their chats are cancelled and stored as partial) and get a few
   * seconds to say so, then the server stops.
   */
  @Override
  public void close() {
    try {
      streams.closeAll(STREAM_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.stop();
    resources.close();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }
}
