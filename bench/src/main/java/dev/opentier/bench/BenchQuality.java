package dev.opentier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.chunk.Chunker;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.embedding.WordPieceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./opentier bench quality}: dense retrieval quality on SciFact's test split (nDCG@10,
 * Recall@100), fp32 against int8, on OpenTier's own chunks (title and abstract, cut by the
 * chunker; a document scores its best chunk). Exact search in memory, so the figure is the
 * embedding's, not an index's.
 */
public final class BenchQuality {
  private BenchQuality() {}

  record Doc(String id, String text) {}

  public static void main(String[] args) throws Exception {
    Path corpus = args.length > 0 && !args[0].isBlank() ? Path.of(args[0]) : BenchChunks.locateCorpus();
    Path dir = corpus.getParent();
    Map<String, String> queries = readQueries(dir.resolve("queries.test.jsonl"));
    Map<String, Map<String, Integer>> qrels = readQrels(dir.resolve("qrels").resolve("test.tsv"));
    Map<String, Double> ndcg = new LinkedHashMap<>();
    for (EmbeddingSettings.Model model : EmbeddingSettings.Model.values()) {
      EmbeddingSettings settings = new EmbeddingSettings(EmbeddingSettings.Device.AUTO, model,
          Runtime.getRuntime().availableProcessors(), 1);
      try (Embedder embedder = Embedder.create(settings)) {
        List<String> chunkDocs = new ArrayList<>();
        List<String> chunkTexts = new ArrayList<>();
        Chunker chunker = new Chunker(embedder.tokenizer(), WordPieceTokenizer.MAX_TOKENS, 32);
        for (Doc doc : readCorpus(corpus)) {
          var blocks = List.of(new ParsedDocument.Block(0, 0, doc.text().length(), null));
          for (Chunk chunk : chunker.chunk(new ParsedDocument(null, "text/plain", doc.text(), blocks, 0))) {
            chunkDocs.add(doc.id());
            chunkTexts.add(chunk.text());
          }
        }
        long started = System.nanoTime();
        List<float[]> chunkVectors = embedder.embedAll(chunkTexts);
        double seconds = (System.nanoTime() - started) / 1e9;
        List<String> queryIds = new ArrayList<>(queries.keySet());
        List<float[]> queryVectors = embedder.embedAll(queryIds.stream().map(queries::get).toList());
        double sumNdcg = 0;
        double sumRecall = 0;
        for (int q = 0; q < queryIds.size(); q++) {
          Map<String, Double> best = new HashMap<>();
          float[] query = queryVectors.get(q);
          for (int c = 0; c < chunkVectors.size(); c++) {
            double score = dot(query, chunkVectors.get(c));
            best.merge(chunkDocs.get(c), score, Math::max);
          }
          List<String> ranked = best.entrySet().stream()
              .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
              .limit(100).map(Map.Entry::getKey).toList();
          Map<String, Integer> relevant = qrels.getOrDefault(queryIds.get(q), Map.of());
          sumNdcg += ndcgAt10(ranked, relevant);
          sumRecall += relevant.isEmpty() ? 0 : ranked.stream().filter(relevant::containsKey).count() / (double) relevant.size();
        }
        double n = sumNdcg / queryIds.size();
        ndcg.put(model.name(), n);
        System.out.printf(Locale.ROOT, "%s: %d chunks embedded in %.0f s (%.1f chunks/s); SciFact test nDCG@10 %.4f, Recall@100 %.4f (%d queries)%n",
            model.name().toLowerCase(Locale.ROOT), chunkTexts.size(), seconds, chunkTexts.size() / seconds, n,
            sumRecall / queryIds.size(), queryIds.size());
      }
    }
    System.out.printf(Locale.ROOT, "int8 - fp32 nDCG@10: %+.4f%n", ndcg.get("INT8") - ndcg.get("FP32"));
  }

  static double ndcgAt10(List<String> ranked, Map<String, Integer> relevant) {
    double dcg = 0;
    for (int i = 0; i < Math.min(10, ranked.size()); i++) {
      int gain = relevant.getOrDefault(ranked.get(i), 0);
      if (gain > 0) dcg += (Math.pow(2, gain) - 1) / (Math.log(i + 2) / Math.log(2));
    }
    List<Integer> ideal = relevant.values().stream().sorted(Comparator.reverseOrder()).limit(10).toList();
    double idcg = 0;
    for (int i = 0; i < ideal.size(); i++) idcg += (Math.pow(2, ideal.get(i)) - 1) / (Math.log(i + 2) / Math.log(2));
    return idcg == 0 ? 0 : dcg / idcg;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
    return sum;
  }

  static List<Doc> readCorpus(Path corpus) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Doc> docs = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(corpus)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode node = json.readTree(line);
        docs.add(new Doc(node.get("_id").asText(), (node.path("title").asText() + " " + node.path("text").asText()).strip()));
      }
    }
    return docs;
  }

  static Map<String, String> readQueries(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> queries = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) continue;
      JsonNode node = json.readTree(line);
      queries.put(node.get("_id").asText(), node.get("text").asText());
    }
    return queries;
  }

  static Map<String, Map<String, Integer>> readQrels(Path file) throws IOException {
    Map<String, Map<String, Integer>> qrels = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.split("\t");
      if (fields.length < 3 || fields[0].equals("query-id")) continue;
      qrels.computeIfAbsent(fields[0], k -> new HashMap<>()).put(fields[1], Integer.parseInt(fields[2].trim()));
    }
    return qrels;
  }
}
