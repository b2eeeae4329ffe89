package dev.opentier.bench;

import dev.opentier.curation.CurationStreams;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.DocumentIds;
import dev.opentier.ingest.source.JsonlSource;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalGrpcService;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.proto.intelligence.v1.SearchMode;
import dev.opentier.proto.intelligence.v1.SearchRequest;
import dev.opentier.platform.service.InternalCalls;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./opentier eval beir DIR}: retrieval quality on a BEIR-format set, through the real path.
 * The corpus goes through the pipeline (ingest → Kafka → curation-streams → pgvector) into a
 * database and topics of its own; every query of the split goes through {@code
 * RetrievalService.Search} (served in process); nDCG@10, Recall@100 and MRR@10 are computed as
 * trec_eval does, a document ranking by its best chunk. The namespace is removed afterwards unless
 * {@code --keep}.
 */
@Command(name = "eval beir", mixinStandardHelpOptions = true, description = "Retrieval quality on a BEIR data set.")
public final class EvalBeir implements java.util.concurrent.Callable<Integer> {
  @Parameters(index = "0", description = "the BEIR folder: corpus.jsonl[.gz], queries.jsonl, qrels/SPLIT.tsv")
  Path dir;

  @Option(names = "--split", defaultValue = "test", description = "test or train (the qrels file)")
  String split;

  @Option(names = "--mode", defaultValue = "all", description = "dense, lexical, hybrid or all")
  String mode;

  @Option(names = "--keep", description = "keep the database and topics (printed) instead of removing them")
  boolean keep;

  @Option(names = "--tune", description = "also search fusion parameters (rrf k, dense weight) on this split and print the best")
  boolean tune;

  @Option(names = "--top-k", defaultValue = "200", description = "chunks a query asks Search for (1 to 200; documents rank by their best chunk)")
  int topK;

  @Option(names = "--candidates", split = ",", description = "also run hybrid with each of these candidate counts per list (instead of "
      + RetrievalSettings.CANDIDATES + ")")
  List<Integer> candidates = List.of();

  @Option(names = "--reuse", description = "search a database kept by an earlier --keep run instead of ingesting again (kept afterwards)")
  String reuse;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EvalBeir()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path corpus = Files.exists(dir.resolve("corpus.jsonl.gz")) ? dir.resolve("corpus.jsonl.gz") : dir.resolve("corpus.jsonl");
    Path queriesFile = Files.exists(dir.resolve("queries.jsonl")) ? dir.resolve("queries.jsonl") : dir.resolve("queries." + split + ".jsonl");
    Map<String, String> queries = BenchQuality.readQueries(queriesFile);
    Map<String, Map<String, Integer>> qrels = storedIds(BenchQuality.readQrels(dir.resolve("qrels").resolve(split + ".tsv")), corpus);
    List<String> queryIds = queries.keySet().stream().filter(qrels::containsKey).toList();

