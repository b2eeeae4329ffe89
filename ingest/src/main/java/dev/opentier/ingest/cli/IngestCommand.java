package dev.opentier.ingest.cli;

import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.CrawlOptions;
import dev.opentier.ingest.source.FileSource;
import dev.opentier.ingest.source.FolderSource;
import dev.opentier.ingest.source.JsonlSource;
import dev.opentier.ingest.source.Source;
import dev.opentier.ingest.source.StdinSource;
import dev.opentier.ingest.source.WebSource;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.KafkaCluster;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.pipeline.CurationProfile;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./opentier ingest}: the thin command-line face of the ingest library. */
@Command(name = "opentier ingest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Ingests a file, a folder, a web site, a JSONL file (BEIR format, .gz too) or standard input (-),",
        "as one job. Documents go to Kafka; the pipeline parses, chunks, embeds and indexes them."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:done (with --wait: every document concluded and none failed)", "1:with --wait, some documents failed",
        "2:bad arguments or settings"})
public final class IngestCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "path, http(s) URL, or - for standard input")
  String source;

  @Option(names = "--include", paramLabel = "GLOB", description = "folder: only files matching (relative path, .gitignore-style: **/ also matches the top folder), repeatable")
  List<String> includes = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "GLOB", description = "folder: skip files matching, repeatable")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--visibility", paramLabel = "private|public", description = "default: private")
  String visibility = "private";

  @Option(names = "--owner", paramLabel = "EMAIL", description = "the user who owns the documents")
  String owner;

  @Option(names = "--sync", description = "folder or site: delete this source's documents that are no longer there")
  boolean sync;

  @Option(names = "--delete", paramLabel = "ID|URI", description = "delete documents instead of ingesting, repeatable")
  List<String> deletes = new ArrayList<>();

  @Option(names = "--wait", description = "wait until the pipeline has concluded every document; exit 1 if any failed")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "with --wait, give up after this long (default: 3600)")
  int timeoutSeconds = 3600;

  @Option(names = "--format", paramLabel = "jsonl|raw", description = "standard input: JSONL lines or one raw document (default: raw)")
  String format = "raw";

  @Option(names = "--name", description = "standard input: the name of the document (default: stdin)")
  String stdinName;

  @Option(names = "--curation", paramLabel = "PROFILE",
      description = "curation profile: knowledge-base (rejects only documents with nothing usable; other rules flag), web (also spam and "
          + "junk pages), pretraining (Gopher/C4 thresholds). Default: OPENTIER_CURATION_PROFILE (knowledge-base), for sites "
          + "OPENTIER_CURATION_PROFILE_WEB (web)")
  String curation;

  @Option(names = "--id-prefix", description = "JSONL: prefix for the ids the file gives")
  String idPrefix;

  @Option(names = "--max-depth", description = "web: link depth from the start page (default: 2)")
  int maxDepth = 2;

  @Option(names = "--max-pages", description = "web: pages to fetch at most (default: 100)")
  int maxPages = 100;

  @Option(names = "--delay-ms", description = "web: politeness delay between requests to one host (default: 500)")
  long delayMs = 500;

  @Option(names = "--all-hosts", description = "web: follow links to other hosts too")
  boolean allHosts;

  @Option(names = "--allow-private-addresses", description = "web: allow loopback, private and link-local addresses (off: SSRF guard)")
  boolean allowPrivate;

  private final PrintStream out = System.out;

  public static void main(String[] args) {
    CommandLine line = new CommandLine(new IngestCommand());
    line.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("opentier ingest: " + (e instanceof SettingException || e instanceof IllegalArgumentException
          || e instanceof java.io.IOException ? e.getMessage() : e.toString()));
      return 2;
    });
    System.exit(line.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (source == null && deletes.isEmpty()) throw new IllegalArgumentException("give a SOURCE to ingest, or --delete ID|URI (see --help)");
    Settings settings = Settings.fromEnvironment();
    // at most 23 MiB: a document travels base64 in JSON (×4/3) in one record of at most 33 MiB
    long maxBytes = settings.integer("OPENTIER_INGEST_MAX_BYTES", 20 * 1024 * 1024, 1, 23 * 1024 * 1024);
    KafkaSettings kafka = KafkaSettings.from(settings);
    try (Database database = Database.connect(DatabaseSettings.from(settings), "ingest");
         KafkaCluster cluster = new KafkaCluster(kafka)) {
      new Migrations(database.dataSource()).requireCurrent();
      cluster.requireReachable(Duration.ofSeconds(10));
      try (Ingestion ingestion = new Ingestion(database.dsl(), kafka)) {
        ProgressBar bar = new ProgressBar(out, System.console() != null);
        UUID job;
        if (!deletes.isEmpty()) {
          job = ingestion.delete(deletes, null);
          out.printf("job %s: %d delete(s) submitted%n", job, deletes.size());
        } else {
          UUID ownerId = owner == null ? null : ingestion.userIdByEmail(owner);
          Source chosen = chooseSource(maxBytes);
          CurationProfile profile = curation == null ? CurationProfile.defaultFor(chosen.kind(), settings) : parseCuration();
          var options = new Ingestion.Options(parseVisibility(), ownerId, null, sync, profile);
          long started = System.nanoTime();
          job = ingestion.submit(chosen, options, bar::submitted);
          bar.finishSubmitting();
          JobProgress submitted = ingestion.progress(job);
          out.printf("job %s: %d document(s), %s submitted from %s in %.1f s%s%n", job, submitted.expected(),
              ProgressBar.bytes(submitted.bytesSubmitted()), chosen.name(), (System.nanoTime() - started) / 1e9,
              sync ? " (sync)" : "");
          if (chosen instanceof FolderSource folder && (!includes.isEmpty() || !excludes.isEmpty())) {
            out.printf("%d file(s) skipped by the --include/--exclude patterns%n", folder.skipped());
          }
        }
        if (!await) {
          out.println("the pipeline is processing it; follow with --wait next time, or ./opentier logs curation-streams");
          return 0;
        }
        JobProgress done = ingestion.await(job, Duration.ofSeconds(timeoutSeconds), bar::concluded);
        bar.finishWaiting();
        printSummary(done);
        if (!done.finished()) {
          out.printf("gave up waiting after %d s: %d of %d concluded%n", timeoutSeconds, done.concluded(), done.expected());
          return 1;
        }
        return done.anyFailed() ? 1 : 0;
      }
    }
  }

  private Source chooseSource(long maxBytes) {
    if (source.equals("-")) return new StdinSource(System.in, stdinName, format.equalsIgnoreCase("jsonl"), maxBytes);
    if (source.startsWith("http://") || source.startsWith("https://")) {
      CrawlOptions options = CrawlOptions.defaults()
          .withMaxDepth(maxDepth)
          .withMaxPages(maxPages)
          .withSameHostOnly(!allHosts)
          .withPolitenessDelay(Duration.ofMillis(delayMs))
          .withAllowPrivateAddresses(allowPrivate)
          .withMaxBytesPerPage(maxBytes);
      return new WebSource(URI.create(source), options);
    }
    Path path = Path.of(source);
    if (Files.isDirectory(path)) return new FolderSource(path, includes, excludes, maxBytes);
    if (!Files.exists(path)) throw new IllegalArgumentException("no such file or folder: " + source);
    if (JsonlSource.handles(path)) return new JsonlSource(path, idPrefix, maxBytes);
    return new FileSource(path, maxBytes);
  }

  private CurationProfile parseCuration() {
    try {
      return CurationProfile.of(curation);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--curation must be one of " + CurationProfile.names() + ", got '" + curation + "'");
    }
  }

  private DocumentEvent.Visibility parseVisibility() {
    try {
      return DocumentEvent.Visibility.valueOf(visibility.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--visibility must be private or public, got '" + visibility + "'");
    }
  }

  private void printSummary(JobProgress p) {
    out.printf("indexed %d, unchanged %d, rejected %d, duplicate %d, failed %d, deleted %d; %d chunks%n",
        p.indexed(), p.unchanged(), p.rejected(), p.duplicate(), p.failed(), p.deleted(), p.chunks());
    out.printf("stages: received %d, parsed %d, chunked %d, embedded %d%n",
        p.stages().received(), p.stages().parsed(), p.stages().chunked(), p.stages().embedded());
    p.problems().stream()
        .collect(java.util.stream.Collectors.groupingBy(problem -> problem.outcome() + " at " + problem.stage(),
            java.util.TreeMap::new, java.util.stream.Collectors.counting()))
        .forEach((what, count) -> out.printf("  %d %s%n", count, what));
    for (JobProgress.Problem problem : p.problems()) {
      out.printf("  %-8s %s  [%s] %s%n", problem.outcome(), problem.documentId(), problem.stage(), problem.reason());
    }
  }
}
