package dev.opentier.curation;

import dev.opentier.embedding.Embedder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * What operators watch: per stage, documents through it, its latency and its failures; outcomes
 * by stage; chunks embedded (the embedding rate) and the device. Consumer lag comes from Kafka
 * Streams' own metrics, bound to the same registry.
 */
public final class PipelineMetrics {
  private final MeterRegistry registry;

  public PipelineMetrics(MeterRegistry registry, Embedder embedder) {
    this.registry = registry;
    // Named as it is exposed: Prometheus reserves the _info suffix and would strip it.
    Gauge.builder("opentier_embedding_device", () -> 1)
        .tag("device", embedder.device())
        .tag("model", embedder.settings().model().name().toLowerCase(Locale.ROOT))
        .description("the device and model the embedder runs on")
        .register(registry);
  }

  void stage(String stage, long startedNanos, int chunks, boolean failed) {
    Timer.builder("opentier_stage_duration")
        .tag("stage", stage)
        .description("time a stage spends on one document")
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry)
        .record(Duration.ofNanos(System.nanoTime() - startedNanos));
    if (failed) Counter.builder("opentier_stage_failures").tag("stage", stage).register(registry).increment();
    if (stage.equals("embed") && !failed) Counter.builder("opentier_embedded_chunks").description("chunks embedded").register(registry).increment(chunks);
  }

  void outcome(Work work) {
    Counter.builder("opentier_documents")
        .tag("outcome", work.outcome().name().toLowerCase(Locale.ROOT))
        .tag("stage", work.stage() == null ? "none" : work.stage())
        .description("documents concluded by the pipeline")
        .register(registry)
        .increment();
  }
}
