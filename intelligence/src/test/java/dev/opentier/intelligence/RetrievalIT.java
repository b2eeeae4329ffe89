package dev.opentier.intelligence;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.service.InternalCalls;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalGrpcService;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.proto.intelligence.v1.SearchFilter;
import dev.opentier.proto.intelligence.v1.SearchMode;
import dev.opentier.proto.intelligence.v1.SearchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RetrievalService.Search over real PostgreSQL + pgvector: ranking by each list, permissions, filters. */
class RetrievalIT {
  private static TestCorpus corpus;
  private static Server server;
  private static ManagedChannel channel;
  private static final InternalCalls CALLS = InternalCalls.withSecret("query-api", "the retrieval test's secret, long enough for HS256");
  private static RetrievalServiceGrpc.RetrievalServiceBlockingStub search;
  private static UUID alice;
  private static UUID bob;
  private static UUID carol;

  @BeforeAll
  static void start() throws Exception {
    corpus = new TestCorpus();
    alice = corpus.user("alice@example.com");
    bob = corpus.user("bob@example.com");
    carol = corpus.user("carol@example.com");
    corpus.document("alice-secret", alice, "private", "Project Nightingale",
        "Project Nightingale is the codename for the new satellite launch planned for March.");
    corpus.document("alice-shared", alice, "private", "Budget",
        "The satellite budget for the launch is forty million euros, approved by the board.");
    corpus.grant("alice-shared", carol);
    corpus.document("public-bees", null, "public", "Honey bees",
        "Honey bees communicate the location of flowers through the waggle dance.",
        "Bumble bees can fly in colder weather than honey bees.");
    corpus.document("public-volcano", null, "public", "Volcanoes",
        "Volcanic soils are fertile because ash is rich in minerals that plants need.");
    HybridRetriever retriever = new HybridRetriever(corpus.db, corpus.embedder, RetrievalSettings.from(Settings.of(Map.of())));
    retriever.refreshStatistics(true);
    server = InProcessServerBuilder.forName("retrieval-it").directExecutor()
        .addService(io.grpc.ServerInterceptors.intercept(new RetrievalGrpcService(retriever, new Passages(corpus.db)), new Failures(),
            CALLS.verifier()))
        .build().start();
    channel = InProcessChannelBuilder.forName("retrieval-it").directExecutor().build();
    search = RetrievalServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    corpus.close();
  }

  @Test
  void refreshingTheStatisticsRenewsThePlannersEstimates() {
    // Inserting rows leaves pg_class's estimate where the last ANALYZE (or index build) left it;
    // the corpus was loaded after the migrations built the indexes on empty tables.
    for (String table : List.of("documents", "chunks")) {
      double estimated = corpus.db.select(DSL.field("reltuples", Double.class)).from("pg_class").where(DSL.field("relname").eq(table))
          .fetchSingle().value1();
      int actual = corpus.db.fetchCount(DSL.table(DSL.name(table)));
      assertThat(actual).isPositive();
      assertThat(estimated).as(table).isEqualTo((double) actual);
    }
  }

  @Test
  void eachModeRanksTheRelevantPassageFirstWithItsCitationFields() {
    for (SearchMode mode : List.of(SearchMode.SEARCH_MODE_DENSE, SearchMode.SEARCH_MODE_LEXICAL, SearchMode.SEARCH_MODE_HYBRID)) {
      List<Passage> passages = search(bob, "how do honey bees tell each other where flowers are", mode);
      assertThat(passages).as(mode.name()).isNotEmpty();
      Passage first = passages.getFirst();
      assertThat(first.getDocumentId()).as(mode.name()).isEqualTo("public-bees");
      assertThat(first.getText()).contains("waggle dance");
      assertThat(first.getTitle()).isEqualTo("Honey bees");
      assertThat(first.getUri()).isEqualTo("test:public-bees");
      assertThat(first.getPage()).isEqualTo(1);
    }
    Passage hybrid = search(bob, "waggle dance of honey bees", SearchMode.SEARCH_MODE_HYBRID).getFirst();
    assertThat(hybrid.getScores().hasDense()).isTrue();
    assertThat(hybrid.getScores().hasLexical()).isTrue();
    assertThat(hybrid.getScores().getDenseRank()).isEqualTo(1);
    assertThat(hybrid.getScores().getLexicalRank()).isEqualTo(1);
  }

