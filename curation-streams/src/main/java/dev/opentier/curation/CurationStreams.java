package dev.opentier.curation;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The curation-streams process. Today it proves its dependencies (a current schema, a reachable
 * broker) and serves its health endpoint; the Kafka Streams topology (parse, curate, chunk, embed,
 * write to pgvector) is not built yet: the ingestion pipeline issue adds it here.
 */
public final class CurationStreams implements AutoCloseable {
  public static final String HEALTH_PORT = "OPENTIER_STREAMS_PORT";
  public static final String HEALTH_HOST = "OPENTIER_STREAMS_HOST";
  private static final Logger log = LoggerFactory.getLogger(CurationStreams.class);

  private final Database database;
  private final KafkaCluster kafka;
  private final HealthEndpoint health;

  private CurationStreams(Database database, KafkaCluster kafka, HealthEndpoint health) {
    this.database = database;
    this.kafka = kafka;
    this.health = health;
  }

  public static CurationStreams start(Settings settings) throws IOException {
    String host = settings.string(HEALTH_HOST, "127.0.0.1");
    int port = settings.port(HEALTH_PORT, 8081);
    Database database = Database.connect(DatabaseSettings.from(settings), "curation-streams");
    KafkaCluster kafka = null;
    try {
      new Migrations(database.dataSource()).requireCurrent();
      kafka = new KafkaCluster(KafkaSettings.from(settings));
      kafka.requireReachable(Duration.ofSeconds(10));
      HealthEndpoint health = HealthEndpoint.start(host, port, HEALTH_PORT);
      log.info("curation-streams health on http://{}:{}/health (pipeline topology not built yet)", host, health.port());
      return new CurationStreams(database, kafka, health);
    } catch (RuntimeException | IOException e) {
      if (kafka != null) kafka.close();
      database.close();
      throw e;
    }
  }

  public int healthPort() {
    return health.port();
  }

  @Override
  public void close() {
    health.close();
    kafka.close();
    database.close();
  }
}
