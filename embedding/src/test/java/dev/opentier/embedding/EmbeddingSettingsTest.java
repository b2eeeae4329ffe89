package dev.opentier.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingSettingsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void unsetRunsAndBatchFollowTheDeviceTheEmbedderEndsUpOn() {
    EmbeddingSettings auto = EmbeddingSettings.from(Settings.of(Map.of()));

    assertThat(auto.device()).isEqualTo(EmbeddingSettings.Device.AUTO);
    assertThat(auto.on(false).parallelRuns()).isEqualTo(CORES);
    assertThat(auto.on(false).batchSize()).isEqualTo(1);
    assertThat(auto.on(true).parallelRuns()).isEqualTo(2);
    assertThat(auto.on(true).batchSize()).isEqualTo(256);
  }

  @Test
  void setRunsAndBatchAreKeptOnEveryDevice() {
    EmbeddingSettings set = EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.THREADS, "3", EmbeddingSettings.BATCH, "8")));

    for (boolean cuda : new boolean[] {false, true}) {
      assertThat(set.on(cuda).parallelRuns()).isEqualTo(3);
      assertThat(set.on(cuda).batchSize()).isEqualTo(8);
    }
    assertThatThrownBy(() -> EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.BATCH, "0"))))
        .isInstanceOf(SettingException.class).hasMessageContaining(EmbeddingSettings.BATCH);
  }

  @Test
  void anEmbedderOnTheCpuRunsWithTheCpuDefaults() {
    try (Embedder embedder = Embedder.create(EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.DEVICE, "cpu"))))) {
      assertThat(embedder.settings().parallelRuns()).isEqualTo(CORES);
      assertThat(embedder.settings().batchSize()).isEqualTo(1);
    }
  }
}
