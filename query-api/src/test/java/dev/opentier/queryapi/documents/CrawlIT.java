package dev.opentier.queryapi.documents;

import static dev.opentier.platform.db.schema.Tables.CRAWL_QUEUE;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOBS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.opentier.ingest.job.CrawlQueue;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.queryapi.QueryApi;
import dev.opentier.queryapi.TestGateway;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crawls started over HTTP are run by crawl workers that lease them from PostgreSQL: a crawl whose
 * worker died (its gateway killed: a lease nobody renews) is finished by another gateway's worker,
 * and one whose workers keep dying is concluded as failed with the reason, never left submitting.
 */
class CrawlIT {
  private static TestGateway app;
  private static HttpServer site;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    site.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String body = path.equals("/robots.txt") ? "" : "<html><head><title>Page " + path + "</title></head><body><main><h1>Tides " + path
          + "</h1><p>The tide tables for the harbour are printed every spring.</p><a href=\"/a\">a</a> <a href=\"/b\">b</a></main></body></html>";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", path.equals("/robots.txt") ? "text/plain" : "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    site.start();
    // this gateway runs no crawl workers: a crawl it accepts waits for another gateway's
    // (topics of its own on the test broker, which it creates: the crawl's documents go there)
    app = new TestGateway(Map.of(CrawlWorkers.WORKERS, "0", UploadSettings.CRAWL_ALLOW_LOOPBACK, "true",
        KafkaSettings.TOPIC_PREFIX, "crawl" + UUID.randomUUID().toString().substring(0, 8) + "."));
    try (KafkaCluster kafka = new KafkaCluster(KafkaSettings.from(Settings.of(app.settings())))) {
      kafka.createMissingTopics();
    }
    token = app.signIn("crawler@example.org", "a long enough password");
  }

  @AfterAll
  static void stop() {
    app.close();
    site.stop(0);
  }

  @Test
  void aCrawlWhoseWorkerDiedIsFinishedByAnotherGatewaysWorker() throws Exception {
    UUID job = startCrawl();
    DSLContext db = app.database.dsl();
    assertThat(db.fetchValue(INGESTION_JOBS.STATUS, INGESTION_JOBS.ID.eq(job))).isEqualTo("submitting");
    // A worker of a gateway that then dies: it leases the crawl for a second and never renews it.
    CrawlQueue queue = new CrawlQueue(db);
    assertThat(queue.lease("a-gateway-that-dies#0", Duration.ofSeconds(1))).get().extracting(CrawlQueue.Lease::job).isEqualTo(job);

    try (QueryApi other = app.startAnother(Map.of(CrawlWorkers.WORKERS, "2"))) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> db.fetchValue(INGESTION_JOBS.STATUS, INGESTION_JOBS.ID.eq(job)), "submitted"::equals);
    }
    assertThat(db.fetchValue(INGESTION_JOBS.DOCUMENTS_SUBMITTED, INGESTION_JOBS.ID.eq(job))).isEqualTo(3);
    assertThat(db.fetchCount(CRAWL_QUEUE, CRAWL_QUEUE.JOB_ID.eq(job))).as("it left the queue").isZero();
    assertThat(queue.renew(job, "a-gateway-that-dies#0", Duration.ofSeconds(1))).as("the dead worker's lease is gone").isFalse();
  }

  @Test
  void aCrawlWhoseWorkersKeepDyingIsConcludedAsFailedWithTheReason() throws Exception {
    UUID job = startCrawl();
    DSLContext db = app.database.dsl();
    CrawlQueue queue = new CrawlQueue(db);
    for (int attempt = 1; attempt <= CrawlQueue.MAX_ATTEMPTS; attempt++) {
      String worker = "dying-" + attempt;
      CrawlQueue.Lease lease = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> queue.lease(worker, Duration.ofMillis(300)).orElse(null), found -> found != null);
      assertThat(lease.job()).isEqualTo(job);
      assertThat(lease.attempt()).isEqualTo(attempt);
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> queue.lease("the last", Duration.ofSeconds(30)).isEmpty()
        && "failed".equals(db.fetchValue(INGESTION_JOBS.STATUS, INGESTION_JOBS.ID.eq(job))));
    assertThat(db.fetchValue(INGESTION_JOBS.SUBMIT_ERRORS, INGESTION_JOBS.ID.eq(job)).data()).contains("stopped 3 times");
    HttpResponse<String> shown = app.get("/api/ingestion/jobs/" + job, token);
    assertThat(shown.body()).as("the owner sees why").contains("stopped 3 times");
  }

  private static UUID startCrawl() throws Exception {
    HttpResponse<String> started = app.post("/api/documents/urls",
        Map.of("urls", List.of("http://127.0.0.1:" + site.getAddress().getPort() + "/"), "max_depth", 1), token);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return UUID.fromString(TestGateway.json(started).get(0).get("job_id").asText());
  }
}
