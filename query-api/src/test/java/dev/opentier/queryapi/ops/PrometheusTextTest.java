package dev.opentier.queryapi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void readsSamplesWithAndWithoutLabelsAndSkipsCommentsAndJunk() {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP opentier_embedded_chunks_total chunks embedded
        # TYPE opentier_embedded_chunks_total counter
        opentier_embedded_chunks_total 1234.0
        opentier_stage_duration_seconds_count{stage="parse"} 17
        opentier_embedding_device{device="cpu",model="fp32"} 1.0
        odd{reason="a \\"quoted\\", comma"} 2 1700000000000
        broken{stage="x" 3
        not_a_number NaNish
        """);
    assertThat(samples).containsExactly(
        new PrometheusText.Sample("opentier_embedded_chunks_total", Map.of(), 1234.0),
        new PrometheusText.Sample("opentier_stage_duration_seconds_count", Map.of("stage", "parse"), 17),
        new PrometheusText.Sample("opentier_embedding_device", Map.of("device", "cpu", "model", "fp32"), 1.0),
        new PrometheusText.Sample("odd", Map.of("reason", "a \"quoted\", comma"), 2));
  }
}
