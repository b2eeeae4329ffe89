package dev.opentier.bench;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;

import dev.opentier.curation.CurationStreams;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.FolderSource;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.proto.intelligence.v1.Passage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./opentier bench docs [SET…]}: whole documentation sets as users pour them in, through
 * the real path (ingest → Kafka → curation-streams → pgvector, default curation profile) in a
 * database and topics of their own, then three figures per set:
 *
 * <ul>
 *   <li><b>pages indexed</b> of the set's HTML pages, and every other page with its reason;
 *   <li><b>chunks with site chrome</b>: text blocks (elements with text of their own, two words or
 *       more) found on more than half of the set's raw pages are its chrome; counted are chunks that
 *       contain one anywhere (an upper bound: a menu's label is often a phrase the text uses too) and
 *       chunks where one stands as a block of its own (the measure of chrome that leaked; a page's
 *       own title on that page excepted);
 *   <li><b>hit@5</b>: the share of the set's questions whose gold page is among the first five
 *       documents of a hybrid search (documents ranked by their best chunk).
 * </ul>
 *
 * The sets and their questions are in {@code bench/docsets/} (HTML from Debian's {@code -doc}
 * packages; the launcher installs the missing ones).
 */
@Command(name = "bench docs", mixinStandardHelpOptions = true, description = "Whole documentation sets: indexed, chrome, hit@5.")
public final class BenchDocs implements Callable<Integer> {
  @Parameters(arity = "0..*", description = "the sets to run (names in bench/docsets/docsets.tsv; default: all)")
  List<String> names = new ArrayList<>();

  @Option(names = "--sets", defaultValue = "bench/docsets", description = "the folder of docsets.tsv and the question files")
  Path setsFolder;

  @Option(names = "--keep", description = "keep the database and topics (printed) instead of removing them")
  boolean keep;

  @Option(names = "--show-misses", description = "print each question whose gold page was not in the top five, with what was")
  boolean showMisses;

  private static final int MIN_CHROME_WORDS = 2;

  record DocSet(String name, String packageName, String generator, Path root) {}

  record Question(String text, Set<String> gold) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchDocs()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<DocSet> sets = readSets(setsFolder.resolve("docsets.tsv")).stream()
        .filter(set -> names.isEmpty() || names.contains(set.name())).toList();
    if (sets.isEmpty()) throw new CommandLine.ParameterException(new CommandLine(this), "no such set: " + names);
    for (DocSet set : sets) {
      if (!Files.isDirectory(set.root())) {
        throw new IllegalStateException(set.root() + " is missing: apt-get install " + set.packageName() + " (the launcher does it)");
      }
    }
    List<String> table = new ArrayList<>();
    table.add("| set | generator | pages | indexed | chunks | containing a chrome block | chrome as a block of its own | hit@5 | questions |");
    table.add("|---|---|---|---|---|---|---|---|---|");
    for (DocSet set : sets) table.add(run(set));
    System.out.println();
    table.forEach(System.out::println);
    return 0;
  }

  private String run(DocSet set) throws Exception {
    OwnDatabase own = OwnDatabase.create("docs");
    Settings settings = own.pipelineSettings();
    KafkaSettings kafka = KafkaSettings.from(settings);
    System.out.printf("%n== %s (%s, %s): database %s%n", set.name(), set.generator(), set.root(), own.name());
    try (Database database = Database.connect(DatabaseSettings.from(settings), "bench-docs")) {
      new Migrations(database.dataSource()).apply();
      try (KafkaCluster cluster = new KafkaCluster(kafka)) {
        cluster.requireReachable(Duration.ofSeconds(10));
        cluster.createMissingTopics();
      }
      var db = database.dsl();
      long started = System.nanoTime();
      JobProgress done;
      try (CurationStreams pipeline = CurationStreams.start(settings);
           Ingestion ingestion = new Ingestion(db, kafka)) {
        FolderSource source = new FolderSource(set.root(), List.of("**/*.html"), List.of(), 20 * 1024 * 1024);
        UUID job = ingestion.submit(source, new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false), (d, b) -> {});
        done = ingestion.await(job, Duration.ofHours(1), p -> {});
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int pages = done.expected();
      System.out.printf(Locale.ROOT, "ingested %d pages in %.0f s: %d indexed, %d duplicate, %d rejected, %d failed; %d chunks%n",
          pages, seconds, done.indexed(), done.duplicate(), done.rejected(), done.failed(), done.chunks());
      Map<String, Integer> reasons = new TreeMap<>();
      for (var row : db.select(DOCUMENTS.URI, DOCUMENTS.STATUS, DOCUMENTS.STATUS_REASON).from(DOCUMENTS)
          .where(DOCUMENTS.STATUS.ne("indexed")).orderBy(DOCUMENTS.URI).fetch()) {
        System.out.printf("  not indexed: %s  %s: %s%n", relative(set.root(), row.value1()), row.value2(), row.value3());
        reasons.merge(row.value2() + ": " + shortReason(row.value3()), 1, Integer::sum);
      }
      reasons.forEach((reason, count) -> System.out.printf("  %d × %s%n", count, reason));

      Set<String> chrome = chrome(set.root());
      var rows = db.select(CHUNKS.TEXT, DOCUMENTS.TITLE).from(CHUNKS).join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID)).fetch();
      List<String> chunks = rows.map(r -> r.value1());
      Map<String, Integer> chunksWith = new TreeMap<>();
      Map<String, Integer> chunksWithAlone = new TreeMap<>();
      long withChrome = 0;
      long withChromeAlone = 0;
      for (var row : rows) {
        String text = row.value1();
        String squashed = squash(text);
        // A page's own title is not chrome on that page, though the site's menu names it on every other one.
        String title = row.value2() == null ? "" : squash(row.value2());
        List<String> lines = text.lines().map(BenchDocs::squash).filter(line -> !line.equals(title)).toList();
        boolean any = false;
        boolean alone = false;
        for (String block : chrome) {
          if (squashed.contains(block)) {
            any = true;
            chunksWith.merge(block, 1, Integer::sum);
          }
          if (lines.contains(block)) {
            alone = true;
            chunksWithAlone.merge(block, 1, Integer::sum);
          }
        }
        if (any) withChrome++;
        if (alone) withChromeAlone++;
      }
      System.out.printf(Locale.ROOT, "chrome: %d text blocks on more than half of the pages; %d of %d chunks contain one (%.2f%%), "
              + "%d as a block of its own (%.2f%%)%n", chrome.size(), withChrome, chunks.size(), 100.0 * withChrome / Math.max(1, chunks.size()),
          withChromeAlone, 100.0 * withChromeAlone / Math.max(1, chunks.size()));
      chunksWith.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
          .forEach(e -> System.out.printf("  %4d chunks (%d alone): %s%n", e.getValue(), chunksWithAlone.getOrDefault(e.getKey(), 0),
              abbreviate(e.getKey())));

      List<Question> questions = readQuestions(setsFolder.resolve(set.name() + ".tsv"));
      int hits = 0;
      try (Embedder embedder = Embedder.create(EmbeddingSettings.from(settings))) {
        HybridRetriever retriever = new HybridRetriever(db, embedder, RetrievalSettings.from(settings));
        retriever.refreshStatistics(true);
        Passages passages = new Passages(db);
        for (Question question : questions) {
          List<Passage> found = passages.of(retriever.search(null, question.text(), 40, HybridRetriever.Filter.NONE,
              HybridRetriever.Mode.HYBRID));
          List<String> top = topDocuments(found, set.root(), 5);
          boolean hit = top.stream().anyMatch(question.gold()::contains);
          if (hit) hits++;
          else if (showMisses) System.out.printf("  miss: %s  gold %s  got %s%n", question.text(), question.gold(), top);
        }
      }
      double hitRate = (double) hits / questions.size();
      System.out.printf(Locale.ROOT, "hit@5: %d of %d questions (%.1f%%)%n", hits, questions.size(), 100 * hitRate);
      return String.format(Locale.ROOT, "| %s | %s | %d | %d (%.1f %%) | %d | %d (%.2f %%) | %d (%.2f %%) | %.1f %% | %d |", set.name(),
          set.generator(), pages, done.indexed(), 100.0 * done.indexed() / Math.max(1, pages), chunks.size(), withChrome,
          100.0 * withChrome / Math.max(1, chunks.size()), withChromeAlone, 100.0 * withChromeAlone / Math.max(1, chunks.size()),
          100 * hitRate, questions.size());
    } finally {
      if (keep) {
        System.out.printf("kept database %s and topics %s*%n", own.name(), kafka.topicPrefix());
      } else {
        OwnDatabase.removeTopics(kafka);
        own.drop();
      }
    }
  }

  /** The first {@code n} distinct documents of a result, as paths relative to the set's root. */
  private static List<String> topDocuments(List<Passage> found, Path root, int n) {
    LinkedHashSet<String> documents = new LinkedHashSet<>();
    for (Passage passage : found) {
      documents.add(relative(root, passage.getUri()));
      if (documents.size() == n) break;
    }
    return new ArrayList<>(documents);
  }

  private static String relative(Path root, String uri) {
    try {
      return root.relativize(Path.of(URI.create(uri))).toString();
    } catch (RuntimeException e) {
      return uri;
    }
  }

  /**
   * The set's chrome: text blocks (an element's own text, whitespace squashed, two words or more)
   * on more than half of its pages, read from the raw HTML.
   */
  static Set<String> chrome(Path root) throws IOException {
    Map<String, Integer> pagesWith = new HashMap<>();
    int pages = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".html") && Files.isRegularFile(p)).sorted().toList();
    }
    for (Path file : files) {
      pages++;
      Document page = Jsoup.parse(file.toFile(), null);
      page.select("script, style, noscript, head").remove();
      Set<String> blocks = new HashSet<>();
      for (Element e : page.body() == null ? List.<Element>of() : page.body().getAllElements()) {
        String own = squash(e.ownText());
        if (own.split(" ").length >= MIN_CHROME_WORDS) blocks.add(own);
      }
      blocks.forEach(block -> pagesWith.merge(block, 1, Integer::sum));
    }
    int half = pages / 2;
    Set<String> chrome = new HashSet<>();
    pagesWith.forEach((block, count) -> {
      if (count > half) chrome.add(block);
    });
    return chrome;
  }

  private static String squash(String text) {
    return text.replace('\u00A0', ' ').replaceAll("\\s+", " ").strip();
  }

  private static String abbreviate(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }

  private static String shortReason(String reason) {
    if (reason == null) return "";
    int colon = reason.indexOf(':');
    String stage = colon > 0 ? reason.substring(0, colon) : reason;
    String rest = colon > 0 ? reason.substring(colon + 1).strip() : "";
    return stage + (rest.isEmpty() ? "" : ": " + rest.replaceAll("\\b[0-9a-f]{32}\\b", "…").replaceAll("[0-9]+(\\.[0-9]+)?", "#"));
  }

  static List<DocSet> readSets(Path file) throws IOException {
    List<DocSet> sets = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length < 4 || f[0].equals("name") || line.isBlank()) continue;
      sets.add(new DocSet(f[0], f[1], f[2], Path.of(f[3])));
    }
    return sets;
  }

  static List<Question> readQuestions(Path file) throws IOException {
    List<Question> questions = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length < 2 || f[0].equals("question")) continue;
      questions.add(new Question(f[0].strip(), Set.of(f[1].strip().split("\\s*\\|\\s*"))));
    }
    return questions;
  }
}