  @Test
  void aUserNeverRetrievesAnotherUsersPrivateDocument() {
    for (SearchMode mode : List.of(SearchMode.SEARCH_MODE_DENSE, SearchMode.SEARCH_MODE_LEXICAL, SearchMode.SEARCH_MODE_HYBRID)) {
      assertThat(documents(search(bob, "Project Nightingale satellite launch codename", mode)))
          .as(mode.name()).doesNotContain("alice-secret", "alice-shared");
      assertThat(documents(search(null, "Project Nightingale satellite launch codename", mode)))
          .as(mode.name()).doesNotContain("alice-secret", "alice-shared");
    }
    assertThat(documents(search(alice, "Project Nightingale satellite launch codename", SearchMode.SEARCH_MODE_HYBRID)).getFirst())
        .isEqualTo("alice-secret");
  }

  @Test
  void aGrantMakesADocumentVisibleToThatUserOnly() {
    assertThat(documents(search(carol, "satellite budget approved by the board", SearchMode.SEARCH_MODE_HYBRID)))
        .contains("alice-shared").doesNotContain("alice-secret");
    assertThat(documents(search(bob, "satellite budget approved by the board", SearchMode.SEARCH_MODE_HYBRID)))
        .doesNotContain("alice-shared");
  }

  @Test
  void filtersNarrowTheSearchToDocumentsOrSources() {
    var onlyVolcano = SearchRequest.newBuilder().setUserId(bob.toString()).setQuery("honey bees").setTopK(10)
        .setFilter(SearchFilter.newBuilder().addDocumentIds("public-volcano")).build();
    assertThat(documents(as(bob).search(onlyVolcano).getPassagesList())).containsOnly("public-volcano");
    var otherSource = SearchRequest.newBuilder().setUserId(bob.toString()).setQuery("honey bees").setTopK(10)
        .setFilter(SearchFilter.newBuilder().addSources("elsewhere")).build();
    assertThat(as(bob).search(otherSource).getPassagesList()).isEmpty();
  }

