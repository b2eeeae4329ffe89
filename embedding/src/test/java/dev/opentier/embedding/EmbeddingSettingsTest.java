package dev.opentier.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingSettingsTest {
  private static final String TEXT = "Vitamin D deficiency is associated with an increased risk of fractures.";
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void unsetRunsAndBatchFollowTheDeviceTheEmbedderEndsUpOn() {
    EmbeddingSettings auto = EmbeddingSettings.from(Settings.of(Map.of()));

    assertThat(auto.device()).isEqualTo(EmbeddingSettings.Device.AUTO);
    assertThat(auto.resolvedFor(false).parallelRuns()).isEqualTo(CORES);
    assertThat(auto.resolvedFor(false).batchSize()).isEqualTo(1);
    assertThat(auto.resolvedFor(true).parallelRuns()).isEqualTo(4);
    assertThat(auto.resolvedFor(true).batchSize()).isEqualTo(256);
    assertThat(auto.resolvedFor(false).sessions()).isEqualTo(1);
    assertThat(auto.resolvedFor(true).sessions()).isEqualTo(4); // a session per run
  }

  @Test
  void setRunsAndBatchAreKeptOnEveryDevice() {
    EmbeddingSettings set = EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.THREADS, "3", EmbeddingSettings.BATCH, "8")));

    for (boolean cuda : new boolean[] {false, true}) {
      assertThat(set.resolvedFor(cuda).parallelRuns()).isEqualTo(3);
      assertThat(set.resolvedFor(cuda).batchSize()).isEqualTo(8);
    }
    EmbeddingSettings moreSessionsThanRuns = EmbeddingSettings.from(Settings.of(Map.of(
        EmbeddingSettings.THREADS, "3", EmbeddingSettings.SESSIONS, "5")));
    assertThat(moreSessionsThanRuns.resolvedFor(false).sessions()).isEqualTo(3);
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

  @Test
  void runsSpreadOverSeveralSessionsEmbedAsOneSessionDoes() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) texts.add(TEXT + " " + "more words ".repeat(i));
    Map<String, String> cpu = Map.of(EmbeddingSettings.DEVICE, "cpu", EmbeddingSettings.THREADS, "3", EmbeddingSettings.BATCH, "4");
    Map<String, String> threeSessions = new HashMap<>(cpu);
    threeSessions.put(EmbeddingSettings.SESSIONS, "3");

    try (Embedder one = Embedder.create(EmbeddingSettings.from(Settings.of(cpu)));
         Embedder three = Embedder.create(EmbeddingSettings.from(Settings.of(threeSessions)))) {
      assertThat(three.settings().sessions()).isEqualTo(3);
      List<float[]> expected = one.embedAll(texts);
      List<float[]> actual = three.embedAll(texts);
      for (int i = 0; i < texts.size(); i++) assertThat(Vectors.cosine(actual.get(i), expected.get(i))).isGreaterThan(0.99999);
    }
  }

  @Test
  void aModelFileReplacesTheBuiltInWeights(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("copy.onnx");
    Files.write(file, PooledGraphTest.resource(EmbeddingSettings.Model.FP32.weights));
    EmbeddingSettings settings = EmbeddingSettings.from(Settings.of(Map.of(
        EmbeddingSettings.DEVICE, "cpu", EmbeddingSettings.MODEL_FILE, file.toString(), EmbeddingSettings.THREADS, "1")));

    try (Embedder fromFile = Embedder.create(settings);
         Embedder builtIn = Embedder.create(settings.withModel(EmbeddingSettings.Model.FP32))) {
      assertThat(settings.modelFile()).isEqualTo(file);
      assertThat(Vectors.cosine(fromFile.embed(TEXT), builtIn.embed(TEXT))).isGreaterThan(0.99999);
    }
    assertThatThrownBy(() -> EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.MODEL_FILE, folder.resolve("missing.onnx").toString()))))
        .isInstanceOf(SettingException.class).hasMessageContaining(EmbeddingSettings.MODEL_FILE);
  }
}
