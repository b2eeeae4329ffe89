package dev.opentier.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The model's own WordPiece tokenizer (its tokenizer.json, run by the HuggingFace tokenizers
 * library), set to the model's real window of {@value #MAX_TOKENS} tokens including [CLS] and
 * [SEP]. The chunker counts with it, so chunks fit the window exactly. Thread-safe.
 */
public final class WordPieceTokenizer implements AutoCloseable {
  /** all-MiniLM-L6-v2's window: 256 positions, two of them taken by [CLS] and [SEP]. */
  public static final int MAX_TOKENS = 256;
  private static final int SLICE = 256;

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
    long handle = TokenizersLibrary.LIB.encode(counting.getHandle(), text, true);
    try {
      return TokenizersLibrary.LIB.getTokenIds(handle).length;
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(handle);
    }
  }

  /** The full encoding without truncation (ids, and each token's character span in {@code text}). */
  public Encoding encodeUntruncated(String text) {
    return counting.encode(text);
  }

  /**
   * Token ids as fed to the model, one array per text, truncated to the window. Large lists are
   * tokenized in slices on the common pool.
   */
  public long[][] idsForModel(List<String> texts) {
    if (texts.size() <= SLICE) return ids(encoding, texts.toArray(String[]::new));
    long[][] ids = new long[texts.size()][];
    IntStream.range(0, (texts.size() + SLICE - 1) / SLICE).parallel().forEach(slice -> {
      int from = slice * SLICE;
      long[][] part = ids(encoding, texts.subList(from, Math.min(texts.size(), from + SLICE)).toArray(String[]::new));
      System.arraycopy(part, 0, ids, from, part.length);
    });
    return ids;
  }

  /**
   * Only the ids, straight from the native encodings: DJL's {@link Encoding} would also build a
   * String and a span object per token, which cost more than the tokenization itself.
   */
  private static long[][] ids(HuggingFaceTokenizer tokenizer, String[] texts) {
    long[] handles = TokenizersLibrary.LIB.batchEncode(tokenizer.getHandle(), texts, true);
    long[][] ids = new long[handles.length][];
    try {
      for (int i = 0; i < handles.length; i++) ids[i] = TokenizersLibrary.LIB.getTokenIds(handles[i]);
    } finally {
      for (long handle : handles) TokenizersLibrary.LIB.deleteEncoding(handle);
    }
    return ids;
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
