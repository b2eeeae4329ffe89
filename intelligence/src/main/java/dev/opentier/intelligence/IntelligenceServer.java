package dev.opentier.intelligence;

import dev.opentier.platform.service.Daemons;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.intelligence.chat.ChatGrpcService;
import dev.opentier.intelligence.chat.ChatSettings;
import dev.opentier.intelligence.chat.ChatStore;
import dev.opentier.intelligence.chat.PromptBuilder;
import dev.opentier.intelligence.llm.ExtractiveProvider;
import dev.opentier.intelligence.llm.GeminiProvider;
import dev.opentier.intelligence.llm.LlmProvider;
import dev.opentier.intelligence.llm.OpenAiProvider;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalGrpcService;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.platform.service.InternalCalls;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running intelligence service: the gRPC server with the standard health service. It reports
 * SERVING while its database answers: hybrid retrieval ({@link HybridRetriever}) and chat
 * ({@link ChatGrpcService}) with the configured model, or the offline extractive responder.
 */
public final class IntelligenceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IntelligenceServer.class);

  private final Server server;
  private final Database database;
  private final Embedder embedder;
  private final HealthStatusManager health;
  private final ScheduledExecutorService monitor;

  private IntelligenceServer(Server server, Database database, Embedder embedder, HealthStatusManager health, ScheduledExecutorService monitor) {
    this.server = server;
    this.database = database;
    this.embedder = embedder;
    this.health = health;
    this.monitor = monitor;
  }

  public static IntelligenceServer start(Settings settings) throws IOException {
    IntelligenceSettings own = IntelligenceSettings.from(settings);
    DatabaseSettings databaseSettings = DatabaseSettings.from(settings);

    Database database = Database.connect(databaseSettings, "intelligence");
    try {
      new Migrations(database.dataSource()).requireCurrent();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }

    InternalCalls calls;
    ServerCredentials credentials;
    try {
      calls = InternalCalls.from(settings, InternalCalls.INTELLIGENCE);
      credentials = calls.serverCredentials();
    } catch (RuntimeException | IOException e) {
      database.close();
      if (e instanceof SettingException setting) throw setting;
      throw new SettingException(InternalCalls.TLS_CERT, "the certificate or key cannot be used: " + e.getMessage(), e);
    }

    RetrievalSettings retrievalSettings = RetrievalSettings.from(settings);
    Embedder embedder;
    try {
      embedder = Embedder.create(EmbeddingSettings.from(settings));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    HybridRetriever retriever = new HybridRetriever(database.dsl(), embedder, retrievalSettings);
    ChatSettings chatSettings = ChatSettings.from(settings);
    LlmProvider provider = switch (chatSettings.provider()) {
      case OPENAI -> new OpenAiProvider(chatSettings.openAiBaseUrl(), chatSettings.openAiKey().orElse(null), chatSettings.openAiModel(),
          chatSettings.timeout());
      case GEMINI -> new GeminiProvider(chatSettings.geminiKey().orElseThrow(), chatSettings.geminiModel(),
          chatSettings.geminiBaseUrl().orElse(null), chatSettings.timeout());
      default -> new ExtractiveProvider();
    };
    Passages passages = new Passages(database.dsl());
    ChatGrpcService chat = new ChatGrpcService(new ChatStore(database.dsl()), retriever, passages,
        new PromptBuilder(embedder.tokenizer(), chatSettings.contextTokens()), provider, chatSettings);
    HealthStatusManager health = new HealthStatusManager();
    // Health answers anyone (it tells only SERVING or not); the services answer verified calls only.
    // Interceptors run last-added first: the caller is verified before anything else runs.
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(own.host(), own.port()), credentials)
        .addService(health.getHealthService())
        .addService(ServerInterceptors.intercept(chat, new Failures(), new CallLogging(), calls.verifier()))
        .addService(ServerInterceptors.intercept(new RetrievalGrpcService(retriever, passages), new Failures(), new CallLogging(), calls.verifier()))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      embedder.close();
      database.close();
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new SettingException(IntelligenceSettings.PORT, "port " + own.port() + " on " + own.host() + " is already in use");
      }
      throw e;
    }
    health.setStatus(ChatServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(RetrievalServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);

    ScheduledExecutorService monitor = Daemons.scheduler("intelligence-db-monitor");
    Duration interval = own.databaseCheckInterval();
    monitor.scheduleWithFixedDelay(() -> reportDatabase(database, health, interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    monitor.scheduleWithFixedDelay(() -> refreshStatistics(retriever), 0, retrievalSettings.lexiconCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
    log.info("intelligence listening on {}:{} ({}; embedding on {}, answers by {})", own.host(), server.getPort(),
        calls.tls() ? "mutual TLS" : "plaintext, calls signed", embedder.device(), chatSettings.describe());
    return new IntelligenceServer(server, database, embedder, health, monitor);
  }

  private static void refreshStatistics(HybridRetriever retriever) {
    try {
      if (retriever.refreshStatistics(false)) log.info("lexicon and planner statistics refreshed ({} chunks)", retriever.corpusChunks());
    } catch (RuntimeException e) {
      log.warn("lexicon refresh failed; searches keep the previous document frequencies: {}", e.getMessage());
    }
  }

  private static void reportDatabase(Database database, HealthStatusManager health, Duration timeout) {
    boolean up = database.isReachable(timeout);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    monitor.shutdownNow();
    server.shutdown();
    if (!server.awaitTermination(10, TimeUnit.SECONDS)) server.shutdownNow();
    embedder.close();
    database.close();
  }
}
