package dev.opentier.systemtests.pipeline;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opentier.ingest.job.DeadLetters;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages in the middle of a 2,000-document job, with curation-streams as a process of its own:
 * PostgreSQL really stopped and started again, and separately the Kafka broker killed (kill -9)
 * and started again. The documents in flight are not failed but retried once the dependency is
 * back, so every document is indexed exactly once with exactly its chunks, none failed, and the
 * dead-letter topic stays empty. Restarting PostgreSQL needs the right to restart the local
 * cluster (root, as CI runs); that drill is skipped otherwise.
 */
class OutageIT {
  private static final int DOCUMENTS_IN_JOB = 2_000;
  /** How long a dependency stays down: longer than a connection is waited for (5 s), so stages meet errors, not a slow pool. */
  private static final long OUTAGE_MILLIS = 12_000;

  @TempDir Path temp;
  private PipelineHarness harness;
  private Process pipeline;
  private DrillBroker broker;

  @AfterEach
  void tearDown() throws Exception {
    if (pipeline != null) pipeline.destroyForcibly();
    if (LocalPostgres.canRestart()) LocalPostgres.start(); // whatever happened, the rest of the suite needs it
    if (harness != null) harness.close();
    if (broker != null) broker.close();
  }

  @Test
  void aDatabaseRestartMidJobFailsNothingAndIndexesEveryDocumentOnce() throws Exception {
    Assumptions.assumeTrue(LocalPostgres.canRestart(), "restarting the local PostgreSQL cluster needs root and pg_ctlcluster");
    harness = new PipelineHarness(Map.of("OPENTIER_STREAMS_THREADS", "2", "OPENTIER_PARSE_TIMEOUT_SECONDS", "5"));
    UUID job = startJobAndAwaitAFifth("database");

    LocalPostgres.stop();
    Thread.sleep(OUTAGE_MILLIS); // the outage's length, not synchronisation
    LocalPostgres.start();

    assertEveryDocumentIndexedOnce(job);
  }

  @Test
  void aBrokerKilledAndRestartedMidJobFailsNothingAndIndexesEveryDocumentOnce() throws Exception {
    broker = DrillBroker.start(temp.resolve("broker"));
    harness = new PipelineHarness(Map.of("OPENTIER_STREAMS_THREADS", "2", "OPENTIER_PARSE_TIMEOUT_SECONDS", "5",
        "OPENTIER_KAFKA_BOOTSTRAP", broker.bootstrap()));
    UUID job = startJobAndAwaitAFifth("broker");

    broker.kill();
    Thread.sleep(OUTAGE_MILLIS); // the outage's length, not synchronisation
    broker.start();

    assertEveryDocumentIndexedOnce(job);
  }

  private UUID startJobAndAwaitAFifth(String name) throws Exception {
    pipeline = harness.startPipelineProcess(name, temp);
    UUID job = harness.ingestion.submit(Fixtures.generated(name, DOCUMENTS_IN_JOB),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false), (documents, bytes) -> {});
    DSLContext db = harness.database.dsl();
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
        .until(() -> db.fetchCount(DOCUMENTS) >= DOCUMENTS_IN_JOB / 5);
    assertThat(harness.ingestion.progress(job).finished()).as("the outage comes in the middle of the job").isFalse();
    return job;
  }

  private void assertEveryDocumentIndexedOnce(UUID job) {
    DSLContext db = harness.database.dsl();
    // The dependency's answers fail while it restarts: poll through them.
    AtomicReference<JobProgress> done = new AtomicReference<>();
    await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
      done.set(harness.ingestion.progress(job));
      return done.get().finished();
    });
    assertThat(pipeline.isAlive()).isTrue();
    assertThat(done.get().failed()).as(done.get().problems().toString()).isZero();
    assertThat(done.get().indexed()).isEqualTo(DOCUMENTS_IN_JOB);
    assertThat(db.fetchCount(DOCUMENTS, DOCUMENTS.STATUS.eq("indexed"))).isEqualTo(DOCUMENTS_IN_JOB);
    assertThat(db.fetchValue(DSL.selectCount().from(DSL.select(CHUNKS.DOCUMENT_ID).from(CHUNKS)
        .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
        .groupBy(CHUNKS.DOCUMENT_ID, DOCUMENTS.CHUNK_COUNT)
        .having(DSL.count().ne(DOCUMENTS.CHUNK_COUNT).or(DSL.countDistinct(CHUNKS.POSITION).ne(DOCUMENTS.CHUNK_COUNT))))))
        .isZero();
    List<?> letters = DeadLetters.readAll(harness.kafka);
    assertThat(letters).isEmpty();
  }

  /** The local PostgreSQL cluster the tests use, stopped and started with Debian's pg_ctlcluster. */
  static final class LocalPostgres {
    private LocalPostgres() {}

    static boolean canRestart() throws Exception {
      return "root".equals(System.getProperty("user.name")) && cluster() != null;
    }

    static void stop() throws Exception {
      run("stop", "-m", "fast");
    }

    static void start() throws Exception {
      String[] cluster = cluster();
      if (cluster != null && !"online".equals(cluster[2])) run("start");
    }

    /** {version, name, status} of the cluster on the tests' port, or null. */
    private static String[] cluster() throws IOException, InterruptedException {
      String url = System.getenv().getOrDefault("OPENTIER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
      String port = url.replaceAll(".*:(\\d+)/.*", "$1");
      Process list;
      try {
        list = new ProcessBuilder("pg_lsclusters", "-h").redirectErrorStream(true).start();
      } catch (IOException e) {
        return null;
      }
      String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      list.waitFor(30, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[2].equals(port)) return new String[] {f[0], f[1], f[3]};
      }
      return null;
    }

    private static void run(String action, String... options) throws Exception {
      String[] cluster = cluster();
      List<String> command = new java.util.ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", cluster[0], cluster[1], action));
      if (options.length > 0) {
        command.add("--");
        command.addAll(List.of(options));
      }
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("pg_ctlcluster %s: %s", action, out).isZero();
    }
  }
}
