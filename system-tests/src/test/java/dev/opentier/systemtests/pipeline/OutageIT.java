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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL really stopped and started again in the middle of a job, with curation-streams as a
 * process of its own: the documents in flight are not failed but retried once the database is
 * back, so every document is indexed exactly once, none failed, and the dead-letter topic stays
 * empty. Needs the right to restart the local cluster (root, as CI runs); skipped otherwise.
 */
class OutageIT {
  private static final int DOCUMENTS_IN_JOB = 400;

  @TempDir Path temp;
  private PipelineHarness harness;
  private Process pipeline;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(LocalPostgres.canRestart(), "restarting the local PostgreSQL cluster needs root and pg_ctlcluster");
    harness = new PipelineHarness(Map.of("OPENTIER_STREAMS_THREADS", "2", "OPENTIER_PARSE_TIMEOUT_SECONDS", "5"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (pipeline != null) pipeline.destroyForcibly();
    LocalPostgres.start(); // whatever happened, the rest of the suite needs it
    if (harness != null) harness.close();
  }

  @Test
  void aDatabaseRestartMidJobFailsNothingAndIndexesEveryDocumentOnce() throws Exception {
    pipeline = harness.startPipelineProcess("outage", temp);
    UUID job = harness.ingestion.submit(Fixtures.generated("outage", DOCUMENTS_IN_JOB),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false), (documents, bytes) -> {});
    DSLContext db = harness.database.dsl();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> db.fetchCount(DOCUMENTS) >= DOCUMENTS_IN_JOB / 5);

    LocalPostgres.stop();
    // Down for longer than a connection may be waited for (5 s): the stages that read or write
    // PostgreSQL meet errors, not just a slow pool.
    Thread.sleep(12_000); // the outage's length, not synchronisation
    LocalPostgres.start();

    // The database's answers fail while it restarts: poll through them.
    AtomicReference<JobProgress> done = new AtomicReference<>();
    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
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
