package dev.opentier.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {
  @Test
  void idsForTheModelAreTheFullEncodingCutToTheWindowWithItsClosingSeparator() {
    try (WordPieceTokenizer tokenizer = WordPieceTokenizer.forModel(EmbeddingSettings.Model.FP32)) {
      List<String> texts = new ArrayList<>();
      texts.add("");
      texts.add("Vitamin D deficiency is associated with an increased risk of fractures.");
      texts.add("Ünïcödé — naïve café, 東京, emoji 🙂 and a hyphen-ated word.");
      texts.add("a longer sentence about proteins ".repeat(120)); // far over 256 tokens
      for (int i = 0; i < 600; i++) texts.add("text number " + i + " " + "word ".repeat(i % 300)); // several slices

      long[][] ids = tokenizer.idsForModel(texts);

      assertThat(ids.length).isEqualTo(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        long[] full = tokenizer.encodeUntruncated(texts.get(i)).getIds();
        assertThat(tokenizer.countTokens(texts.get(i))).isEqualTo(full.length);
        long[] expected = full.length <= WordPieceTokenizer.MAX_TOKENS ? full : cut(full);
        assertThat(ids[i]).as("text %d", i).containsExactly(expected);
      }
      assertThat(ids[3]).hasSize(WordPieceTokenizer.MAX_TOKENS);
    }
  }

  /** The first 255 tokens ([CLS] and 254 of the text), then [SEP]. */
  private static long[] cut(long[] full) {
    long[] cut = Arrays.copyOf(full, WordPieceTokenizer.MAX_TOKENS);
    cut[cut.length - 1] = full[full.length - 1];
    return cut;
  }
}
