package dev.opentier.bench;

import dev.opentier.embedding.Vectors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenTier's embeddings are langchain4j's, where both see the same (≤ 128-token) text. */
class EmbeddingCorrectnessTest {
  @Test
  void fiftyRealChunksEmbedAsLangchain4jEmbedsThem() throws Exception {
    try (Embedder ours = Embedder.create(new EmbeddingSettings(EmbeddingSettings.Device.CPU, EmbeddingSettings.Model.FP32, 2, 4))) {
      List<String> chunks = BenchChunks.fromCorpus(BenchChunks.locateCorpus(), ours.tokenizer(), 200).stream()
          .map(text -> BenchChunks.truncate(ours.tokenizer(), text, 128))
          .limit(50)
          .toList();
      assertThat(chunks).hasSize(50).allSatisfy(c -> assertThat(ours.tokenizer().countTokens(c)).isLessThanOrEqualTo(128));

      List<float[]> mine = ours.embedAll(chunks);
      var theirs = new AllMiniLmL6V2EmbeddingModel().embedAll(chunks.stream().map(TextSegment::from).toList()).content();

      for (int i = 0; i < chunks.size(); i++) {
        assertThat(Vectors.cosine(mine.get(i), theirs.get(i).vector())).as("chunk %d", i).isGreaterThanOrEqualTo(0.999);
      }
    }
  }
}
