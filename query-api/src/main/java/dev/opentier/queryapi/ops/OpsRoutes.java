package dev.opentier.queryapi.ops;

import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_CURATION_SUMMARY;
import static dev.opentier.platform.db.schema.Tables.PIPELINE_INSTANCES;
import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.ingest.job.DeadLetters;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.edge.RequestIds;
import dev.opentier.queryapi.edge.SseStreams;
import dev.opentier.queryapi.health.Readiness;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/ops/…} (admins): the pipeline as it runs. Throughput per stage and embedding rate
 * come from the curation-streams instances' metrics, lag from Kafka (AdminClient), failures and
 * rejections by reason and chat latency from the tables, component health from live checks.
 */
public final class OpsRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsRoutes.class);

  public record StageRate(String stage, double documentsPerSecond, double failuresPerSecond) {}

  public record Embedding(String device, String model, double chunksPerSecond) {}

  public record ReasonCount(String outcome, String stage, String rule, long documents) {}

  public record Percentiles(Double p50, Double p95, Double p99) {}

  public record ChatLatency(long answers, Percentiles latencyMs, Percentiles timeToFirstTokenMs) {}

  public record Overview(Instant at, Map<String, String> components, List<StageRate> stages, Map<String, Double> outcomesPerSecond,
                         double rateWindowSeconds, Embedding embedding, ConsumerLag.Lag lag, String lagError, List<ReasonCount> failures,
                         List<ReasonCount> rejections, ChatLatency chat, int openStreams) {}

  public record LetterView(String documentId, UUID jobId, String stage, String reason, String source, String uri, Instant failedAt,
                           boolean replayable) {}

  public record Letters(long total, List<LetterView> letters) {}

  public record ReplayInput(UUID jobId, String documentId) {}

  public record Replayed(UUID jobId, int documents, int unreplayable) {}

  /** Three missed heartbeats (curation-streams beats every 10 s). */
  private static final Duration INSTANCE_STALE_AFTER = Duration.ofSeconds(30);
  private final DSLContext db;
  private final Readiness readiness;
  private final PipelineSampler sampler;
  private final ConsumerLag lag;
  private final KafkaSettings kafka;
  private final Ingestion ingestion;
  private final SseStreams streams;
  private final Accounts accounts;
  private final OpsSettings settings;
  private Overview latest;

  public OpsRoutes(OpsSettings settings, DSLContext db, Readiness readiness, Admin admin, KafkaSettings kafka, Ingestion ingestion,
                   SseStreams streams, Accounts accounts) {
    this.settings = settings;
    this.db = db;
    this.readiness = readiness;
    this.sampler = new PipelineSampler(settings.pipelineMetrics().<Supplier<List<URI>>>map(urls -> () -> urls).orElse(this::runningInstances),
        settings.sampleInterval(), settings.metricsAccess().authorization());
    this.lag = new ConsumerLag(admin, settings.streamsApplicationId(), Topics.DOCUMENTS.name(kafka));
    this.kafka = kafka;
    this.ingestion = ingestion;
    this.streams = streams;
    this.accounts = accounts;
  }

  /** The metrics endpoints of the curation-streams instances whose heartbeat is recent (each registers itself). */
  private List<URI> runningInstances() {
    try {
      return db.select(PIPELINE_INSTANCES.METRICS_URL).from(PIPELINE_INSTANCES)
          .where(PIPELINE_INSTANCES.HEARTBEAT_AT.gt(OffsetDateTime.now().minus(INSTANCE_STALE_AFTER)))
          .orderBy(PIPELINE_INSTANCES.INSTANCE_ID)
          .fetch(PIPELINE_INSTANCES.METRICS_URL).stream()
          .flatMap(url -> {
            try {
              return java.util.stream.Stream.of(OpsSettings.metricsUrl(url));
            } catch (RuntimeException e) {
              return java.util.stream.Stream.empty(); // not an http(s) address: never asked
            }
          })
          .toList();
    } catch (RuntimeException e) {
      log.warn("could not read the running pipeline instances: {}", e.getMessage());
      return List.of();
    }
  }

  public void overview(Context ctx) {
    ctx.json(overview());
  }

  /** {@code GET /api/ops/events}: an {@code overview} event every sample interval until the client leaves. */
  public void events(Context ctx) throws InterruptedException {
    streams.stream(ctx, sse -> {
      while (!sse.closing()) {
        sse.event("overview", overview());
        if (sse.awaitClosing(settings.sampleInterval())) break;
      }
      sse.event("error", Map.of("code", "shutting_down", "message", "the gateway is restarting; reconnect to keep watching"));
    });
  }

  public void deadLetters(Context ctx) {
    int limit = Params.integer(ctx, "limit", 100, 1, 1_000);
    List<DeadLetter> all = filtered(ctx.queryParam("job"), ctx.queryParam("document"));
    List<LetterView> newest = all.stream()
        .sorted(Comparator.comparing(DeadLetter::failedAt, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
        .limit(limit)
        .map(l -> new LetterView(l.documentId(), l.jobId(), l.stage(), l.reason(), l.source(), l.uri(), l.failedAt(), l.replayable(Instant.now())))
        .toList();
    ctx.json(new Letters(all.size(), newest));
  }

  /** {@code POST /api/ops/dlq/replay}: the newest dead letter of each matching document, submitted again as one job. */
  public void replay(Context ctx) {
    Principal admin = principal(ctx);
    ReplayInput input = ctx.body().isBlank() ? new ReplayInput(null, null) : ctx.bodyAsClass(ReplayInput.class);
    DeadLetters.Replay replay = DeadLetters.replayable(filtered(input.jobId() == null ? null : input.jobId().toString(), input.documentId()),
        db);
    UUID job = replay.events().isEmpty() ? null : ingestion.replay(replay.events(), admin.userId());
    accounts.audit(admin.userId(), "ops.dlq.replay", "ingestion_job", job == null ? null : job.toString(), ClientAddress.of(ctx),
        RequestIds.of(ctx));
    ctx.json(new Replayed(job, replay.events().size(), replay.unreplayable()));
  }

  private List<DeadLetter> filtered(String job, String document) {
    UUID jobId = null;
    if (job != null && !job.isBlank()) {
      try {
        jobId = UUID.fromString(job.strip());
      } catch (IllegalArgumentException e) {
        throw Params.invalid("job", "must be an ingestion job id");
      }
    }
    UUID onlyJob = jobId;
    return DeadLetters.readAll(kafka).stream()
        .filter(l -> onlyJob == null || onlyJob.equals(l.jobId()))
        .filter(l -> document == null || document.isBlank() || document.strip().equals(l.documentId()))
        .toList();
  }

  /**
   * The overview, computed at most once per sample interval however many admins watch: each
   * computation checks every component, asks Kafka for offsets and queries the tables.
   */
  synchronized Overview overview() {
    if (latest != null && Duration.between(latest.at(), Instant.now()).compareTo(settings.sampleInterval().dividedBy(2)) < 0) return latest;
    latest = computeOverview();
    return latest;
  }

  private Overview computeOverview() {
    sampler.start();
    Map<String, String> components = new LinkedHashMap<>();
    readiness.check().components().forEach((name, status) -> components.put(name, status.name().toLowerCase()));
    PipelineSampler.Snapshot latest = sampler.latest();
    latest.instances().forEach((url, up) -> components.put("curation-streams " + url, up ? "up" : "down"));
    PipelineSampler.Rates rates = sampler.rates();
    List<StageRate> stages = rates.stageDocumentsPerSecond().entrySet().stream()
        .map(e -> new StageRate(e.getKey(), e.getValue(), rates.stageFailuresPerSecond().getOrDefault(e.getKey(), 0.0)))
        .toList();
    Embedding embedding = new Embedding(latest.embedding().get("device"), latest.embedding().get("model"), rates.chunksPerSecond());

    ConsumerLag.Lag measured = null;
    String lagError = null;
    try {
      measured = lag.measure();
    } catch (Exception e) {
      lagError = "consumer lag is unavailable: " + e.getMessage();
      log.debug("consumer lag", e);
    }
    List<ReasonCount> reasons = db.select(INGESTION_JOB_CURATION_SUMMARY.OUTCOME, INGESTION_JOB_CURATION_SUMMARY.STAGE,
            INGESTION_JOB_CURATION_SUMMARY.RULE, DSL.sum(INGESTION_JOB_CURATION_SUMMARY.DOCUMENTS))
        .from(INGESTION_JOB_CURATION_SUMMARY)
        .groupBy(INGESTION_JOB_CURATION_SUMMARY.OUTCOME, INGESTION_JOB_CURATION_SUMMARY.STAGE, INGESTION_JOB_CURATION_SUMMARY.RULE)
        .orderBy(DSL.sum(INGESTION_JOB_CURATION_SUMMARY.DOCUMENTS).desc())
        .limit(100)
        .fetch(r -> new ReasonCount(r.value1(), r.value2(), r.value3(), r.value4() == null ? 0 : r.value4().longValue()));
    return new Overview(Instant.now(), components, stages, rates.outcomesPerSecond(), rates.windowSeconds(), embedding, measured, lagError,
        reasons.stream().filter(r -> "failed".equals(r.outcome())).toList(),
        reasons.stream().filter(r -> !"failed".equals(r.outcome())).toList(),
        chatLatency(), streams.openCount());
  }

  /** Answers of the last hour: how long they took and how soon their first token came (as intelligence measured them). */
  private ChatLatency chatLatency() {
    Record r = db.fetchOne("""
        SELECT count(*) AS answers,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) AS latency,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY time_to_first_token_ms) AS ttft
        FROM chat_messages
        WHERE role = 'assistant' AND created_at > now() - interval '1 hour'""");
    return new ChatLatency(r.get("answers", Long.class), percentiles(r.get("latency", Double[].class)),
        percentiles(r.get("ttft", Double[].class)));
  }

  private static Percentiles percentiles(Double[] values) {
    if (values == null || values.length < 3) return new Percentiles(null, null, null);
    return new Percentiles(values[0], values[1], values[2]);
  }

  @Override
  public void close() {
    sampler.close();
  }
}
