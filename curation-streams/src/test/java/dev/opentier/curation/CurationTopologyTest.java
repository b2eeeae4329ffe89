package dev.opentier.curation;

import static dev.opentier.embedding.Vectors.cosine;
import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DEAD_LETTER_CONTENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_HOLDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opentier.curation.chunk.Chunker;
import dev.opentier.curation.curate.CurationSettings;
import dev.opentier.curation.curate.CurationStages;
import dev.opentier.curation.curate.Prose;
import dev.opentier.curation.dedup.Deduplication;
import dev.opentier.curation.index.DocumentIndex;
import dev.opentier.curation.parse.DocumentParser;
import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.CurationProfile;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import dev.opentier.platform.pipeline.Rejection;
import dev.opentier.platform.testing.ScratchDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curation logic through the production topology in a TopologyTestDriver, with the real
 * parser, model and PostgreSQL: what reaches the index, what is rejected and why, and how
 * duplicates are linked and promoted.
 */
class CurationTopologyTest {
  private static ScratchDatabase scratch;
  private static Database database;
  private static Embedder embedder;
  private static DocumentParser parser;
  private static DSLContext db;

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, DocumentEvent> documents;
  private TestOutputTopic<String, Rejection> rejected;
  private long clock = 1_000_000;

  @BeforeAll
  static void start() {
    scratch = ScratchDatabase.create();
    database = scratch.connect();
    new Migrations(database.dataSource()).apply();
    db = database.dsl();
    embedder = Embedder.create(EmbeddingSettings.from(Settings.of(Map.of())));
    parser = new DocumentParser(new DocumentParser.Limits(1 << 20, 200_000, Duration.ofSeconds(20)));
  }

  @AfterAll
  static void stop() throws Exception {
    parser.close();
    embedder.close();
    database.close();
    scratch.close();
  }

