package dev.opentier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.chunk.Chunker;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.embedding.WordPieceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real chunks for benchmarks: SciFact abstracts cut by OpenTier's own chunker. */
final class BenchChunks {
  private BenchChunks() {}

  /**
   * The SciFact corpus: {@code OPENTIER_BENCH_CORPUS}, else {@code shared/data/scifact/corpus.jsonl.gz}
   * in the working folder or any folder above it (the checkout sits beside {@code shared/}), else
   * {@code /work/shared/…}.
   */
  static Path locateCorpus() {
    String configured = System.getenv("OPENTIER_BENCH_CORPUS");
    if (configured != null && !configured.isBlank()) return Path.of(configured);
    Path relative = Path.of("shared", "data", "scifact", "corpus.jsonl.gz");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) return dir.resolve(relative);
    }
    Path fallback = Path.of("/work").resolve(relative);
    if (Files.isRegularFile(fallback)) return fallback;
    throw new IllegalStateException("cannot find the SciFact corpus (shared/data/scifact/corpus.jsonl.gz above "
        + Path.of("").toAbsolutePath() + "); set OPENTIER_BENCH_CORPUS");
  }

  static List<String> fromCorpus(Path corpus, WordPieceTokenizer tokenizer, int count) throws IOException {
    Chunker chunker = new Chunker(tokenizer, WordPieceTokenizer.MAX_TOKENS, 32);
    ObjectMapper json = new ObjectMapper();
    List<String> chunks = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        corpus.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(corpus)) : Files.newInputStream(corpus),
        StandardCharsets.UTF_8))) {
      String line;
      while (chunks.size() < count && (line = lines.readLine()) != null) {
        JsonNode node = json.readTree(line);
        String text = node.path("title").asText() + "\n\n" + node.path("text").asText();
        var blocks = List.of(new ParsedDocument.Block(0, 0, text.length(), null));
        for (Chunk chunk : chunker.chunk(new ParsedDocument(null, "text/plain", text, blocks, 0))) {
          if (chunks.size() < count) chunks.add(chunk.text());
        }
      }
    }
    return chunks;
  }

  /** The text cut to its first {@code maxTokens} tokens (special tokens included), as langchain4j's tokenizer does. */
  static String truncate(WordPieceTokenizer tokenizer, String text, int maxTokens) {
    var encoding = tokenizer.encodeUntruncated(text);
    if (encoding.getIds().length <= maxTokens) return text;
    var spans = encoding.getCharTokenSpans();
    var special = encoding.getSpecialTokenMask();
    int kept = 0;
    int end = 0;
    for (int i = 0; i < spans.length && kept < maxTokens - 2; i++) {
      if (special[i] != 0 || spans[i] == null) continue;
      end = spans[i].getEnd();
      kept++;
    }
    return text.substring(0, end);
  }

}
