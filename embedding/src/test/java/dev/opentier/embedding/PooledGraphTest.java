package dev.opentier.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PooledGraphTest {
  private static final List<String> TEXTS = List.of(
      "short", "Vitamin D deficiency is associated with an increased risk of fractures.", "a longer sentence ".repeat(20));

  @Test
  void thePooledOutputIsTheMaskedMeanOfTheHiddenStatesScaledToUnitLength() throws Exception {
    byte[] model = resource(EmbeddingSettings.Model.FP32.weights);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (WordPieceTokenizer tokenizer = WordPieceTokenizer.forModel(EmbeddingSettings.Model.FP32);
         OrtSession session = environment.createSession(PooledGraph.append(model), new OrtSession.SessionOptions())) {
      long[][] tokenIds = tokenizer.idsForModel(TEXTS);
      int rows = tokenIds.length;
      int width = 0;
      for (long[] row : tokenIds) width = Math.max(width, row.length);
      long[][] ids = new long[rows][width];
      long[][] mask = new long[rows][width];
      long[][] types = new long[rows][width];
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < tokenIds[r].length; t++) {
          ids[r][t] = tokenIds[r][t];
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
          int tokens = tokenIds[r].length;
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

  static byte[] resource(String name) throws Exception {
    try (InputStream in = PooledGraphTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
