package dev.opentier.bench;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.ServerAdmin;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A database of a benchmark's own on the configured PostgreSQL server, created by a superuser
 * ({@value #PG_USER}, default postgres) and owned by OpenTier's user, so a run never touches the
 * platform's data. {@link #env} is the process environment pointed at it.
 */
record OwnDatabase(ServerAdmin admin, String name, String url, Map<String, String> env) {
  static final String PG_USER = "OPENTIER_EVAL_PG_USER";

  /** Creates {@code prefix_xxxxxxxx}. */
  static OwnDatabase create(String prefix) {
    OwnDatabase own = existing(prefix + "_" + UUID.randomUUID().toString().substring(0, 8));
    own.admin.createDatabase(own.name, DatabaseSettings.from(Settings.fromEnvironment()).user());
    return own;
  }

  /** One that already exists (kept by an earlier run); the caller should not drop it. */
  static OwnDatabase existing(String name) {
    Settings base = Settings.fromEnvironment();
    ServerAdmin admin = new ServerAdmin(ServerAdmin.serverOf(DatabaseSettings.from(base).url()), base.string(PG_USER, "postgres"), "");
    String url = admin.urlOf(name);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(DatabaseSettings.URL, url);
    return new OwnDatabase(admin, name, url, env);
  }

  void drop() {
    admin.dropDatabase(name);
  }

  /**
   * Settings for a pipeline of this database's own: topics prefixed with its name, its own Streams
   * application, state directory and metrics port, so that a run shares nothing with the platform.
   */
  Settings pipelineSettings() throws IOException {
    Map<String, String> own = new HashMap<>(env);
    own.put("OPENTIER_KAFKA_TOPIC_PREFIX", name + ".");
    own.put("OPENTIER_STREAMS_APPLICATION_ID", name + ".curation");
    own.put("OPENTIER_STREAMS_STATE_DIR", Files.createTempDirectory("opentier-" + name).toString());
    try (ServerSocket free = new ServerSocket(0)) {
      own.put("OPENTIER_STREAMS_PORT", Integer.toString(free.getLocalPort()));
    }
    return Settings.of(own);
  }

  /** Deletes the topics of {@link #pipelineSettings}. */
  static void removeTopics(KafkaSettings kafka) {
    try (KafkaCluster cluster = new KafkaCluster(kafka)) {
      var names = cluster.admin().listTopics().names().get().stream().filter(n -> n.startsWith(kafka.topicPrefix())).toList();
      cluster.admin().deleteTopics(names).all().get();
    } catch (Exception e) {
      System.err.println("could not remove the topics " + kafka.topicPrefix() + "*: " + e.getMessage());
    }
  }
}
