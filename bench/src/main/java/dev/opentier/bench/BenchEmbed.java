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
import java.util.List;
import java.util.Locale;

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
    EmbeddingSettings configured = EmbeddingSettings.from(Settings.fromEnvironment());
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));

    for (EmbeddingSettings.Model model : EmbeddingSettings.Model.values()) {
      EmbeddingSettings settings = new EmbeddingSettings(configured.device(), model, configured.parallelRuns(), configured.batchSize());
      try (Embedder ours = Embedder.create(settings)) {
        List<String> full = BenchChunks.fromCorpus(corpus, ours.tokenizer(), count);
        List<String> at128 = full.stream().map(t -> BenchChunks.truncate(ours.tokenizer(), t, 128)).toList();
        long longer = full.stream().filter(t -> ours.tokenizer().countTokens(t) > 128).count();
        String name = model.name().toLowerCase(Locale.ROOT);
        System.out.printf(Locale.ROOT, "%s: %d chunks, %d (%.0f%%) longer than 128 tokens; device %s, %d parallel runs, batch %d%n",
            name, full.size(), longer, 100.0 * longer / full.size(), ours.device(), settings.parallelRuns(), settings.batchSize());

        ours.embedAll(at128.subList(0, Math.min(64, at128.size()))); // warm-up
        long started = System.nanoTime();
        List<float[]> oursAt128 = ours.embedAll(at128);
        double oursSeconds = seconds(started);
        double oursRate = full.size() / oursSeconds;
        System.out.printf(Locale.ROOT, "%s opentier @128 tokens: %.1f chunks/s (%.0f GFLOP/s of model arithmetic)%n",
            name, oursRate, flops(ours, at128, 128) / oursSeconds / 1e9);

        if (withLangchain4j) {
          EmbeddingModel reference = model == EmbeddingSettings.Model.FP32
              ? new AllMiniLmL6V2EmbeddingModel() : new AllMiniLmL6V2QuantizedEmbeddingModel();
          List<TextSegment> segments = at128.stream().map(TextSegment::from).toList();
          reference.embedAll(segments.subList(0, Math.min(64, segments.size()))); // warm-up
          started = System.nanoTime();
          var theirs = reference.embedAll(segments).content();
          double theirRate = full.size() / seconds(started);
          double min = 1;
          double sum = 0;
          for (int i = 0; i < theirs.size(); i++) {
            double c = Vectors.cosine(oursAt128.get(i), theirs.get(i).vector());
            min = Math.min(min, c);
            sum += c;
          }
          System.out.printf(Locale.ROOT, "%s langchain4j @128 tokens: %.1f chunks/s%n", name, theirRate);
          System.out.printf(Locale.ROOT, "%s ratio vs langchain4j: %.2fx%n", name, oursRate / theirRate);
          System.out.printf(Locale.ROOT, "%s cosine to langchain4j: min %.5f, mean %.5f%n", name, min, sum / theirs.size());
        }

        started = System.nanoTime();
        ours.embedAll(full);
        double fullSeconds = seconds(started);
        System.out.printf(Locale.ROOT, "%s opentier @256 tokens (full window): %.1f chunks/s (%.0f GFLOP/s of model arithmetic)%n",
            name, full.size() / fullSeconds, flops(ours, full, 256) / fullSeconds / 1e9);
      }
    }
  }

  /**
   * The model's arithmetic for these texts: per layer (6) and token, the Q/K/V/output projections
   * (4·d²) and the feed-forward (2·d·4d) as multiply-adds, plus attention scores and mixing
   * (2·n²·d multiply-adds per layer); d = 384. Two FLOPs per multiply-add.
   */
  static double flops(Embedder embedder, List<String> texts, int window) {
    double total = 0;
    for (String text : texts) {
      long n = Math.min(window, embedder.tokenizer().countTokens(text));
      total += 6 * 2.0 * (n * (4.0 * 384 * 384 + 2.0 * 384 * 1536) + 2.0 * n * n * 384);
    }
    return total;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