  @BeforeEach
  void buildTopology() {
    db.deleteFrom(DOCUMENTS).execute();
    startDriver(Map.of("OPENTIER_CURATION_LANGUAGES_ALLOWED", "en,de"));
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void startDriver(Map<String, String> curationSettings) {
    KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of()));
    CurationSettings curation = CurationSettings.from(Settings.of(curationSettings));
    PipelineStages stages = new PipelineStages(parser, new CurationStages(curation), new Chunker(embedder.tokenizer(), 256, 32),
        embedder, new DocumentIndex(db), new PipelineMetrics(new SimpleMeterRegistry(), embedder), Duration.ofDays(7));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "curation-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(CurationTopology.build(stages,
        new Deduplication(curation.exactDedup(), curation.nearDedup(), curation.nearThreshold(), 3), kafka), props);
    documents = driver.createInputTopic(Topics.DOCUMENTS.name(kafka), Serdes.String().serializer(), new JsonSerde<>(DocumentEvent.class).serializer());
    rejected = driver.createOutputTopic(Topics.DOCUMENTS_REJECTED.name(kafka), Serdes.String().deserializer(),
        new JsonSerde<>(Rejection.class).deserializer());
  }

  @Test
  void ordinaryProseIsIndexedWithItsCurationRecord() {
    put("lighthouse", Prose.LIGHTHOUSE);

    assertThat(status("lighthouse")).isEqualTo("indexed");
    JsonNode curation = curation("lighthouse");
    assertThat(curation.get("language").asText()).isEqualTo("en");
    assertThat(curation.at("/quality/failures").size()).isZero();
    assertThat(curation.at("/quality/measurements/words").asDouble()).isGreaterThan(50);
    assertThat(curation.get("chunks").asInt()).isEqualTo(1);
    assertThat(curation.get("textHash").asText()).hasSize(64);
    assertThat(stageNames(curation)).containsExactly("normalize", "pii", "language", "quality", "dedup");
    assertThat(curation.get("profile").asText()).isEqualTo("knowledge-base");
    // its size survives de-duplication, where the raw bytes are no longer kept
    assertThat(db.fetchValue(DOCUMENTS.SIZE_BYTES, DOCUMENTS.ID.eq("lighthouse")))
        .isEqualTo((long) Prose.LIGHTHOUSE.getBytes(StandardCharsets.UTF_8).length);
    assertThat(rejected.isEmpty()).isTrue();
  }

  @Test
  void aLowQualityDocumentIsRejectedWithTheRuleAndTheValueAndNeverIndexed() {
    put("spam", Prose.BEES + " " + "buy cheap watches online now ".repeat(40), CurationProfile.PRETRAINING);

    assertThat(status("spam")).isEqualTo("rejected");
    assertThat(db.fetchCount(CHUNKS, CHUNKS.DOCUMENT_ID.eq("spam"))).isZero();
    Rejection rejection = rejected.readValue();
    assertThat(rejection.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(rejection.stage()).isEqualTo("quality");
    assertThat(rejection.reason()).contains("top_2gram=").contains("(limit 0.2)");
    assertThat(rejection.curation().at("/quality/failures/0/rule").asText()).isNotEmpty();
    assertThat(db.fetchValue(DOCUMENTS.STATUS_REASON, DOCUMENTS.ID.eq("spam"))).startsWith("quality: ");
  }

  @Test
  void underTheKnowledgeBaseProfileRepetitionIsAFlagNotARejection() {
    put("manual", Prose.BEES + " " + "buy cheap watches online now ".repeat(40));

    assertThat(status("manual")).isEqualTo("indexed");
    JsonNode curation = curation("manual");
    assertThat(curation.at("/quality/failures").size()).isZero();
    assertThat(curation.at("/quality/flags").findValuesAsText("rule")).contains("top_2gram");
    assertThat(curation.get("stages").findValuesAsText("verdict")).contains("flagged");
    assertThat(rejected.isEmpty()).isTrue();
  }

  @Test
  void underEveryProfileADocumentWithNothingUsableIsRejected() {
    driver.close();
    startDriver(Map.of());
    put("two-words", "Hello there.", CurationProfile.KNOWLEDGE_BASE);

    assertThat(status("two-words")).isEqualTo("rejected");
    assertThat(rejected.readValue().reason()).contains("min_words=2 (limit 3)");
  }

  @Test
  void aRejectedDocumentIsIndexedAnywayFromItsRedactedHoldWithTheOverrideInItsLineage() {
    String text = Prose.BEES + " Mail jane.doe@example.com. " + "buy cheap watches online now ".repeat(40);
    put("spam", text, CurationProfile.PRETRAINING);
    assertThat(status("spam")).isEqualTo("rejected");
    byte[] held = db.fetchValue(DOCUMENT_HOLDS.EVENT, DOCUMENT_HOLDS.DOCUMENT_ID.eq("spam"));
    DocumentEvent hold = new JsonSerde<>(DocumentEvent.class).deserializer().deserialize(null, held);
    assertThat(new String(hold.content(), StandardCharsets.UTF_8)).contains("[EMAIL]").doesNotContain("jane.doe");
    UUID admin = UUID.randomUUID();
    documents.pipeInput("spam", hold.resubmitted(null, hold.curation(), new DocumentEvent.Override(admin, Instant.now(), "quality: top_2gram")),
        clock++);

    assertThat(status("spam")).isEqualTo("indexed");
    JsonNode curation = curation("spam");
    assertThat(curation.at("/override/by").asText()).isEqualTo(admin.toString());
    assertThat(curation.at("/quality/flags").findValuesAsText("rule")).contains("top_2gram");
    assertThat(db.fetchExists(DOCUMENT_HOLDS, DOCUMENT_HOLDS.DOCUMENT_ID.eq("spam"))).isFalse();
    String stored = String.join("\n", db.select(CHUNKS.TEXT).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq("spam")).fetch(CHUNKS.TEXT));
    assertThat(stored).contains("[EMAIL]").contains("waggle dance");
  }

  @Test
  void whatIsHeldOfARejectedDocumentExpiresWhileADuplicatesHoldStays() {
    put("rejected", Prose.BEES + " " + "buy cheap watches online now ".repeat(40), CurationProfile.PRETRAINING);
    put("original", Prose.VOLCANO);
    put("copy", Prose.VOLCANO);
    assertThat(status("copy")).isEqualTo("duplicate");
    assertThat(db.fetchCount(DOCUMENT_HOLDS)).isEqualTo(2);

    assertThat(new DocumentIndex(db).expireRejectedHolds(Duration.ofDays(1))).isZero();
    assertThat(new DocumentIndex(db).expireRejectedHolds(Duration.ZERO)).isEqualTo(1);

    assertThat(db.fetchExists(DOCUMENT_HOLDS, DOCUMENT_HOLDS.DOCUMENT_ID.eq("rejected"))).isFalse();
    assertThat(db.fetchExists(DOCUMENT_HOLDS, DOCUMENT_HOLDS.DOCUMENT_ID.eq("copy"))).isTrue();
  }

  @Test
  void anEventForAnotherOwnersDocumentChangesNothing() {
    put("owned", Prose.VOLCANO);
    String before = db.fetchValue(DOCUMENTS.CONTENT_HASH, DOCUMENTS.ID.eq("owned"));
    byte[] content = Prose.BEES.getBytes(StandardCharsets.UTF_8);
    documents.pipeInput("owned", new DocumentEvent(DocumentEvent.Operation.UPSERT, "owned", null, "test", "test:owned", null, "text/plain",
        DocumentEvent.Visibility.PRIVATE, UUID.randomUUID(), new HashMap<>(), sha256(content), content, null, Instant.now()), clock++);

    assertThat(db.fetchValue(DOCUMENTS.CONTENT_HASH, DOCUMENTS.ID.eq("owned"))).isEqualTo(before);
    assertThat(db.fetchValue(DOCUMENTS.VISIBILITY, DOCUMENTS.ID.eq("owned"))).isEqualTo("public");
    assertThat(db.fetchValue(DOCUMENTS.OWNER_ID, DOCUMENTS.ID.eq("owned"))).isNull();
  }

  @Test
  void aLanguageOutsideTheAllowListIsRejected() {
    put("french", """
        Le vieux phare au bout du port a été construit en 1871, quand la ville vivait encore de la pêche \
        et que la côte était connue pour ses tempêtes soudaines. Pendant plus d'un siècle, un gardien \
        montait chaque soir l'escalier étroit pour allumer la lampe et remonter le mécanisme qui faisait \
        tourner la lentille. Aujourd'hui la lumière est automatique et la tour est ouverte aux visiteurs.""");

    assertThat(status("french")).isEqualTo("rejected");
    assertThat(curation("french").get("language").asText()).isEqualTo("fr");
    assertThat(rejected.readValue().reason()).isEqualTo("language fr is not among the allowed de,en");
  }

  @Test
  void personalDataNeverReachesStoredChunksOrEmbeddings() {
    String secrets = " Contact jane.doe@example.com or call (650) 253-0000. Pay with card 4111 1111 1111 1111 "
        + "or to IBAN GB82 WEST 1234 5698 7654 32. Order 4111 1111 1111 1112 is unaffected.";
    put("contact", Prose.VOLCANO + secrets);

    String stored = String.join("\n", db.select(CHUNKS.TEXT).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq("contact")).fetch(CHUNKS.TEXT));
    assertThat(stored).doesNotContain("jane.doe@example.com", "253-0000", "4111 1111 1111 1111", "GB82 WEST")
        .contains("[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]")
        .contains("4111 1111 1111 1112");
    JsonNode pii = curation("contact").get("pii");
    assertThat(pii.get("EMAIL").asInt()).isEqualTo(1);
    assertThat(pii.get("CARD").asInt()).isEqualTo(1);
    // The embedding is of the redacted text.
    float[] embedded = db.select(CHUNKS.EMBEDDING).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq("contact")).fetchOne(CHUNKS.EMBEDDING);
    var redacted = db.select(CHUNKS.CONTEXT, CHUNKS.TEXT).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq("contact")).fetchOne();
    String embeddedText = redacted.value1().isEmpty() ? redacted.value2() : redacted.value1() + "\n" + redacted.value2();
    assertThat(cosine(embedded, embedder.embedAll(List.of(embeddedText)).getFirst())).isGreaterThan(0.999);
  }

  @Test
  void aDeadLetterNeverCarriesBytesNothingRedactedTheyAreKeptApartUntilTheyExpire() {
    db.deleteFrom(DEAD_LETTER_CONTENTS).execute();
    KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of()));
    TestOutputTopic<String, byte[]> letters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(kafka), Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
    // Not valid text (a NUL byte), so it fails before the PII stage could read and redact it.
    put("broken", "Write to jane.doe@example.com or call (650) 253-0000.\u0000 Card 4111 1111 1111 1111.");

    assertThat(status("broken")).isEqualTo("failed");
    byte[] record = letters.readValue();
    assertThat(new String(record, StandardCharsets.UTF_8)).doesNotContain("jane.doe", "253-0000", "4111 1111");
    DeadLetter letter = new JsonSerde<>(DeadLetter.class).deserializer().deserialize("", record);
    assertThat(letter.original().content()).isEmpty();
    assertThat(letter.contentRef()).startsWith("event:broken:");
    assertThat(letter.contentExpiresAt()).isBetween(Instant.now().plus(Duration.ofDays(6)), Instant.now().plus(Duration.ofDays(8)));
    assertThat(letter.replayable(Instant.now())).isTrue();
    byte[] kept = db.fetchValue(DEAD_LETTER_CONTENTS.CONTENT, DEAD_LETTER_CONTENTS.ID.eq(letter.contentRef()));
    assertThat(Topics.DOCUMENTS.valueSerde().deserializer().deserialize("", kept).content())
        .isEqualTo("Write to jane.doe@example.com or call (650) 253-0000.\u0000 Card 4111 1111 1111 1111.".getBytes(StandardCharsets.UTF_8));

    // once expired, the bytes are deleted and the letter can no longer be replayed
    db.update(DEAD_LETTER_CONTENTS).set(DEAD_LETTER_CONTENTS.EXPIRES_AT, OffsetDateTime.now().minusMinutes(1)).execute();
    assertThat(new DocumentIndex(db).expireDeadLetterContents()).isEqualTo(1);
    assertThat(db.fetchCount(DEAD_LETTER_CONTENTS)).isZero();
    assertThat(letter.replayable(letter.contentExpiresAt().plusSeconds(1))).isFalse();
  }

  /**
   * Personal data planted in every kind of document that leaves something at rest (a rejected
   * document's hold, a duplicate's hold, a dead letter of a document failing before and after it
   * could be redacted, the rejections topic) is in none of them.
   */
  @Test
  void noHoldAndNoDeadLetterKeepsPersonalDataThePiiStageRedacts() {
    KafkaSettings kafka = KafkaSettings.from(Settings.of(Map.of()));
    TestOutputTopic<String, byte[]> letters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(kafka), Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
    TestOutputTopic<String, byte[]> rejections = driver.createOutputTopic(Topics.DOCUMENTS_REJECTED.name(kafka), Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
    String personal = " Write to jane.doe@example.com or call (650) 253-0000; pay with card 4111 1111 1111 1111.";
    put("spam", Prose.BEES + personal + " buy cheap watches online now".repeat(40), CurationProfile.PRETRAINING);
    put("original", Prose.VOLCANO + personal);
    put("copy", Prose.VOLCANO + personal);
    put("binary", "Broken text." + personal + "\u0000");
    put("two-words", "Hello there." + personal);
    assertThat(List.of(status("spam"), status("copy"), status("binary"))).containsExactly("rejected", "duplicate", "failed");

    List<String> atRest = new java.util.ArrayList<>();
    db.select(DOCUMENT_HOLDS.EVENT).from(DOCUMENT_HOLDS).fetch(DOCUMENT_HOLDS.EVENT).forEach(held -> atRest.add(readable(held)));
    letters.readValuesToList().forEach(letter -> atRest.add(readable(letter)));
    rejections.readValuesToList().forEach(rejection -> atRest.add(readable(rejection)));
    assertThat(atRest).hasSizeGreaterThanOrEqualTo(4);
    assertThat(atRest).allSatisfy(text -> assertThat(text).doesNotContain("jane.doe@example.com", "253-0000", "4111 1111 1111 1111"));
  }

  /** Stored bytes as text, with held contents (base64 in JSON) decoded too. */
  private static String readable(byte[] stored) {
    String text = new String(stored, StandardCharsets.UTF_8);
    StringBuilder decoded = new StringBuilder(text);
    java.util.regex.Matcher base64 = java.util.regex.Pattern.compile("\"([A-Za-z0-9+/]{40,}={0,2})\"").matcher(text);
    while (base64.find()) decoded.append('\n').append(new String(java.util.Base64.getDecoder().decode(base64.group(1)), StandardCharsets.UTF_8));
    return decoded.toString();
  }

  @Test
  void piiModeRejectRejectsTheDocument() {
    driver.close();
    startDriver(Map.of("OPENTIER_PII_MODE", "reject"));

    put("contact", Prose.VOLCANO + " Write to jane.doe@example.com for details.");

    assertThat(status("contact")).isEqualTo("rejected");
    assertThat(rejected.readValue().reason()).isEqualTo("contains personal data: 1 email");
  }

  @Test
  void exactAndNearDuplicatesAreLinkedToTheOriginalAndAnUnrelatedArticleIsNot() {
    String article = Prose.LIGHTHOUSE + "\n\n" + Prose.VOLCANO;
    put("original.txt", article);
    put("copy-under-another-name.txt", article);
    put("edited.txt", article.replace("For more than a century a keeper climbed", "For many decades   a paid keeper\n climbed")
        .replace("  ", "   "));
    put("bumble-bees.txt", Prose.BEES + "\n\n" + Prose.BEES_OTHER);

    assertThat(status("original.txt")).isEqualTo("indexed");
    assertThat(status("copy-under-another-name.txt")).isEqualTo("duplicate");
    assertThat(db.fetchValue(DOCUMENTS.DUPLICATE_OF, DOCUMENTS.ID.eq("copy-under-another-name.txt"))).isEqualTo("original.txt");
    assertThat(db.fetchValue(DOCUMENTS.STATUS_REASON, DOCUMENTS.ID.eq("copy-under-another-name.txt")))
        .isEqualTo("exact-dedup: exact duplicate of original.txt");
    assertThat(status("edited.txt")).isEqualTo("duplicate");
    assertThat(db.fetchValue(DOCUMENTS.DUPLICATE_OF, DOCUMENTS.ID.eq("edited.txt"))).isEqualTo("original.txt");
    assertThat(curation("edited.txt").get("similarity").asDouble()).isBetween(0.8, 0.99);
    assertThat(status("bumble-bees.txt")).isEqualTo("indexed");
    assertThat(db.fetchCount(CHUNKS, CHUNKS.DOCUMENT_ID.in("copy-under-another-name.txt", "edited.txt"))).isZero();
    assertThat(rejected.readValuesToList()).extracting(Rejection::duplicateOf).containsExactly("original.txt", "original.txt");
  }

  @Test
  void aCopyAlreadyIndexedStaysCanonicalWhenAnEarlierSubmittedCopyArrivesLater() {
    String article = Prose.BEES + "\n\n" + Prose.LIGHTHOUSE;
    // Submitted later, but indexed first: it is not taken out of the index again.
    put("later-copy.txt", article, Instant.ofEpochSecond(2_000));
    put("earlier-original.txt", article, Instant.ofEpochSecond(1_000));

    assertThat(status("later-copy.txt")).isEqualTo("indexed");
    assertThat(status("earlier-original.txt")).isEqualTo("duplicate");
    assertThat(db.fetchValue(DOCUMENTS.DUPLICATE_OF, DOCUMENTS.ID.eq("earlier-original.txt"))).isEqualTo("later-copy.txt");
    assertThat(db.fetchCount(CHUNKS, CHUNKS.DOCUMENT_ID.eq("earlier-original.txt"))).isZero();
  }

  @Test
  void deletingTheCanonicalDocumentPromotesItsDuplicate() {
    put("original.txt", Prose.VOLCANO);
    put("copy.txt", Prose.VOLCANO);
    assertThat(status("copy.txt")).isEqualTo("duplicate");

    documents.pipeInput("original.txt", DocumentEvent.delete("original.txt", null, "test", "test:original.txt"), clock++);

    assertThat(db.fetchExists(DOCUMENTS, DOCUMENTS.ID.eq("original.txt"))).isFalse();
    assertThat(status("copy.txt")).isEqualTo("indexed");
    assertThat(db.fetchCount(CHUNKS, CHUNKS.DOCUMENT_ID.eq("copy.txt"))).isPositive();
    // The promoted copy is now the canonical one: a third copy is its duplicate.
    put("third.txt", Prose.VOLCANO);
    assertThat(db.fetchValue(DOCUMENTS.DUPLICATE_OF, DOCUMENTS.ID.eq("third.txt"))).isEqualTo("copy.txt");
  }

  @Test
  void aPrivateDocumentIsNeverTheCanonicalCopyOfSomeoneElsesDocument() {
    put("mine.txt", Prose.BEES, Instant.ofEpochSecond(1), DocumentEvent.Visibility.PRIVATE);
    put("public.txt", Prose.BEES, Instant.ofEpochSecond(2), DocumentEvent.Visibility.PUBLIC);

    assertThat(status("mine.txt")).isEqualTo("indexed");
    assertThat(status("public.txt")).isEqualTo("indexed");
  }

  @Test
  void withCurationOffEverythingIsIndexedAsIs() {
    driver.close();
    startDriver(Map.of("OPENTIER_CURATION", "off"));

    put("a.txt", "Hi.");
    put("b.txt", "Hi.");

    assertThat(status("a.txt")).isEqualTo("indexed");
    assertThat(status("b.txt")).isEqualTo("indexed");
    assertThat(stageNames(curation("a.txt"))).isEmpty();
  }

  private void put(String id, String text) {
    put(id, text, Instant.ofEpochMilli(clock), DocumentEvent.Visibility.PUBLIC);
  }

  private void put(String id, String text, CurationProfile profile) {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    documents.pipeInput(id, new DocumentEvent(DocumentEvent.Operation.UPSERT, id, null, "test", "test:" + id, null, "text/plain",
        DocumentEvent.Visibility.PUBLIC, null, new HashMap<>(), sha256(content), content, null, Instant.ofEpochMilli(clock), profile, null),
        clock++);
  }

  private void put(String id, String text, Instant submitted) {
    put(id, text, submitted, DocumentEvent.Visibility.PUBLIC);
  }

  private void put(String id, String text, Instant submitted, DocumentEvent.Visibility visibility) {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    documents.pipeInput(id, new DocumentEvent(DocumentEvent.Operation.UPSERT, id, null, "test", "test:" + id, null, "text/plain",
        visibility, null, new HashMap<>(), sha256(content), content, null, submitted), clock++);
  }

  private static String status(String id) {
    return db.fetchValue(DOCUMENTS.STATUS, DOCUMENTS.ID.eq(id));
  }

  private static JsonNode curation(String id) {
    try {
      return JsonSerde.MAPPER.readTree(db.fetchValue(DOCUMENTS.CURATION, DOCUMENTS.ID.eq(id)).data());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> stageNames(JsonNode curation) {
    List<String> names = new java.util.ArrayList<>();
    curation.path("stages").forEach(stage -> names.add(stage.get("stage").asText()));
    return names;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
