package dev.opentier.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The model's own WordPiece tokenizer (its tokenizer.json, run by the HuggingFace tokenizers
 * library), set to the model's real window of {@value #MAX_TOKENS} tokens including [CLS] and
 * [SEP]. The chunker counts with it, so chunks fit the window exactly. Thread-safe.
 */
public final class WordPieceTokenizer implements AutoCloseable {
  /** all-MiniLM-L6-v2's window: 256 positions, two of them taken by [CLS] and [SEP]. */
  public static final int MAX_TOKENS = 256;

  static {
    // The tokenizer runs on the CPU. On a machine with CUDA, DJL would otherwise look for a CUDA
    // build of its native library, which is not in the jar, and try to download it.
    if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
      System.setProperty("RUST_FLAVOR", "cpu");
    }
  }

  private final HuggingFaceTokenizer counting;
  private final HuggingFaceTokenizer encoding;

  WordPieceTokenizer(String resource) {
    // The bundled tokenizer.json truncates and pads to 128: override both.
    this.counting = load(resource, Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    this.encoding = load(resource, Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
        "maxLength", Integer.toString(MAX_TOKENS)));
  }

  public static WordPieceTokenizer forModel(EmbeddingSettings.Model model) {
    return new WordPieceTokenizer(model.tokenizer);
  }

  /** Tokens the model would see for {@code text}, special tokens included, without truncation. */
  public int countTokens(String text) {
    return counting.encode(text).getIds().length;
  }

  /** The full encoding without truncation (ids, and each token's character span in {@code text}). */
  public Encoding encodeUntruncated(String text) {
    return counting.encode(text);
  }

  /** Encodings truncated to the model's window, as fed to the model. */
  Encoding[] encodeForModel(List<String> texts) {
    return encoding.batchEncode(texts);
  }

  @Override
  public void close() {
    counting.close();
    encoding.close();
  }

  private static HuggingFaceTokenizer load(String resource, Map<String, String> options) {
    try (InputStream in = WordPieceTokenizer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("tokenizer resource " + resource + " is not on the classpath");
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + resource, e);
    }
  }
}
