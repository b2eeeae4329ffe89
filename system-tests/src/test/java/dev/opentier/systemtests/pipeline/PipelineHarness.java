package dev.opentier.systemtests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.curation.CurationStreams;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.FolderSource;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real pipeline for a test class: a scratch database, OpenTier's topics under a prefix of their
 * own on the test broker, curation-streams running in this JVM, and the ingest library.
 */
public final class PipelineHarness implements AutoCloseable {
  public final ScratchDatabase scratch;
  public final Database database;
  public final KafkaSettings kafka;
  public final Map<String, String> env = new HashMap<>();
  public final Ingestion ingestion;
  private CurationStreams pipeline;

  public PipelineHarness(Map<String, String> extraSettings) throws Exception {
    scratch = ScratchDatabase.create();
    database = scratch.connect();
    new Migrations(database.dataSource()).apply();
    String prefix = "it" + UUID.randomUUID().toString().substring(0, 8) + ".";
    env.put("OPENTIER_DB_URL", scratch.settings().url());
    env.put("OPENTIER_DB_USER", scratch.settings().user());
    env.put("OPENTIER_DB_PASSWORD", scratch.settings().password());
    env.put("OPENTIER_KAFKA_BOOTSTRAP", TestBroker.bootstrapServers());
    env.put("OPENTIER_KAFKA_TOPIC_PREFIX", prefix);
    env.put("OPENTIER_KAFKA_PARTITIONS", "3");
    env.put("OPENTIER_STREAMS_APPLICATION_ID", prefix + "curation");
    env.put("OPENTIER_STREAMS_STATE_DIR", Files.createTempDirectory("opentier-streams").toString());
    env.put("OPENTIER_STREAMS_PORT", Integer.toString(freePort()));
    env.putAll(extraSettings);
    kafka = KafkaSettings.from(Settings.of(env));
    try (KafkaCluster cluster = new KafkaCluster(kafka)) {
      cluster.createMissingTopics();
    }
    ingestion = new Ingestion(database.dsl(), kafka);
  }

  public PipelineHarness startPipeline() throws IOException {
    pipeline = CurationStreams.start(Settings.of(env));
    return this;
  }

  public void stopPipeline() {
    if (pipeline != null) pipeline.close();
    pipeline = null;
  }

  /** curation-streams as a process of its own (its log in {@code logs}), once it says it runs. */
  public Process startPipelineProcess(String name, Path logs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), "dev.opentier.curation.CurationStreamsMain");
    builder.environment().keySet().removeIf(key -> key.startsWith("OPENTIER_"));
    builder.environment().putAll(env);
    File log = logs.resolve("curation-streams-" + name + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(log);
    Process process = builder.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> !process.isAlive() || Files.readString(log.toPath()).contains("curation-streams running"));
    assertThat(process.isAlive()).as("curation-streams started (log: %s)", log).isTrue();
    return process;
  }

  JobProgress ingestFolder(Path folder, boolean sync) throws Exception {
    return ingestFolder(folder, sync, 20 * 1024 * 1024);
  }

  JobProgress ingestFolder(Path folder, boolean sync, long maxBytes) throws Exception {
    UUID job = ingestion.submit(new FolderSource(folder, List.of(), List.of(), maxBytes),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, sync), (documents, bytes) -> {});
    return await(job);
  }

  /**
   * Waits for the job to conclude. The bound is generous: CurationIT's 2,000 documents (3,530
   * chunks) took 5.5 minutes on a slow 2-core machine, where embedding alone runs at 25 chunks/s.
   */
  public JobProgress await(UUID job) throws InterruptedException {
    JobProgress progress = ingestion.await(job, Duration.ofMinutes(10), p -> {});
    if (!progress.finished()) throw new AssertionError("the pipeline did not conclude job " + job + " in 10 minutes: " + progress);
    return progress;
  }

  @Override
  public void close() {
    stopPipeline();
    ingestion.close();
    database.close();
    scratch.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
