package dev.opentier.curation;

import dev.opentier.curation.parse.DocumentParser;
import dev.opentier.platform.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** curation-streams' own settings. */
public record PipelineSettings(
    String applicationId,
    int streamThreads,
    Path stateDir,
    Duration commitInterval,
    Duration sessionTimeout,
    Duration transactionTimeout,
    DocumentParser.Limits parseLimits,
    int parseWorkers,
    int parseWorkerHeapMb,
    int chunkMaxTokens,
    int chunkOverlapTokens,
    String healthHost,
    int healthPort,
    Duration rejectedHoldRetention,
    Duration deadLetterContentRetention,
    int standbyReplicas,
    Optional<String> instanceId,
    Optional<String> advertisedUrl) {

  public static final String APPLICATION_ID = "OPENTIER_STREAMS_APPLICATION_ID";
  public static final String THREADS = "OPENTIER_STREAMS_THREADS";
  public static final String STATE_DIR = "OPENTIER_STREAMS_STATE_DIR";
  public static final String COMMIT_MS = "OPENTIER_STREAMS_COMMIT_MS";
  public static final String SESSION_TIMEOUT_MS = "OPENTIER_STREAMS_SESSION_TIMEOUT_MS";
  public static final String TRANSACTION_TIMEOUT = "OPENTIER_STREAMS_TRANSACTION_TIMEOUT_SECONDS";
  public static final String PARSE_MAX_BYTES = "OPENTIER_PARSE_MAX_BYTES";
  public static final String PARSE_MAX_CHARS = "OPENTIER_PARSE_MAX_CHARS";
  public static final String PARSE_TIMEOUT = "OPENTIER_PARSE_TIMEOUT_SECONDS";
  public static final String PARSE_WORKERS = "OPENTIER_PARSE_WORKERS";
  public static final String PARSE_WORKER_HEAP_MB = "OPENTIER_PARSE_WORKER_HEAP_MB";
  public static final String CHUNK_MAX_TOKENS = "OPENTIER_CHUNK_MAX_TOKENS";
  public static final String CHUNK_OVERLAP = "OPENTIER_CHUNK_OVERLAP_TOKENS";
  public static final String HEALTH_HOST = "OPENTIER_STREAMS_HOST";
  public static final String HEALTH_PORT = "OPENTIER_STREAMS_PORT";
  public static final String REJECTED_HOLD_DAYS = "OPENTIER_REJECTED_HOLD_DAYS";
  public static final String DLQ_CONTENT_DAYS = "OPENTIER_DLQ_CONTENT_DAYS";
  public static final String STANDBY_REPLICAS = "OPENTIER_STREAMS_STANDBY_REPLICAS";
  public static final String INSTANCE_ID = "OPENTIER_STREAMS_INSTANCE_ID";
  public static final String ADVERTISED_URL = "OPENTIER_STREAMS_ADVERTISED_URL";

  public static PipelineSettings from(Settings settings) {
    Duration parseTimeout = settings.seconds(PARSE_TIMEOUT, 60, 1, 3600);
    int threads = settings.integer(THREADS, Runtime.getRuntime().availableProcessors(), 1, 64);
    return new PipelineSettings(
        settings.string(APPLICATION_ID, "opentier-curation"),
        threads,
        Path.of(settings.string(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "opentier-streams").toString())),
        Duration.ofMillis(settings.integer(COMMIT_MS, 100, 10, 60_000)),
        Duration.ofMillis(settings.integer(SESSION_TIMEOUT_MS, 45_000, 6_000, 1_800_000)),
        // A transaction stays open while one document is processed, so it must outlast the slowest
        // parse plus embedding; after a crash, partitions with an open transaction wait this long.
        settings.seconds(TRANSACTION_TIMEOUT, (int) parseTimeout.toSeconds() + 120, 10, 900),
        new DocumentParser.Limits(
            settings.integer(PARSE_MAX_BYTES, 50 * 1024 * 1024, 1, Integer.MAX_VALUE),
            settings.integer(PARSE_MAX_CHARS, 2_000_000, 1_000, Integer.MAX_VALUE),
            parseTimeout),
        // one worker process per stream thread (each parses one document at a time); 0 parses in this process
        settings.integer(PARSE_WORKERS, threads, 0, 64),
        settings.integer(PARSE_WORKER_HEAP_MB, 512, 64, 65_536),
        settings.integer(CHUNK_MAX_TOKENS, 256, 16, 256),
        settings.integer(CHUNK_OVERLAP, 32, 0, 120),
        settings.string(HEALTH_HOST, "127.0.0.1"),
        settings.port(HEALTH_PORT, 8081),
        Duration.ofDays(settings.integer(REJECTED_HOLD_DAYS, 30, 1, 3650)),
        Duration.ofDays(settings.integer(DLQ_CONTENT_DAYS, 7, 0, 3650)),
        // a warm copy of each task's state on another instance, for a quick hand-over when one dies
        settings.integer(STANDBY_REPLICAS, 0, 0, 5),
        // a stable name (static membership: a restarted instance takes its partitions back without a rebalance)
        settings.optional(INSTANCE_ID).map(String::strip).filter(id -> !id.isEmpty()),
        // where the operations view reaches this instance's /metrics (default: its own host and port)
        settings.optional(ADVERTISED_URL).map(String::strip).filter(url -> !url.isEmpty()));
  }
}
