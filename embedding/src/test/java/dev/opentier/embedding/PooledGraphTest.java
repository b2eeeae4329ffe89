package dev.opentier.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PooledGraphTest {
  private static final List<String> TEXTS = List.of(
      "short", "Vitamin D deficiency is associated with an increased risk of fractures.", "a longer sentence ".repeat(20));

  @Test
  void thePooledOutputIsTheMaskedMeanOfTheHiddenStatesScaledToUnitLength() throws Exception {
    byte[] model = resource(EmbeddingSettings.Model.FP32.weights);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (WordPieceTokenizer tokenizer = WordPieceTokenizer.forModel(EmbeddingSettings.Model.FP32);
         OrtSession session = environment.createSession(PooledGraph.append(model), new OrtSession.SessionOptions())) {
      Encoding[] encodings = tokenizer.encodeForModel(TEXTS);
      int rows = encodings.length;
      int width = 0;
      for (Encoding e : encodings) width = Math.max(width, e.getIds().length);
      long[][] ids = new long[rows][width];
      long[][] mask = new long[rows][width];
      long[][] types = new long[rows][width];
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < encodings[r].getIds().length; t++) {
          ids[r][t] = encodings[r].getIds()[t];
          mask[r][t] = 1;
        }
      }
      try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, ids);
           OnnxTensor maskTensor = OnnxTensor.createTensor(environment, mask);
           OnnxTensor typeTensor = OnnxTensor.createTensor(environment, types);
           OrtSession.Result result = session.run(
               Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor),
               Set.of("last_hidden_state", PooledGraph.OUTPUT))) {
        float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        float[][][] pooled = (float[][][]) result.get(PooledGraph.OUTPUT).orElseThrow().getValue();
        for (int r = 0; r < rows; r++) {
          int tokens = encodings[r].getIds().length;
          double[] mean = new double[Embedder.DIMENSIONS];
          for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < mean.length; d++) mean[d] += hidden[r][t][d] / tokens;
          }
          double norm = 0;
          for (double v : mean) norm += v * v;
          for (int d = 0; d < mean.length; d++) {
            assertThat((double) pooled[r][0][d]).isCloseTo(mean[d] / Math.sqrt(norm), within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void aModelFileReplacesTheBuiltInWeights(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("copy.onnx");
    Files.write(file, resource(EmbeddingSettings.Model.FP32.weights));
    EmbeddingSettings settings = EmbeddingSettings.from(Settings.of(Map.of(
        EmbeddingSettings.DEVICE, "cpu", EmbeddingSettings.MODEL_FILE, file.toString(), EmbeddingSettings.THREADS, "1")));

    try (Embedder fromFile = Embedder.create(settings);
         Embedder builtIn = Embedder.create(settings.withModel(EmbeddingSettings.Model.FP32))) {
      assertThat(settings.modelFile()).isEqualTo(file);
      assertThat(Vectors.cosine(fromFile.embed(TEXTS.get(1)), builtIn.embed(TEXTS.get(1)))).isGreaterThan(0.99999);
    }
    assertThatThrownBy(() -> EmbeddingSettings.from(Settings.of(Map.of(EmbeddingSettings.MODEL_FILE, folder.resolve("missing.onnx").toString()))))
        .isInstanceOf(SettingException.class).hasMessageContaining(EmbeddingSettings.MODEL_FILE);
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = PooledGraphTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
