package dev.opentier.systemtests.gateway;

import static dev.opentier.platform.db.schema.Tables.CHAT_MESSAGES;
import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.CONVERSATIONS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opentier.platform.service.InternalCalls;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.proto.intelligence.v1.SearchRequest;
import dev.opentier.systemtests.LocalCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opentier.systemtests.pipeline.Fixtures;
import dev.opentier.systemtests.pipeline.PipelineHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product API end to end: the real gateway, the real intelligence service (extractive answers)
 * and the real pipeline (curation-streams on the test broker) over one scratch database. Uploads
 * go through the API; the later tests use what the first one indexed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {
  private static final String ADMIN = Platform.ADMIN;
  private static final String PASSWORD = Platform.PASSWORD;
  private static final String TOPIC = "lighthouse";

  private Platform platform;
  private PipelineHarness pipeline;
  private Api api;
  private String alice;
  private String bob;
  private String admin;
  private final Set<String> aliceDocuments = new HashSet<>();

  @BeforeAll
  void startThePlatform() throws Exception {
    platform = new Platform(Map.of());
    pipeline = platform.pipeline;
    api = platform.api;
    alice = api.signIn("alice@example.org", PASSWORD);
    bob = api.signIn("bob@example.org", PASSWORD);
    admin = api.signIn(ADMIN, PASSWORD);
  }

  @AfterAll
  void stopThePlatform() throws Exception {
    if (platform != null) platform.close();
  }

  @Test
  @Order(1)
  void anUploadedFolderStreamsItsJobToTheEndAndBecomesSearchable() throws Exception {
    // Operators watch while it runs: sample the overview throughout the ingestion
    assertThat(api.send("GET", "/api/ops/overview", null, admin).statusCode()).isEqualTo(200);
    DoubleAdder peakRate = new DoubleAdder();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = Thread.ofVirtual().start(() -> {
      while (watching.get()) {
        try {
          JsonNode overview = Api.json(api.send("GET", "/api/ops/overview", null, admin));
          double rate = 0;
          for (JsonNode stage : overview.get("stages")) rate += stage.get("documents_per_second").asDouble();
          if (rate > peakRate.sum()) peakRate.add(rate - peakRate.sum());
          Thread.sleep(300); // sampling cadence of this observer, not synchronisation
        } catch (Exception e) {
          return;
        }
      }
    });

    List<Api.Upload> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      files.add(new Api.Upload("notes/" + TOPIC + "-" + i + ".md", "text/markdown",
          ("# The " + TOPIC + " report " + i + "\n\n" + Fixtures.prose(TOPIC + " keeper " + i, 220)).getBytes(StandardCharsets.UTF_8)));
    }
    files.add(new Api.Upload("notes/keeper.pdf", "application/pdf",
        Fixtures.pdf("Keeper's log", Fixtures.prose(TOPIC + " lamp oil", 150), Fixtures.prose(TOPIC + " storm", 150))));
    files.add(new Api.Upload("notes/broken.pdf", "application/pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog >> truncated".getBytes(StandardCharsets.UTF_8)));
    byte[] binary = new byte[4096];
    new java.util.Random(7).nextBytes(binary);
    files.add(new Api.Upload("notes/program.bin", "application/octet-stream", binary));

    HttpResponse<String> submitted = api.upload(alice, files, "private");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    String job = Api.json(submitted).get("job_id").asText();

    HttpResponse<Stream<String>> events = api.stream("GET", "/api/ingestion/jobs/" + job + "/events", null, alice);
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<Api.Event> progress;
    try (Stream<String> lines = events.body()) {
      progress = Api.readUntil(lines, "done");
    }
    watching.set(false);
    watcher.join();

    assertThat(progress).isNotEmpty();
    assertThat(progress.getFirst().name()).isEqualTo("progress");
    Api.Event done = progress.getLast();
    assertThat(done.name()).isEqualTo("done");
    assertThat(progress.stream().map(Api.Event::id).toList()).isSorted();
    JsonNode outcomes = done.data().get("job").get("outcomes");
    assertThat(outcomes.get("indexed").asInt()).isEqualTo(11);
    assertThat(outcomes.get("rejected").asInt() + outcomes.get("failed").asInt()).isEqualTo(2);
    assertThat(done.data().get("job").get("finished").asBoolean()).isTrue();
    assertThat(done.data().get("stages").get("received").asInt()).isEqualTo(13);
    // the corrupt and the unsupported file are in the job with their reasons
    List<String> reasons = new ArrayList<>();
    done.data().get("problems").forEach(p -> reasons.add(p.get("reason").asText()));
    assertThat(done.data().get("problems")).hasSize(2);
    assertThat(reasons).allSatisfy(reason -> assertThat(reason).isNotBlank());

    // The throughput rose during the ingestion, and the lag is back to zero after it
    assertThat(peakRate.sum()).isGreaterThan(0);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      JsonNode overview = Api.json(api.send("GET", "/api/ops/overview", null, admin));
      assertThat(overview.get("lag_error").isNull()).as(overview.toString()).isTrue();
      assertThat(overview.get("lag").get("total").asLong()).as(overview.get("lag").toString()).isZero();
    });
    JsonNode overview = Api.json(api.send("GET", "/api/ops/overview", null, admin));
    assertThat(overview.get("embedding").get("device").asText()).isEqualTo("cpu");
    assertThat(overview.get("components").get("database").asText()).isEqualTo("up");
    assertThat(overview.get("components").get("intelligence").asText()).isEqualTo("up");
    // the pipeline instance was found by itself (it registered in pipeline_instances), not from a setting
    assertThat(overview.get("components").get("curation-streams http://127.0.0.1:" + pipeline.env.get("OPENTIER_STREAMS_PORT") + "/metrics").asText())
        .as(overview.get("components").toString()).isEqualTo("up");

    // Alice's documents are searchable by her, not by Bob
    JsonNode mine = Api.json(api.send("GET", "/api/documents?status=indexed&limit=200", null, alice));
    mine.get("documents").forEach(d -> aliceDocuments.add(d.get("id").asText()));
    assertThat(aliceDocuments).hasSize(11);
    JsonNode found = Api.json(api.send("POST", "/api/search", Map.of("query", TOPIC + " keeper lamp oil", "top_k", 5), alice));
    assertThat(found.get("passages")).isNotEmpty();
    found.get("passages").forEach(p -> assertThat(aliceDocuments).contains(p.get("document_id").asText()));
    JsonNode forBob = Api.json(api.send("POST", "/api/search", Map.of("query", TOPIC + " keeper lamp oil", "top_k", 5), bob));
    assertThat(forBob.get("passages")).isEmpty();
  }

  @Test
  @Order(2)
  void chatStreamsItsEventsInOrderAndTheStoredAnswerIsWhatWasStreamed() throws Exception {
    String conversation = Api.json(api.send("POST", "/api/conversations", Map.of(), alice)).get("id").asText();

    HttpResponse<Stream<String>> response = api.stream("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "What did the " + TOPIC + " keeper do?"), alice);
    assertThat(response.statusCode()).isEqualTo(200);
    List<Api.Event> events;
    try (Stream<String> lines = response.body()) {
      events = Api.readUntil(lines, "done", "error");
    }
    List<String> names = events.stream().map(Api.Event::name).toList();
    assertThat(names.getFirst()).isEqualTo("start");
    assertThat(names.getLast()).isEqualTo("done");
    assertThat(names).contains("token", "source").doesNotContain("error");
    // start, then tokens, then sources, then done: never out of that order
    assertThat(names.lastIndexOf("token")).isLessThan(names.indexOf("source"));
    assertThat(events.stream().map(Api.Event::id).toList()).isSorted().doesNotHaveDuplicates();

    StringBuilder streamed = new StringBuilder();
    events.stream().filter(e -> e.name().equals("token")).forEach(e -> streamed.append(e.data().get("text").asText()));
    String messageId = events.getFirst().data().get("message_id").asText();
    JsonNode done = events.getLast().data();
    assertThat(done.get("extractive").asBoolean()).isTrue();

    // every source is a passage the answer cites, from a document Alice may see
    for (Api.Event source : events.stream().filter(e -> e.name().equals("source")).toList()) {
      assertThat(streamed.toString()).contains("[" + source.data().get("index").asInt() + "]");
      String document = source.data().get("passage").get("document_id").asText();
      assertThat(aliceDocuments).contains(document);
      assertThat(api.send("GET", "/api/documents/" + document, null, alice).statusCode()).isEqualTo(200);
    }

    JsonNode stored = Api.json(api.send("GET", "/api/conversations/" + conversation, null, alice));
    JsonNode answer = stored.get("messages").get(1);
    assertThat(answer.get("id").asText()).isEqualTo(messageId);
    assertThat(answer.get("role").asText()).isEqualTo("assistant");
    assertThat(answer.get("content").asText()).isEqualTo(streamed.toString());
    assertThat(answer.get("partial").asBoolean()).isFalse();
    assertThat(answer.get("sources")).hasSize((int) names.stream().filter("source"::equals).count());

    // The first message named the conversation; the list shows it with its count and preview
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Api.json(api.send("GET", "/api/conversations", null, alice)).get("conversations").get(0).get("title").isNull()).isFalse());
    JsonNode listed = Api.json(api.send("GET", "/api/conversations", null, alice)).get("conversations").get(0);
    assertThat(listed.get("id").asText()).isEqualTo(conversation);
    assertThat(listed.get("message_count").asInt()).isEqualTo(2);
    assertThat(listed.get("last_message_preview").asText()).isNotBlank();

    // Without the event-stream header the answer comes whole, as JSON
    HttpResponse<String> whole = api.send("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "Tell me about the storm at the " + TOPIC, "top_k", 3), alice);
    assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
    assertThat(whole.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode json = Api.json(whole);
    assertThat(json.get("content").asText()).startsWith("Extractive answer");
    assertThat(json.get("message_id").asText()).isNotBlank();
    assertThat(Api.json(api.send("GET", "/api/conversations/" + conversation, null, alice)).get("messages")).hasSize(4);

    // Bad settings are refused before anything is stored
    HttpResponse<String> bad = api.send("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "hello", "temperature", 5), alice);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Api.json(bad).get("error").asText()).isEqualTo("invalid_input");
    HttpResponse<String> empty = api.send("POST", "/api/conversations/" + conversation + "/messages", Map.of("message", "  "), alice);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(Api.json(api.send("GET", "/api/conversations/" + conversation, null, alice)).get("messages")).hasSize(4);
  }

  @Test
  @Order(3)
  void anotherUsersConversationDoesNotExistForAnyVerb() throws Exception {
    String conversation = Api.json(api.send("POST", "/api/conversations", Map.of("title", "Alice's own"), alice)).get("id").asText();
    String path = "/api/conversations/" + conversation;
    assertThat(api.send("GET", path, null, bob).statusCode()).isEqualTo(404);
    assertThat(api.send("PATCH", path, Map.of("title", "mine now"), bob).statusCode()).isEqualTo(404);
    assertThat(api.send("DELETE", path, null, bob).statusCode()).isEqualTo(404);
    assertThat(api.send("POST", path + "/messages", Map.of("message", "hello"), bob).statusCode()).isEqualTo(404);
    HttpResponse<Stream<String>> stream = api.stream("POST", path + "/messages", Map.of("message", "hello"), bob);
    assertThat(stream.statusCode()).isEqualTo(404);
    stream.body().close();
    assertThat(api.send("GET", "/api/conversations/not-a-uuid", null, bob).statusCode()).isEqualTo(404);
    assertThat(Api.json(api.send("GET", "/api/conversations", null, bob)).get("conversations")).isEmpty();
    // untouched for its owner
    JsonNode own = Api.json(api.send("GET", path, null, alice));
    assertThat(own.get("title").asText()).isEqualTo("Alice's own");
    assertThat(own.get("messages")).isEmpty();
    assertThat(api.send("DELETE", path, null, alice).statusCode()).isEqualTo(204);
    assertThat(api.send("GET", path, null, alice).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void documentsAreListedForWhoMaySeeThemAndSharedByTheirOwner() throws Exception {
    String document = aliceDocuments.iterator().next();
    assertThat(api.send("GET", "/api/documents/" + document, null, bob).statusCode()).isEqualTo(404);
    JsonNode detail = Api.json(api.send("GET", "/api/documents/" + document + "?chunk_limit=5", null, alice));
    assertThat(detail.get("can_manage").asBoolean()).isTrue();
    assertThat(detail.get("chunks")).isNotEmpty();
    assertThat(detail.get("document").get("language").asText()).isEqualTo("en");
    assertThat(detail.get("curation").isObject()).isTrue();
    assertThat(detail.get("curation").size()).isPositive();

    HttpResponse<String> shared = api.send("POST", "/api/documents/" + document + "/grants", Map.of("email", "bob@example.org"), alice);
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
    // Security round, finding 5: a share reaches bob's account only once bob has verified the address.
    assertThat(api.send("GET", "/api/documents/" + document, null, bob).statusCode()).isEqualTo(404);
    platform.verify("bob@example.org");
    JsonNode bobsView = Api.json(api.send("GET", "/api/documents/" + document, null, bob));
    assertThat(bobsView.get("can_manage").asBoolean()).isFalse();
    assertThat(Api.json(api.send("GET", "/api/documents", null, bob)).get("documents")).hasSize(1);
    assertThat(api.send("PATCH", "/api/documents/" + document, Map.of("visibility", "public"), bob).statusCode()).isEqualTo(403);
    assertThat(api.send("DELETE", "/api/documents/" + document, null, bob).statusCode()).isEqualTo(403);

    // cursor pages cover every document exactly once
    Set<String> paged = new HashSet<>();
    String cursor = null;
    do {
      JsonNode page = Api.json(api.send("GET", "/api/documents?limit=4&sort=title" + (cursor == null ? "" : "&cursor=" + cursor), null, alice));
      page.get("documents").forEach(d -> assertThat(paged.add(d.get("id").asText())).isTrue());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(paged).hasSize(13);

    assertThat(detail.get("document").get("owner_id").asText()).isNotBlank();
    // Bob asks about what he may see now: the answer cites alice's shared document.
    String bobsChat = Api.json(api.send("POST", "/api/conversations", Map.of(), bob)).get("id").asText();
    HttpResponse<String> answer = api.send("POST", "/api/conversations/" + bobsChat + "/messages",
        Map.of("message", "What does the " + TOPIC + " keeper do?"), bob);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode cited = Api.json(api.send("GET", "/api/conversations/" + bobsChat, null, bob)).get("messages").get(1).get("sources");
    assertThat(cited).isNotEmpty();
    assertThat(cited.get(0).get("passage").get("document_id").asText()).isEqualTo(document);
    assertThat(cited.get(0).get("passage").get("text").asText()).isNotBlank();

    JsonNode grants = Api.json(api.send("GET", "/api/documents/" + document, null, alice)).get("grants");
    assertThat(grants).hasSize(1);
    assertThat(grants.get(0).get("email").asText()).isEqualTo("bob@example.org");
    assertThat(api.send("DELETE", "/api/documents/" + document + "/grants/bob%40example.org", null, alice).statusCode()).isEqualTo(204);
    assertThat(api.send("GET", "/api/documents/" + document, null, bob).statusCode()).isEqualTo(404);
    // Security round, finding 7: bob's conversation keeps the citation's place, not the passage he may no longer see.
    JsonNode afterRevocation = Api.json(api.send("GET", "/api/conversations/" + bobsChat, null, bob)).get("messages").get(1).get("sources");
    assertThat(afterRevocation).hasSameSizeAs(cited);
    for (JsonNode source : afterRevocation) {
      assertThat(source.get("withheld").asBoolean()).isTrue();
      assertThat(source.get("passage").get("text").asText()).isEmpty();
      assertThat(source.get("passage").get("title").asText()).isEmpty();
    }
    assertThat(api.send("DELETE", "/api/conversations/" + bobsChat, null, bob).statusCode()).isEqualTo(204);
  }

  @Test
  @Order(5)
  void adminStatisticsCountTheRealTables() throws Exception {
    assertThat(api.send("GET", "/api/admin/stats", null, alice).statusCode()).isEqualTo(403);
    JsonNode stats = Api.json(api.send("GET", "/api/admin/stats", null, admin));
    var db = pipeline.database.dsl();
    assertThat(stats.get("users").asLong()).isEqualTo(db.fetchCount(USERS)).isEqualTo(3);
    assertThat(stats.get("conversations").asLong()).isEqualTo(db.fetchCount(CONVERSATIONS)).isPositive();
    assertThat(stats.get("messages").asLong()).isEqualTo(db.fetchCount(CHAT_MESSAGES)).isEqualTo(4);
    assertThat(stats.get("documents").get("total").asLong()).isEqualTo(db.fetchCount(DOCUMENTS)).isEqualTo(13);
    assertThat(stats.get("documents").get("indexed").asLong()).isEqualTo(11);
    assertThat(stats.get("chunks").asLong()).isEqualTo(db.fetchCount(CHUNKS)).isPositive();
    assertThat(stats.get("active_sessions").asLong()).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(7)
  void anotherUserUploadingTheSameFileGetsTheirOwnDocumentAndOnlyTheOwnerMayIndexARejectedOneAnyway() throws Exception {
    var db = pipeline.database.dsl();
    String sameName = "notes/" + TOPIC + "-0.md";
    var before = db.selectFrom(DOCUMENTS).where(DOCUMENTS.URI.endsWith(sameName)).fetchOne();
    String aliceDocument = before.getId();
    byte[] sameContent = ("# The " + TOPIC + " report 0\n\n" + Fixtures.prose(TOPIC + " keeper 0", 220)).getBytes(StandardCharsets.UTF_8);

    // Bob uploads what Alice has, public: he gets a document of his own; hers stays hers, private.
    HttpResponse<String> bobs = api.upload(bob, List.of(new Api.Upload(sameName, "text/markdown", sameContent)), "public");
    assertThat(bobs.statusCode()).as(bobs.body()).isEqualTo(202);
    pipeline.await(java.util.UUID.fromString(Api.json(bobs).get("job_id").asText()));
    var after = db.selectFrom(DOCUMENTS).where(DOCUMENTS.ID.eq(aliceDocument)).fetchOne();
    assertThat(after.getOwnerId()).isEqualTo(before.getOwnerId());
    assertThat(after.getVisibility()).isEqualTo("private");
    assertThat(after.getContentHash()).isEqualTo(before.getContentHash());
    assertThat(db.fetchCount(DOCUMENTS, DOCUMENTS.OWNER_ID.ne(before.getOwnerId()).and(DOCUMENTS.URI.endsWith(sameName)))).isEqualTo(1);

    // A document only the pretraining filters reject: its owner may index it anyway, nobody else.
    String repetitive = Fixtures.prose("api reference", 120) + " " + "getValue returns the value. setValue sets the value. ".repeat(30);
    HttpResponse<String> rejectedUpload = api.upload(bob, List.of(new Api.Upload("api/reference.md", "text/markdown",
        repetitive.getBytes(StandardCharsets.UTF_8))), "public", "pretraining");
    assertThat(rejectedUpload.statusCode()).as(rejectedUpload.body()).isEqualTo(202);
    var job = pipeline.await(java.util.UUID.fromString(Api.json(rejectedUpload).get("job_id").asText()));
    assertThat(job.rejected()).isEqualTo(1);
    String rejected = db.select(DOCUMENTS.ID).from(DOCUMENTS).where(DOCUMENTS.URI.endsWith("api/reference.md")).fetchOne(DOCUMENTS.ID);
    assertThat(api.send("POST", "/api/documents/" + rejected + "/index-anyway", null, alice).statusCode()).isEqualTo(403);
    HttpResponse<String> anyway = api.send("POST", "/api/documents/" + rejected + "/index-anyway", null, bob);
    assertThat(anyway.statusCode()).as(anyway.body()).isEqualTo(202);
    pipeline.await(java.util.UUID.fromString(Api.json(anyway).get("job_id").asText()));
    JsonNode detail = Api.json(api.send("GET", "/api/documents/" + rejected, null, bob));
    assertThat(detail.get("document").get("status").asText()).isEqualTo("indexed");
    assertThat(detail.get("curation").get("override").get("by").asText()).isNotBlank();
    assertThat(detail.get("curation").get("quality").get("flags")).isNotEmpty();
    assertThat(api.send("POST", "/api/documents/" + rejected + "/index-anyway", null, bob).statusCode()).isEqualTo(409);
  }

  @Test
  @Order(8)
  void aFileOverTheUploadLimitIsRefusedOnItsOwnWith413AndTheOthersGoOn() throws Exception {
    byte[] over = new byte[20 * 1024 * 1024 + 1]; // the default limit is 20 MiB
    java.util.Arrays.fill(over, (byte) 'a');
    byte[] small = ("# Small\n\n" + Fixtures.prose(TOPIC + " small note", 80)).getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> mixed = api.upload(alice, List.of(new Api.Upload("big.txt", "text/plain", over),
        new Api.Upload("small.md", "text/markdown", small)), "private");
    assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(202);
    JsonNode submitted = Api.json(mixed);
    assertThat(submitted.get("refused_files")).hasSize(1);
    assertThat(submitted.get("refused_files").get(0).get("name").asText()).isEqualTo("big.txt");
    assertThat(submitted.get("refused_files").get(0).get("status").asInt()).isEqualTo(413);
    var job = pipeline.await(java.util.UUID.fromString(submitted.get("job_id").asText()));
    assertThat(job.indexed()).isEqualTo(1);
    assertThat(job.failed()).isEqualTo(1);

    HttpResponse<String> alone = api.upload(alice, List.of(new Api.Upload("big.txt", "text/plain", over)), "private");
    assertThat(alone.statusCode()).isEqualTo(413);
    assertThat(Api.json(alone).get("error").asText()).isEqualTo("file_too_large");
  }

  /**
   * One maximum end to end: a file of exactly the maximum (20 MiB: a saved web page whose bulk is an
   * embedded picture) is indexed from an upload and from the CLI (run as the launcher runs it); one
   * byte more is refused with the limit named, by both.
   */
  @Test
  @Order(8)
  void aFileOfExactlyTheMaximumIsIndexedFromAnUploadAndFromTheCli() throws Exception {
    int maximum = 20 * 1024 * 1024;
    byte[] page = savedPage("Harbour upload", maximum);
    HttpResponse<String> uploaded = api.upload(alice, List.of(new Api.Upload("harbour-upload.html", "text/html", page)), "private");
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(202);
    var job = pipeline.await(java.util.UUID.fromString(Api.json(uploaded).get("job_id").asText()));
    assertThat(job.indexed()).as(job.toString()).isEqualTo(1);

    Path folder = Files.createTempDirectory("opentier-sizes");
    Files.write(folder.resolve("harbour-cli.html"), savedPage("Harbour command line", maximum));
    Files.write(folder.resolve("harbour-over.html"), savedPage("Harbour too big", maximum + 1));
    Path log = folder.resolve("cli.log");
    ProcessBuilder cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), "dev.opentier.ingest.cli.IngestCommand", folder.toString(), "--include", "*.html",
        "--visibility", "private", "--owner", "alice@example.org", "--wait", "--timeout", "600");
    cli.environment().keySet().removeIf(key -> key.startsWith("OPENTIER_"));
    cli.environment().putAll(pipeline.env);
    cli.redirectErrorStream(true).redirectOutput(log.toFile());
    Process run = cli.start();
    assertThat(run.waitFor(10, TimeUnit.MINUTES)).as("the CLI finished").isTrue();
    String output = Files.readString(log);
    assertThat(output).contains("indexed 1,").contains("failed 1").contains("over the ingest limit of " + maximum + " bytes");
    assertThat(run.exitValue()).as(output).isEqualTo(1); // --wait exits 1 when a document failed
    var db = pipeline.database.dsl();
    assertThat(db.select(DOCUMENTS.STATUS).from(DOCUMENTS).where(DOCUMENTS.TITLE.in("Harbour upload", "Harbour command line"))
        .fetch(DOCUMENTS.STATUS)).containsExactly("indexed", "indexed");
  }

  /** A saved web page of exactly {@code bytes}: a short article and a picture embedded as a data: URI. */
  private static byte[] savedPage(String title, int bytes) {
    String head = "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><main><h1>" + title + "</h1><p>"
        + Fixtures.prose(TOPIC + " " + title.toLowerCase(java.util.Locale.ROOT), 120) + "</p><img alt=\"the harbour\" src=\"data:image/png;base64,";
    String tail = "\"></main></body></html>";
    byte[] page = new byte[bytes];
    byte[] start = head.getBytes(StandardCharsets.UTF_8);
    byte[] end = tail.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(start, 0, page, 0, start.length);
    java.util.Arrays.fill(page, start.length, bytes - end.length, (byte) 'A');
    System.arraycopy(end, 0, page, bytes - end.length, end.length);
    return page;
  }

  @Test
  @Order(6)
  void metricsCountRequestsByRouteTemplate() throws Exception {
    HttpResponse<String> metrics = api.send("GET", "/metrics", null, null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("opentier_http_requests_seconds_count{method=\"POST\",route=\"/api/conversations/{id}/messages\",status=\"200\"}")
        .contains("opentier_sse_events_total{event=\"token\"}")
        .contains("opentier_chat_first_token_seconds");
  }

  /**
   * Security round, finding 3: intelligence's port gives nothing to a client that is not the gateway
   * (no certificate, a certificate of another authority, the right certificate without the signed
   * assertion of a user, or with a forged one), while the gateway itself works (every other test).
   */
  @Test
  @Order(9)
  void intelligencesPortGivesNothingWithoutTheGatewaysCredentials() throws Exception {
    String target = "127.0.0.1:" + platform.intelligence.port();
    UUID aliceId = pipeline.database.dsl().select(USERS.ID).from(USERS).where(USERS.EMAIL.eq("alice@example.org")).fetchOne(USERS.ID);
    SearchRequest aliceSecrets = SearchRequest.newBuilder().setUserId(aliceId.toString()).setQuery(TOPIC + " keeper").setTopK(5).build();
    LocalCredentials ours = platform.credentials;
    LocalCredentials another = LocalCredentials.make(Files.createTempDirectory("opentier-forged").resolve("secrets"));
    InternalCalls genuine = InternalCalls.withSecret("query-api", ours.secret());
    InternalCalls forgedSecret = InternalCalls.withSecret("query-api", another.secret());

    assertRefused(NettyChannelBuilder.forTarget(target).usePlaintext().build(), genuine.actingFor(aliceId), aliceSecrets);
    assertRefused(tls(target, ours.dir.resolve("ca.crt"), null, null), genuine.actingFor(aliceId), aliceSecrets);
    assertRefused(tls(target, ours.dir.resolve("ca.crt"), another.dir.resolve("query-api.crt"), another.dir.resolve("query-api.key")),
        genuine.actingFor(aliceId), aliceSecrets);
    ManagedChannel asGateway = tls(target, ours.dir.resolve("ca.crt"), ours.dir.resolve("query-api.crt"), ours.dir.resolve("query-api.key"));
    try {
      var search = RetrievalServiceGrpc.newBlockingStub(asGateway).withDeadlineAfter(20, TimeUnit.SECONDS);
      assertThatThrownBy(() -> search.search(aliceSecrets)).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThatThrownBy(() -> search.withCallCredentials(forgedSecret.actingFor(aliceId)).search(aliceSecrets))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      // The same call with everything the gateway holds does answer: the refusals above are not an outage.
      assertThat(search.withCallCredentials(genuine.actingFor(aliceId)).search(aliceSecrets).getPassagesCount()).isPositive();
    } finally {
      asGateway.shutdownNow();
    }
  }

  /** Security round, finding 8: file names with a NUL or a right-to-left override are no 500, and are cleaned. */
  @Test
  @Order(10)
  void uploadedFileNamesWithControlCharactersAreCleanedNotFatal() throws Exception {
    byte[] text = ("# Names\n\n" + Fixtures.prose(TOPIC + " names", 60)).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> upload = api.upload(alice, List.of(new Api.Upload("report\u0000.md", "text/markdown", text),
        new Api.Upload("invoice \u202Edm.exe", "text/markdown", text)), "private");
    assertThat(upload.statusCode()).as(upload.body()).isIn(202, 400);
    JsonNode answer = Api.json(upload);
    if (upload.statusCode() == 400) {
      assertThat(answer.get("error").asText()).isNotBlank();
      return;
    }
    assertThat(upload.body()).doesNotContain("\u202E").doesNotContain("\\u0000").doesNotContain("\\u202e");
  }

  private static void assertRefused(ManagedChannel channel, io.grpc.CallCredentials caller, SearchRequest request) {
    try {
      assertThatThrownBy(() -> RetrievalServiceGrpc.newBlockingStub(channel).withCallCredentials(caller)
          .withDeadlineAfter(20, TimeUnit.SECONDS).search(request))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE,
              Status.Code.UNAUTHENTICATED, Status.Code.INTERNAL));
    } finally {
      channel.shutdownNow();
    }
  }

  private static ManagedChannel tls(String target, Path ca, Path cert, Path key) throws Exception {
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
    if (cert != null) credentials.keyManager(cert.toFile(), key.toFile());
    return NettyChannelBuilder.forTarget(target, credentials.build()).build();
  }
}
