package dev.opentier.queryapi.ops;

import dev.opentier.platform.service.Daemons;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the curation-streams instances' Prometheus metrics at a fixed interval, once someone
 * looks, and turns their counters into rates: documents per second through each stage, chunks
 * embedded per second, outcomes per second. Counters are summed over instances; a restarted
 * instance (a counter going down) counts as zero for that interval.
 */
final class PipelineSampler implements AutoCloseable {
  private static final Duration RATE_WINDOW = Duration.ofSeconds(10);
  private static final Duration KEEP = Duration.ofSeconds(70);

  /** Counters summed over instances at one moment, and which instances answered. */
  record Snapshot(Instant at, Map<String, Double> counters, Map<String, Boolean> instances, Map<String, String> embedding) {}

  /** Rates over the last window, per stage and outcome. */
  record Rates(Map<String, Double> stageDocumentsPerSecond, Map<String, Double> stageFailuresPerSecond, Map<String, Double> outcomesPerSecond,
               double chunksPerSecond, double windowSeconds) {}

  private final Supplier<List<URI>> urls;
  private final Duration interval;
  /** The metrics token, sent when one is set (curation-streams asks it of non-loopback scrapers). */
  private final Optional<String> authorization;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Deque<Snapshot> history = new ArrayDeque<>();
  private ScheduledExecutorService timer;

  /** @param urls the instances' metrics endpoints, asked again at every sample (instances come and go) */
  PipelineSampler(Supplier<List<URI>> urls, Duration interval, Optional<String> authorization) {
    this.authorization = authorization;
    this.urls = urls;
    this.interval = interval;
  }

  /** Starts sampling (the first time anyone asks) and takes a sample now if there is none yet. */
  synchronized void start() {
    if (timer != null) return;
    timer = Daemons.scheduler("ops-pipeline-sampler");
    record(sample());
    timer.scheduleAtFixedRate(() -> record(sample()), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized Snapshot latest() {
    return history.peekLast();
  }

  /** Rates between the newest sample and the oldest one inside the window (zero until there are two). */
  synchronized Rates rates() {
    Snapshot newest = history.peekLast();
    Snapshot base = null;
    for (Snapshot s : history) {
      if (s != newest && Duration.between(s.at(), newest.at()).compareTo(RATE_WINDOW) <= 0) {
        base = s;
        break;
      }
    }
    if (newest == null || base == null) return new Rates(Map.of(), Map.of(), Map.of(), 0, 0);
    double seconds = Duration.between(base.at(), newest.at()).toNanos() / 1e9;
    Map<String, Double> stages = new TreeMap<>();
    Map<String, Double> failures = new TreeMap<>();
    Map<String, Double> outcomes = new TreeMap<>();
    double chunks = 0;
    for (var entry : newest.counters().entrySet()) {
      double delta = Math.max(0, entry.getValue() - base.counters().getOrDefault(entry.getKey(), 0.0));
      double rate = delta / seconds;
      String key = entry.getKey();
      if (key.startsWith("stage:")) stages.merge(key.substring(6), rate, Double::sum);
      else if (key.startsWith("failure:")) failures.merge(key.substring(8), rate, Double::sum);
      else if (key.startsWith("outcome:")) outcomes.merge(key.substring(8), rate, Double::sum);
      else if (key.equals("chunks")) chunks = rate;
    }
    return new Rates(stages, failures, outcomes, chunks, seconds);
  }

  private synchronized void record(Snapshot snapshot) {
    history.addLast(snapshot);
    while (Duration.between(history.peekFirst().at(), snapshot.at()).compareTo(KEEP) > 0) history.removeFirst();
  }

  private Snapshot sample() {
    Map<String, Double> counters = new HashMap<>();
    Map<String, Boolean> instances = new LinkedHashMap<>();
    Map<String, String> embedding = new LinkedHashMap<>();
    for (URI url : urls.get()) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2));
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response = http.send(request.build(),
            HttpResponse.BodyHandlers.ofString());
        boolean ok = response.statusCode() == 200;
        instances.put(url.toString(), ok);
        if (ok) read(PrometheusText.parse(response.body()), counters, embedding);
      } catch (java.io.IOException e) {
        instances.put(url.toString(), false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        instances.put(url.toString(), false);
      }
    }
    return new Snapshot(Instant.now(), counters, instances, embedding);
  }

  private static void read(List<PrometheusText.Sample> samples, Map<String, Double> counters, Map<String, String> embedding) {
    for (PrometheusText.Sample s : samples) {
      switch (s.name()) {
        case "opentier_stage_duration_seconds_count" -> counters.merge("stage:" + s.labels().get("stage"), s.value(), Double::sum);
        case "opentier_stage_failures_total" -> counters.merge("failure:" + s.labels().get("stage"), s.value(), Double::sum);
        case "opentier_documents_total" -> counters.merge("outcome:" + s.labels().get("outcome"), s.value(), Double::sum);
        case "opentier_embedded_chunks_total" -> counters.merge("chunks", s.value(), Double::sum);
        case "opentier_embedding_device" -> {
          embedding.put("device", s.labels().get("device"));
          embedding.put("model", s.labels().get("model"));
        }
        default -> { }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) timer.shutdownNow();
  }
}
