package dev.opentier.embedding;

import static dev.opentier.embedding.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbedderTest {
  private static Embedder embedder;

  @BeforeAll
  static void loadModel() {
    embedder = Embedder.create(new EmbeddingSettings(EmbeddingSettings.Device.CPU, EmbeddingSettings.Model.FP32, 2, 4));
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void vectorsHave384UnitLengthDimensions() {
    float[] vector = embedder.embed("Kafka partitions are the unit of parallelism.");

    assertThat(vector).hasSize(384);
    double norm = 0;
    for (float v : vector) norm += v * v;
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() {
    List<float[]> vectors = embedder.embedAll(List.of(
        "The cat sits on the mat.", "A cat is sitting on a rug.", "Quarterly revenue grew by four percent."));

    assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(0.6).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.3);
  }

  @Test
  void aTextsEmbeddingDoesNotDependOnWhatElseIsInTheBatch() {
    String text = "Vitamin D deficiency is associated with an increased risk of fractures.";
    float[] alone = embedder.embed(text);
    List<String> batch = new ArrayList<>(List.of("short", text, "a much longer sentence ".repeat(30)));

    float[] inBatch = embedder.embedAll(batch).get(1);

    assertThat(cosine(alone, inBatch)).isGreaterThan(0.99999);
  }

  @Test
  void tokensAreCountedWithSpecialTokensAndTheWindowIsTheModels() {
    assertThat(embedder.tokenizer().countTokens("hello world")).isEqualTo(4); // [CLS] hello world [SEP]
    String longText = "word ".repeat(400);
    assertThat(embedder.tokenizer().countTokens(longText)).isEqualTo(402);
    // Beyond 256 tokens the model sees only the first 256: the tail changes nothing.
    float[] a = embedder.embed(longText);
    float[] b = embedder.embed(longText + " completely different ending about astronomy and stars");
    assertThat(cosine(a, b)).isGreaterThan(0.99999);
  }

  @Test
  void manyTextsOfMixedLengthsComeBackInTheirOwnOrder() {
    // Batch 4: 150 texts make three tokenizing groups of 64, so order is restored across groups and batches.
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 150; i++) texts.add("passage " + i + " on topic " + (i * 7919 % 150) + " " + "filler words ".repeat((i * 37) % 90));

    List<float[]> vectors = embedder.embedAll(texts);

    assertThat(vectors).hasSize(texts.size());
    for (int i : new int[] {0, 1, 63, 64, 65, 99, 128, 149}) {
      assertThat(cosine(vectors.get(i), embedder.embed(texts.get(i)))).as("text %d", i).isGreaterThan(0.99999);
    }
  }

  @Test
  void aBatchHoldsAtMostItsSizeIn128TokenTextsWorthOfTokens() {
    long[][] ids = new long[12][];
    for (int i = 0; i < ids.length; i++) ids[i] = new long[i < 6 ? 100 : 256]; // ascending token counts
    Integer[] byTokens = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) byTokens[i] = i;

    assertThat(Embedder.rowsFrom(ids, byTokens, 0, 4)).isEqualTo(4); // 4 × 100 ≤ 4 × 128
    assertThat(Embedder.rowsFrom(ids, byTokens, 4, 4)).isEqualTo(2); // a third row would be 3 × 256 > 512
    assertThat(Embedder.rowsFrom(ids, byTokens, 6, 4)).isEqualTo(2);
    assertThat(Embedder.rowsFrom(ids, byTokens, 11, 4)).isEqualTo(1); // the last text
    assertThat(Embedder.rowsFrom(ids, byTokens, 0, 1)).isEqualTo(1); // batch 1 is never split further
  }
}
