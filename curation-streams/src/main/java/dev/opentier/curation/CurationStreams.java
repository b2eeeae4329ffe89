package dev.opentier.curation;

import dev.opentier.platform.service.Daemons;
import dev.opentier.curation.chunk.Chunker;
import dev.opentier.curation.curate.CurationSettings;
import dev.opentier.curation.curate.CurationStages;
import dev.opentier.curation.dedup.Deduplication;
import dev.opentier.curation.index.DocumentIndex;
import dev.opentier.curation.parse.DocumentParser;
import dev.opentier.curation.parse.DocumentParsing;
import dev.opentier.curation.parse.IsolatedParser;
import io.micrometer.core.instrument.FunctionCounter;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.MetricsAccess;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.service.Resources;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The curation-streams process: the Kafka Streams application that parses, chunks and embeds
 * documents into pgvector ({@link CurationTopology}), with its health and Prometheus endpoint.
 */
public final class CurationStreams implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CurationStreams.class);

  private final Resources resources;
  private final KafkaStreams streams;
  private final HealthEndpoint health;

  private CurationStreams(Resources resources, KafkaStreams streams, HealthEndpoint health) {
    this.resources = resources;
    this.streams = streams;
    this.health = health;
  }

  /** Configuration, separate from topology and main (STYLE.md). */
  static Properties streamsConfig(PipelineSettings pipeline, KafkaSettings kafka) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, pipeline.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, pipeline.streamThreads());
    props.put(StreamsConfig.STATE_DIR_CONFIG, pipeline.stateDir().toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) pipeline.commitInterval().toMillis());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
    props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(kafka.minInsyncReplicas()));
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, pipeline.standbyReplicas());
    // Static membership (Kafka Streams names each thread's member after it).
    pipeline.instanceId().ifPresent(id -> props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    // A task reads documents and de-duplication verdicts; nothing needs their timestamps aligned,
    // so it never idles waiting for one of them while the other has records.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Documents are large and embedding is slow: take few at a time so a poll never outlives its lease.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
    // How soon the partitions of an instance that died without leaving (kill -9) move to the others.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) pipeline.sessionTimeout().toMillis());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 600_000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 64 * 1024 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 33 * 1024 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 64 * 1024 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), 160L * 1024 * 1024);
    // The de-duplication stores park whole documents while their bands answer: their changelogs
    // must take the largest document the pipeline accepts.
    props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), 64 * 1024 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) pipeline.transactionTimeout().toMillis());
    // No JMX reporter (Kafka's default): /metrics reads the metrics from the application itself.
    // Each state-store iterator registers and removes a metric; through JMX that re-registered
    // MBeans on every band lookup of de-duplication, a measurable part of the stream threads' CPU.
    props.put(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
    return props;
  }

  public static CurationStreams start(Settings settings) throws IOException {
    PipelineSettings pipeline = PipelineSettings.from(settings);
    KafkaSettings kafkaSettings = KafkaSettings.from(settings);
    EmbeddingSettings embeddingSettings = EmbeddingSettings.from(settings);
    Resources resources = new Resources();
    try {
      Database database = resources.add(Database.connect(DatabaseSettings.from(settings), "curation-streams"));
      new Migrations(database.dataSource()).requireCurrent();
      int bandPartitions;
      try (KafkaCluster kafka = new KafkaCluster(kafkaSettings)) {
        kafka.requireReachable(Duration.ofSeconds(10));
        bandPartitions = kafka.partitionsOf(Topics.DEDUP_BANDS.name(kafkaSettings)).orElse(Topics.DEDUP_BANDS.partitions(kafkaSettings));
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.add(registry::close);
      new JvmMemoryMetrics().bindTo(registry);

      Embedder embedder = resources.add(Embedder.create(embeddingSettings));
      // Parsing runs in worker processes that can be stopped (a parser that never returns, one that
      // needs more memory than it may have), unless there are none.
      DocumentParsing parser;
      if (pipeline.parseWorkers() == 0) {
        parser = resources.add(new DocumentParser(pipeline.parseLimits()));
      } else {
        IsolatedParser isolated = resources.add(new IsolatedParser(pipeline.parseLimits(), pipeline.parseWorkers(), pipeline.parseWorkerHeapMb()));
        FunctionCounter.builder("opentier.parse.workers.stopped", isolated, IsolatedParser::stopped)
            .description("parse worker processes stopped: a parse that did not end in time, ran out of memory or crashed")
            .register(registry);
        parser = isolated;
      }
      CurationSettings curation = CurationSettings.from(settings);
      DocumentIndex index = new DocumentIndex(database.dsl());
      PipelineStages stages = new PipelineStages(parser, new CurationStages(curation),
          new Chunker(embedder.tokenizer(), pipeline.chunkMaxTokens(), pipeline.chunkOverlapTokens()),
          embedder, index, new PipelineMetrics(registry, embedder), pipeline.deadLetterContentRetention());
      // What is held of rejected documents (redacted text, for "index anyway") and what dead letters
      // refer to (bytes nothing redacted) are kept for a while, not for ever.
      ScheduledExecutorService housekeeping = Daemons.scheduler("hold-expiry");
      resources.add(housekeeping::shutdownNow);
      housekeeping.scheduleWithFixedDelay(() -> {
        try {
          int expired = index.expireRejectedHolds(pipeline.rejectedHoldRetention());
          if (expired > 0) log.info("forgot what was held of {} rejected document(s) older than {} days", expired,
              pipeline.rejectedHoldRetention().toDays());
          int letters = index.expireDeadLetterContents();
          if (letters > 0) log.info("forgot the kept bytes of {} dead letter(s)", letters);
        } catch (RuntimeException e) {
          log.warn("could not expire held rejected documents or dead letters' bytes (tried again in an hour): {}", e.getMessage());
        }
      }, 1, 60, TimeUnit.MINUTES);

      Deduplication dedup = new Deduplication(curation.exactDedup(), curation.nearDedup(), curation.nearThreshold(), bandPartitions);
      KafkaStreams streams = new KafkaStreams(CurationTopology.build(stages, dedup, kafkaSettings), streamsConfig(pipeline, kafkaSettings));
      // A failure that escapes the stages (the database is down) is retried by a fresh thread from
      // the last committed offset; the sink's idempotent writes make the replay harmless.
      // A thread that keeps failing backs off (1 s, doubling to a minute) instead of spinning.
      BackOff backOff = new BackOff(Duration.ofSeconds(1), Duration.ofMinutes(1));
      streams.setUncaughtExceptionHandler(e -> {
        Duration wait = backOff.next();
        log.error("stream thread failed ({}); replacing it in {} ms and retrying from the last commit",
            e instanceof PassingFailure || PassingFailure.isPassing(e) ? "the database or broker is unavailable" : "unexpected", wait.toMillis(), e);
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
      streamsMetrics.bindTo(registry);
      resources.add(streamsMetrics);
      HealthEndpoint health = HealthEndpoint.start(pipeline.healthHost(), pipeline.healthPort(), PipelineSettings.HEALTH_PORT,
          () -> streams.state().isRunningOrRebalancing() || streams.state() == KafkaStreams.State.CREATED,
          registry::scrape, MetricsAccess.from(settings));
      streams.start();
      // The operations view finds every running instance here (its heartbeat stops when it does).
      resources.add(PipelineInstances.register(database.dsl(), pipeline, health.port()));
      log.info("curation-streams running ({} stream threads, health and /metrics on http://{}:{})",
          pipeline.streamThreads(), pipeline.healthHost(), health.port());
      return new CurationStreams(resources, streams, health);
    } catch (RuntimeException | IOException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public void close() {
    health.close();
    streams.close(Duration.ofSeconds(30));
    resources.close();
  }
}