  @Test
  void badRequestsAreInvalidArgument() {
    assertThatThrownBy(() -> as(null).search(SearchRequest.newBuilder().setQuery(" ").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> as(null).search(SearchRequest.newBuilder().setQuery("bees").setTopK(500).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> as(null).search(SearchRequest.newBuilder().setQuery("bees").setUserId("not-a-uuid").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  /** Security round, finding 3: a user id alone, without the gateway's signed assertion, reads nothing. */
  @Test
  void aCallWithoutTheSignedAssertionOfItsUserGetsNoPassages() {
    var asksForAlicesSecret = SearchRequest.newBuilder().setUserId(alice.toString()).setQuery("Project Nightingale satellite launch codename")
        .setTopK(10).build();
    assertThat(documents(as(alice).search(asksForAlicesSecret).getPassagesList())).contains("alice-secret");

    assertThatThrownBy(() -> search.search(asksForAlicesSecret))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    var forged = InternalCalls.withSecret("query-api", "a guessed secret of the right length, but wrong");
    assertThatThrownBy(() -> search.withCallCredentials(forged.actingFor(alice)).search(asksForAlicesSecret))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(() -> as(bob).search(asksForAlicesSecret))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    var bobAskingForHimself = asksForAlicesSecret.toBuilder().clearUserId().build();
    assertThat(documents(as(bob).search(bobAskingForHimself).getPassagesList())).doesNotContain("alice-secret");
  }

  /**
   * Security round, finding 1, as the probe ran it: bob plants a guessed term ("Nightingale", in
   * alice's private document) and a control term in a chunk of his own. With statistics over every
   * user's chunks the two scores differed by exactly "one more chunk holds it"; over what bob may see
   * they are equal, and equal to what they are when alice's document does not exist.
   */
  @Test
  void lexicalScoresDoNotDependOnChunksTheCallerCannotSee() {
    corpus.document("bob-probe", bob, "private", "Probe", "nightingale zanzibarquux");
    double guessed = lexicalScore(bob, "nightingale", "bob-probe");
    double control = lexicalScore(bob, "zanzibarquux", "bob-probe");
    assertThat(guessed).isEqualTo(control);

    corpus.db.deleteFrom(DOCUMENTS).where(DOCUMENTS.ID.eq("alice-secret")).execute();
    try {
      assertThat(lexicalScore(bob, "nightingale", "bob-probe")).isEqualTo(guessed);
    } finally {
      corpus.document("alice-secret", alice, "private", "Project Nightingale",
          "Project Nightingale is the codename for the new satellite launch planned for March.");
      corpus.db.deleteFrom(DOCUMENTS).where(DOCUMENTS.ID.eq("bob-probe")).execute();
    }
  }

  private static double lexicalScore(UUID user, String query, String documentId) {
    return search(user, query, SearchMode.SEARCH_MODE_LEXICAL).stream().filter(p -> p.getDocumentId().equals(documentId))
        .findFirst().orElseThrow().getScores().getLexical();
  }

  /** Security round, finding 5: a share reaches an account only once it has verified the address shared with. */
  @Test
  void aShareReachesOnlyAnAccountThatVerifiedTheAddress() {
    UUID dave = corpus.db.insertInto(USERS).set(USERS.EMAIL, "dave@example.com").returning(USERS.ID).fetchOne(USERS.ID);
    corpus.grant("alice-shared", dave);
    assertThat(documents(search(dave, "satellite budget approved by the board", SearchMode.SEARCH_MODE_HYBRID))).doesNotContain("alice-shared");

    corpus.db.update(USERS).set(USERS.EMAIL_VERIFIED_AT, java.time.OffsetDateTime.now()).where(USERS.ID.eq(dave)).execute();
    assertThat(documents(search(dave, "satellite budget approved by the board", SearchMode.SEARCH_MODE_HYBRID))).contains("alice-shared");
  }

  /** With several intelligence instances, one at a time refreshes the planner's statistics (an advisory lock). */
  @Test
  void statisticsAreRefreshedByOneInstanceAtATime() throws Exception {
    HybridRetriever first = new HybridRetriever(corpus.db, corpus.embedder, RetrievalSettings.from(Settings.of(Map.of())));
    try (var other = corpus.database.dataSource().getConnection(); var lock = other.createStatement()) {
      other.setAutoCommit(false);
      lock.execute("SELECT pg_advisory_xact_lock(" + HybridRetriever.STATISTICS_LOCK + ")");
      assertThat(first.refreshStatistics(true)).as("another instance holds the lock").isFalse();
      other.rollback();
    }
    assertThat(first.refreshStatistics(true)).isTrue();
  }

  private static RetrievalServiceGrpc.RetrievalServiceBlockingStub as(UUID user) {
    return search.withCallCredentials(CALLS.actingFor(user));
  }

  private static List<Passage> search(UUID user, String query, SearchMode mode) {
    SearchRequest.Builder request = SearchRequest.newBuilder().setQuery(query).setTopK(10).setMode(mode);
    if (user != null) request.setUserId(user.toString());
    return as(user).search(request.build()).getPassagesList();
  }

  private static List<String> documents(List<Passage> passages) {
    return passages.stream().map(Passage::getDocumentId).distinct().toList();
  }
}