    if (topK < 1 || topK > RetrievalGrpcService.MAX_TOP_K) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--top-k must be 1 to " + RetrievalGrpcService.MAX_TOP_K);
    }
    OwnDatabase own = reuse != null ? OwnDatabase.existing(reuse) : OwnDatabase.create("eval");
    boolean keeping = keep || reuse != null;
    String namespace = own.name();
    String databaseUrl = own.url();
    Settings settings = own.pipelineSettings();
    KafkaSettings kafka = KafkaSettings.from(settings);
    System.out.printf("eval: namespace %s (database %s, topics %s*)%n", namespace, databaseUrl, kafka.topicPrefix());
    try (Database database = Database.connect(DatabaseSettings.from(settings), "eval")) {
      if (reuse == null) {
        new Migrations(database.dataSource()).apply();
        try (KafkaCluster cluster = new KafkaCluster(kafka)) {
          cluster.requireReachable(Duration.ofSeconds(10));
          cluster.createMissingTopics();
        }
        ingest(settings, database, kafka, corpus);
      }
      List<SearchMode> modes = switch (mode) {
        case "all" -> List.of(SearchMode.SEARCH_MODE_DENSE, SearchMode.SEARCH_MODE_LEXICAL, SearchMode.SEARCH_MODE_HYBRID);
        case "dense" -> List.of(SearchMode.SEARCH_MODE_DENSE);
        case "lexical" -> List.of(SearchMode.SEARCH_MODE_LEXICAL);
        case "hybrid" -> List.of(SearchMode.SEARCH_MODE_HYBRID);
        default -> throw new CommandLine.ParameterException(new CommandLine(this), "--mode must be dense, lexical, hybrid or all");
      };
      System.out.printf("eval: %d queries with judgements in the %s split, top %d chunks a query%n", queryIds.size(), split, topK);
      try (Embedder embedder = Embedder.create(EmbeddingSettings.from(settings))) {
        RetrievalSettings retrievalSettings = RetrievalSettings.from(settings);
        HybridRetriever retriever = new HybridRetriever(database.dsl(), embedder, retrievalSettings);
        retriever.refreshStatistics(true);
        Passages passages = new Passages(database.dsl());
        Map<String, List<Passage>> hybridResults = new HashMap<>();
        for (SearchMode searchMode : modes) {
          Map<String, List<Passage>> results = evaluate(retriever, passages, searchMode, queries, queryIds, qrels, "");
          if (searchMode == SearchMode.SEARCH_MODE_HYBRID) hybridResults = results;
        }
        // Fewer candidates per list cost less (each list is an HNSW scan that must pass the permission filter).
        for (int count : candidates) {
          evaluate(retriever.with(retrievalSettings.withCandidates(count)), passages, SearchMode.SEARCH_MODE_HYBRID, queries, queryIds,
              qrels, " (" + count + " candidates)");
        }
        if (tune && !hybridResults.isEmpty()) tune(queryIds, hybridResults, qrels, retrievalSettings);
      }
    } finally {
      if (keeping) {
        System.out.printf("eval: kept database %s and topics %s*%n", namespace, kafka.topicPrefix());
      } else {
        OwnDatabase.removeTopics(kafka);
        own.drop();
      }
    }
    return 0;
  }

  /**
   * Runs every query through an in-process {@code RetrievalService.Search} served by this
   * retriever, prints the metrics line, and returns the passages per query.
   */
  private Map<String, List<Passage>> evaluate(HybridRetriever retriever, Passages passages, SearchMode searchMode,
      Map<String, String> queries, List<String> queryIds, Map<String, Map<String, Integer>> qrels, String note) throws IOException {
    String name = "eval-" + UUID.randomUUID();
    InternalCalls calls = InternalCalls.withSecret("bench", UUID.randomUUID() + "-" + UUID.randomUUID());
    Server grpc = InProcessServerBuilder.forName(name).directExecutor()
        .addService(io.grpc.ServerInterceptors.intercept(new RetrievalGrpcService(retriever, passages),
            new dev.opentier.intelligence.Failures(), calls.verifier())).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      var search = RetrievalServiceGrpc.newBlockingStub(channel).withCallCredentials(calls.actingFor(null));
      Map<String, List<Passage>> results = new HashMap<>();
      Map<String, List<String>> rankings = new HashMap<>();
      long started = System.nanoTime();
      for (String id : queryIds) {
        List<Passage> found = search.search(SearchRequest.newBuilder().setQuery(queries.get(id)).setTopK(topK)
            .setMode(searchMode).build()).getPassagesList();
        results.put(id, found);
        rankings.put(id, documents(found));
      }
      double millis = (System.nanoTime() - started) / 1e6 / queryIds.size();
      Metrics metrics = Metrics.of(queryIds, rankings, qrels);
      System.out.printf(Locale.ROOT, "%-8s nDCG@10 %.4f  Recall@100 %.4f  MRR@10 %.4f  (%.0f ms a query)%s%n",
          searchMode.name().substring("SEARCH_MODE_".length()).toLowerCase(Locale.ROOT), metrics.ndcg10(), metrics.recall100(),
          metrics.mrr10(), millis, note);
      return results;
    } finally {
      channel.shutdownNow();
      grpc.shutdownNow();
    }
  }

  private static void ingest(Settings settings, Database database, KafkaSettings kafka, Path corpus) throws Exception {
    long started = System.nanoTime();
    try (CurationStreams pipeline = CurationStreams.start(settings);
         Ingestion ingestion = new Ingestion(database.dsl(), kafka)) {
      UUID job = ingestion.submit(new JsonlSource(corpus, "", 20 * 1024 * 1024),
          new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false), (d, b) -> {});
      JobProgress done = ingestion.await(job, Duration.ofHours(2), p -> {});
      System.out.printf(Locale.ROOT, "eval: ingested %d documents in %.0f s: %d indexed (%d chunks), %d rejected, %d duplicate, %d failed%n",
          done.concluded(), (System.nanoTime() - started) / 1e9, done.indexed(), done.chunks(), done.rejected(), done.duplicate(), done.failed());
    }
  }

  /**
   * The judgements with each corpus id as the id its document is stored under: a JSONL line's id
   * namespaced by the file it came from and its (absent) owner ({@link DocumentIds#owned}).
   */
  static Map<String, Map<String, Integer>> storedIds(Map<String, Map<String, Integer>> qrels, Path corpus) {
    String uriBase = "jsonl:" + corpus.toAbsolutePath().normalize() + "#";
    Map<String, Map<String, Integer>> stored = new HashMap<>();
    qrels.forEach((query, judged) -> {
      Map<String, Integer> byStoredId = new HashMap<>();
      judged.forEach((id, grade) -> byStoredId.put(DocumentIds.owned(null, uriBase + id, id), grade));
      stored.put(query, byStoredId);
    });
    return stored;
  }

  /** Documents in the order of their best chunk. */
  static List<String> documents(List<Passage> passages) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (Passage passage : passages) ids.add(passage.getDocumentId());
    return new ArrayList<>(ids);
  }

  /** Re-fuses the hybrid results' dense and lexical ranks with other parameters; prints the best few. */
  private static void tune(List<String> queryIds, Map<String, List<Passage>> results, Map<String, Map<String, Integer>> qrels,
      RetrievalSettings current) {
    record Trial(double k, double weight, Metrics metrics) {}
    List<Trial> trials = new ArrayList<>();
    for (double k : new double[] {1, 5, 10, 20, 40, 60, 100}) {
      for (double weight = 0.2; weight <= 0.81; weight += 0.05) {
        Map<String, List<String>> rankings = new HashMap<>();
        for (String id : queryIds) {
          Map<String, Double> fused = new LinkedHashMap<>();
          for (Passage p : results.get(id)) {
            double score = (p.getScores().hasDenseRank() ? weight / (k + p.getScores().getDenseRank()) : 0)
                + (p.getScores().hasLexicalRank() ? (1 - weight) / (k + p.getScores().getLexicalRank()) : 0);
            fused.merge(p.getDocumentId(), score, Math::max);
          }
          rankings.put(id, fused.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).map(Map.Entry::getKey).toList());
        }
        trials.add(new Trial(k, Math.round(weight * 100) / 100.0, Metrics.of(queryIds, rankings, qrels)));
      }
    }
    trials.sort((a, b) -> Double.compare(b.metrics().ndcg10(), a.metrics().ndcg10()));
    System.out.printf(Locale.ROOT, "tuning (current: k %.0f, dense weight %.2f); best on this split:%n", current.rrfK(), current.denseWeight());
    for (Trial trial : trials.subList(0, Math.min(5, trials.size()))) {
      System.out.printf(Locale.ROOT, "  k %5.0f  dense weight %.2f  nDCG@10 %.4f  Recall@100 %.4f%n", trial.k(), trial.weight(),
          trial.metrics().ndcg10(), trial.metrics().recall100());
    }
  }

  /** trec_eval's ndcg_cut_10 (linear gain), recall_100 and recip_rank cut at 10, averaged over queries. */
  record Metrics(double ndcg10, double recall100, double mrr10) {
    static Metrics of(List<String> queryIds, Map<String, List<String>> rankings, Map<String, Map<String, Integer>> qrels) {
      double ndcg = 0, recall = 0, mrr = 0;
      for (String id : queryIds) {
        Map<String, Integer> relevant = qrels.get(id);
        List<String> ranking = rankings.getOrDefault(id, List.of());
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ranking.size()); i++) dcg += relevant.getOrDefault(ranking.get(i), 0) / log2(i + 2);
        List<Integer> ideal = relevant.values().stream().filter(r -> r > 0).sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(10, ideal.size()); i++) idcg += ideal.get(i) / log2(i + 2);
        ndcg += idcg == 0 ? 0 : dcg / idcg;
        long relevantCount = relevant.values().stream().filter(r -> r > 0).count();
        long found = ranking.stream().limit(100).filter(d -> relevant.getOrDefault(d, 0) > 0).count();
        recall += relevantCount == 0 ? 0 : (double) found / relevantCount;
        for (int i = 0; i < Math.min(10, ranking.size()); i++) {
          if (relevant.getOrDefault(ranking.get(i), 0) > 0) {
            mrr += 1.0 / (i + 1);
            break;
          }
        }
      }
      int n = Math.max(1, queryIds.size());
      return new Metrics(ndcg / n, recall / n, mrr / n);
    }

    private static double log2(double x) {
      return Math.log(x) / Math.log(2);
    }
  }
}
