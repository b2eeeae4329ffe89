package dev.opentier.intelligence;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running intelligence service: the gRPC server with the standard health service. It reports
 * SERVING while its database answers. Chat and retrieval are registered with the generated base
 * classes, which answer UNIMPLEMENTED, until the intelligence issue builds them.
 */
public final class IntelligenceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IntelligenceServer.class);

  private final Server server;
  private final Database database;
  private final HealthStatusManager health;
  private final ScheduledExecutorService monitor;

  private IntelligenceServer(Server server, Database database, HealthStatusManager health, ScheduledExecutorService monitor) {
    this.server = server;
    this.database = database;
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

    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(own.host(), own.port()))
        .addService(health.getHealthService())
        .addService(ServerInterceptors.intercept(new ChatServiceGrpc.ChatServiceImplBase() {}, new CallLogging()))
        .addService(ServerInterceptors.intercept(new RetrievalServiceGrpc.RetrievalServiceImplBase() {}, new CallLogging()))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      database.close();
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new SettingException(IntelligenceSettings.PORT, "port " + own.port() + " on " + own.host() + " is already in use");
      }
      throw e;
    }
    // Chat and retrieval are not built yet: say so to anyone who asks per service.
    health.setStatus(ChatServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(RetrievalServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);

    ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "intelligence-db-monitor");
      thread.setDaemon(true);
      return thread;
    });
    Duration interval = own.databaseCheckInterval();
    monitor.scheduleWithFixedDelay(() -> reportDatabase(database, health, interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("intelligence listening on {}:{}", own.host(), server.getPort());
    return new IntelligenceServer(server, database, health, monitor);
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
    database.close();
  }
}
