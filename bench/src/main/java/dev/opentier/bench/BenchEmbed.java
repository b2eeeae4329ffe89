package dev.opentier.bench;

import dev.opentier.embedding.Vectors;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.platform.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * {@code ./opentier bench embed}: langchain4j's embedder and OpenTier's on the same real chunks,
 * in turn, both limited to 128 tokens so both do the same work; then OpenTier's at the full
 * 256-token window. Prints rates, ratios and the cosine agreement.
 */
public final class BenchEmbed {
  private BenchEmbed() {}

  public static void main(String[] args) throws Exception {
    Path corpus = args.length > 0 && !args[0].isBlank() ? Path.of(args[0]) : BenchChunks.locateCorpus();
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    boolean withLangchain4j = !(args.length > 2 && args[2].equals("--opentier-only"));
    Settings environment = Settings.fromEnvironment();
    EmbeddingSettings configured = EmbeddingSettings.from(environment);
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));

    // The built-in models named by OPENTIER_BENCH_MODELS (default both), then the graph in
    // OPENTIER_EMBEDDING_MODEL_FILE if one is set, compared with fp32 on the same chunks.
    List<EmbeddingSettings> variants = new ArrayList<>();
    for (String name : environment.string("OPENTIER_BENCH_MODELS", "fp32,int8").split(",")) {
      variants.add(configured.withModel(EmbeddingSettings.Model.valueOf(name.trim().toUpperCase(Locale.ROOT))));
    }
    if (configured.modelFile() != null) variants.add(configured);

    List<float[]> fp32Full = null;
    double langchain4jFp32Rate = 0;
    for (EmbeddingSettings settings : variants) {
      try (Embedder ours = Embedder.create(settings)) {
        // Chunked, cut and counted once per distinct chunk (in parallel), then repeated to the count.
        List<String> distinct = BenchChunks.fromCorpus(corpus, ours.tokenizer(), count);
        List<String> distinctAt128 = distinct.parallelStream().map(t -> BenchChunks.truncate(ours.tokenizer(), t, 128)).toList();
        int[] tokens = distinct.parallelStream().mapToInt(t -> ours.tokenizer().countTokens(t)).toArray();
        List<String> full = repeatedTo(distinct, count);
        List<String> at128 = repeatedTo(distinctAt128, count);
        long longer = IntStream.range(0, full.size()).filter(i -> tokens[i % tokens.length] > 128).count();
        String name = label(settings);
        System.out.printf(Locale.ROOT, "%s: %d chunks (%d distinct), %d (%.0f%%) longer than 128 tokens; device %s, %d parallel runs over %d sessions, batch %d%n",
            name, full.size(), distinct.size(), longer, 100.0 * longer / full.size(), ours.device(), ours.settings().parallelRuns(),
            ours.settings().sessions(), ours.settings().batchSize());

        // Warm-up: two full batches per worker, so every worker has run the large shapes once.
        ours.embedAll(full.subList(0, Math.min(full.size(), Math.max(64, 2 * ours.settings().parallelRuns() * ours.settings().batchSize()))));
        // Tokenizing alone, for comparison: the embedder overlaps it with its runs.
        long tokenizing = System.nanoTime();
        ours.tokenizer().idsForModel(at128);
        System.out.printf(Locale.ROOT, "%s tokenizing alone @128 tokens: %.1f chunks/s%n", name, full.size() / seconds(tokenizing));
        long started = System.nanoTime();
        List<float[]> oursAt128 = ours.embedAll(at128);
        double oursSeconds = seconds(started);
        double oursRate = full.size() / oursSeconds;
        System.out.printf(Locale.ROOT, "%s opentier @128 tokens: %.1f chunks/s (%.0f GFLOP/s of model arithmetic)%n",
            name, oursRate, flops(tokens, full.size(), 128) / oursSeconds / 1e9);

        if (withLangchain4j && settings.modelFile() == null) {
          EmbeddingModel reference = Reference.of(settings.model());
          List<TextSegment> segments = at128.stream().map(TextSegment::from).toList();
          reference.embedAll(segments.subList(0, Math.min(64, segments.size()))); // warm-up
          started = System.nanoTime();
          var theirs = reference.embedAll(segments).content();
          double theirRate = full.size() / seconds(started);
          List<float[]> theirVectors = theirs.stream().map(e -> e.vector()).toList();
          System.out.printf(Locale.ROOT, "%s langchain4j @128 tokens: %.1f chunks/s%n", name, theirRate);
          System.out.printf(Locale.ROOT, "%s ratio vs langchain4j: %.2fx%n", name, oursRate / theirRate);
          if (settings.model() == EmbeddingSettings.Model.FP32) {
            langchain4jFp32Rate = theirRate;
          } else if (langchain4jFp32Rate > 0) {
            // Also against langchain4j's fp32 embedder, the reference embedder of the figures.
            System.out.printf(Locale.ROOT, "%s ratio vs langchain4j's fp32 embedder: %.2fx%n", name, oursRate / langchain4jFp32Rate);
          }
          System.out.printf(Locale.ROOT, "%s cosine to langchain4j: %s%n", name, agreement(oursAt128, theirVectors));
        }

        started = System.nanoTime();
        List<float[]> oursFull = ours.embedAll(full);
        double fullSeconds = seconds(started);
        System.out.printf(Locale.ROOT, "%s opentier @256 tokens (full window): %.1f chunks/s (%.0f GFLOP/s of model arithmetic)%n",
            name, full.size() / fullSeconds, flops(tokens, full.size(), 256) / fullSeconds / 1e9);
        if (settings.modelFile() == null && settings.model() == EmbeddingSettings.Model.FP32) {
          fp32Full = oursFull;
        } else if (settings.modelFile() != null && fp32Full != null) {
          System.out.printf(Locale.ROOT, "%s cosine to fp32 @256 tokens: %s%n", name, agreement(oursFull, fp32Full));
        }
      } catch (RuntimeException e) {
        // One variant failing (a device out of memory, say) still leaves the others' figures.
        System.out.printf(Locale.ROOT, "%s failed: %s%n", label(settings), e);
      }
    }
  }

  /**
   * langchain4j's embedder for a model. Its own class, so the GPU bundle (bench/gpu.sh), which runs
   * {@code --opentier-only} and carries no langchain4j model but fp32's, loads none of it.
   */
  private static final class Reference {
    static EmbeddingModel of(EmbeddingSettings.Model model) {
      return model == EmbeddingSettings.Model.FP32 ? new AllMiniLmL6V2EmbeddingModel() : new AllMiniLmL6V2QuantizedEmbeddingModel();
    }
  }

  /** The model file's name, or the built-in model's. */
  private static String label(EmbeddingSettings settings) {
    return settings.modelFile() != null ? settings.modelFile().getFileName().toString()
        : settings.model().name().toLowerCase(Locale.ROOT);
  }

  /** The chunks repeated in order until there are {@code count} (a fast device outruns the corpus). */
  static List<String> repeatedTo(List<String> chunks, int count) {
    if (chunks.isEmpty() || chunks.size() >= count) return chunks;
    List<String> repeated = new ArrayList<>(count);
    for (int i = 0; i < count; i++) repeated.add(chunks.get(i % chunks.size()));
    return repeated;
  }

  private static String agreement(List<float[]> ours, List<float[]> theirs) {
    double min = 1;
    double sum = 0;
    for (int i = 0; i < ours.size(); i++) {
      double c = Vectors.cosine(ours.get(i), theirs.get(i));
      min = Math.min(min, c);
      sum += c;
    }
    return String.format(Locale.ROOT, "min %.5f, mean %.5f", min, sum / ours.size());
  }

  /**
   * The model's arithmetic for {@code texts} chunks whose token counts are {@code tokens} (repeated
   * in order): per layer (6) and token, the Q/K/V/output projections
   * (4·d²) and the feed-forward (2·d·4d) as multiply-adds, plus attention scores and mixing
   * (2·n²·d multiply-adds per layer); d = 384. Two FLOPs per multiply-add.
   */
  static double flops(int[] tokens, int texts, int window) {
    double total = 0;
    for (int i = 0; i < texts; i++) {
      long n = Math.min(window, tokens[i % tokens.length]);
      total += 6 * 2.0 * (n * (4.0 * 384 * 384 + 2.0 * 384 * 1536) + 2.0 * n * n * 384);
    }
    return total;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
