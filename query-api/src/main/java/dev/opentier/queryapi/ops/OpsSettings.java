package dev.opentier.queryapi.ops;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.MetricsAccess;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where the operations view looks: the curation-streams instances' metrics endpoints, their Kafka
 * Streams application id (the consumer group whose lag is shown), and how often it samples.
 */
public record OpsSettings(Optional<List<URI>> pipelineMetrics, String streamsApplicationId, Duration sampleInterval, MetricsAccess metricsAccess) {
  public static final String PIPELINE_METRICS = "OPENTIER_PIPELINE_METRICS_URLS";
  /** The same setting curation-streams reads: its consumer group is named after it. */
  public static final String STREAMS_APPLICATION_ID = "OPENTIER_STREAMS_APPLICATION_ID";
  /** The same setting curation-streams reads: the port of its health and metrics endpoint. */
  public static final String STREAMS_PORT = "OPENTIER_STREAMS_PORT";
  public static final String SAMPLE_SECONDS = "OPENTIER_OPS_SAMPLE_SECONDS";

  public static OpsSettings from(Settings settings) {
    // Unset: every running instance is found in pipeline_instances, where each registers itself.
    Optional<List<URI>> urls = settings.optional(PIPELINE_METRICS).map(given -> Arrays.stream(given.split(","))
        .map(String::strip).filter(u -> !u.isEmpty())
        .map(OpsSettings::metricsUrl)
        .toList());
    return new OpsSettings(urls, settings.string(STREAMS_APPLICATION_ID, "opentier-curation"), settings.seconds(SAMPLE_SECONDS, 2, 1, 60),
        MetricsAccess.from(settings));
  }

  static URI metricsUrl(String given) {
    try {
      URI uri = new URI(given);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return uri;
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new SettingException(PIPELINE_METRICS, "must be http(s) URLs separated by commas, got '" + given + "'");
  }
}
