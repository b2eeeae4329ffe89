package dev.opentier.curation.index;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DEAD_LETTER_CONTENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_HOLDS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOBS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_PROGRESS;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opentier.curation.Work;
import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.curate.QualityRules;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The pipeline's sink: writes what the pipeline concluded for a document into PostgreSQL, one
 * transaction per document version. Writes are idempotent, so a record replayed after a crash
 * (at-least-once delivery) changes nothing: chunk ids are deterministic, and a job counts each of
 * its documents once.
 */
public final class DocumentIndex {
  private static final JsonSerde<DocumentEvent> EVENTS = new JsonSerde<>(DocumentEvent.class);
  private final DSLContext dsl;

  public DocumentIndex(DSLContext dsl) {
    this.dsl = dsl;
  }

  /** The chunk id for a position of a document version: the same on every replay. */
  public static UUID chunkId(String documentId, String version, int position) {
    return UUID.nameUUIDFromBytes((documentId + '\u0000' + version + '\u0000' + position).getBytes(StandardCharsets.UTF_8));
  }

  /** True when this version of the document is the indexed one. */
  public boolean isCurrent(String documentId, String contentHash) {
    return contentHash != null && dsl.fetchExists(DOCUMENTS,
        DOCUMENTS.ID.eq(documentId).and(DOCUMENTS.CONTENT_HASH.eq(contentHash)).and(DOCUMENTS.STATUS.eq("indexed")));
  }

  /**
   * Writes the work's outcome and returns the work, concluded (INDEXED or DELETED when it was not
   * yet), with the duplicates to submit again when the document stopped being their canonical copy.
   */
  public Work write(Work work) {
    Work concluded = work.concluded() ? work : work.conclude(work.event().isDelete() ? Outcome.DELETED : Outcome.INDEXED, "index", null);
    if (!work.event().isDelete() && belongsToAnother(work.event())) {
      // Ids are namespaced by owner, so only a forged or corrupted event gets here: it changes nothing.
      Work refused = work.conclude(Outcome.FAILED, "index", "the document id belongs to another owner's document; nothing was changed");
      dsl.transaction(tx -> recordOutcome(tx.dsl(), refused));
      return refused;
    }
    try {
      List<DocumentEvent> promotions = dsl.transactionResult(tx -> {
        DSLContext db = tx.dsl();
        String id = concluded.event().documentId();
        List<DocumentEvent> promoted = switch (concluded.outcome()) {
          case INDEXED -> {
            // Duplicates judged against an earlier version of this document are judged again.
            String previous = db.select(DOCUMENTS.CONTENT_HASH).from(DOCUMENTS)
                .where(DOCUMENTS.ID.eq(id)).and(DOCUMENTS.STATUS.eq("indexed")).fetchOne(DOCUMENTS.CONTENT_HASH);
            replaceVersion(db, concluded);
            yield previous == null || previous.equals(concluded.event().contentHash()) ? List.<DocumentEvent>of() : duplicatesOf(db, id, false);
          }
          case DELETED -> {
            db.deleteFrom(DOCUMENTS).where(DOCUMENTS.ID.eq(id)).execute();
            yield duplicatesOf(db, id, true);
          }
          case REJECTED, DUPLICATE -> {
            recordCuratedOut(db, concluded);
            yield duplicatesOf(db, id, false);
          }
          case FAILED -> {
            recordFailedVersion(db, concluded);
            yield List.of();
          }
          case UNCHANGED -> List.of();
        };
        recordOutcome(db, concluded);
        return promoted;
      });
      return concluded.withPromotions(promotions);
    } catch (DataAccessException e) {
      if (!isDataError(e)) throw e; // the database is down or busy: the record is retried
      // The data itself cannot be stored (a value PostgreSQL refuses): this document fails, once.
      Work failed = work.conclude(Outcome.FAILED, "index", "the database refused the document: " + firstLine(e));
      dsl.transaction(tx -> {
        recordFailedVersion(tx.dsl(), failed);
        recordOutcome(tx.dsl(), failed);
      });
      return failed;
    }
  }

  /**
   * Forgets what was held of rejected documents longer ago than {@code retention}: after it, such a
   * document can no longer be indexed anyway (its owner ingests it again). A duplicate's hold stays
   * as long as it is a duplicate: it is what is promoted when its canonical document goes away.
   *
   * @return how many holds were removed
   */
  public int expireRejectedHolds(Duration retention) {
    OffsetDateTime before = OffsetDateTime.now().minus(retention);
    return dsl.deleteFrom(DOCUMENT_HOLDS)
        .where(DOCUMENT_HOLDS.HELD_AT.lt(before))
        .and(DOCUMENT_HOLDS.DOCUMENT_ID.in(DSL.select(DOCUMENTS.ID).from(DOCUMENTS).where(DOCUMENTS.STATUS.eq("rejected"))))
        .execute();
  }

  /**
   * Keeps bytes a dead letter must not carry until {@code expires}; idempotent (a replayed stream
   * task keeps the same bytes under the same id, and the later expiry wins).
   */
  public void keepDeadLetterContent(String ref, byte[] content, OffsetDateTime expires) {
    dsl.insertInto(DEAD_LETTER_CONTENTS)
        .set(DEAD_LETTER_CONTENTS.ID, ref)
        .set(DEAD_LETTER_CONTENTS.CONTENT, content)
        .set(DEAD_LETTER_CONTENTS.EXPIRES_AT, expires)
        .onConflict(DEAD_LETTER_CONTENTS.ID)
        .doUpdate().set(DEAD_LETTER_CONTENTS.EXPIRES_AT, DSL.greatest(DEAD_LETTER_CONTENTS.EXPIRES_AT, DSL.excluded(DEAD_LETTER_CONTENTS.EXPIRES_AT)))
        .execute();
  }

  /** Deletes the dead letters' kept bytes that have expired; how many. */
  public int expireDeadLetterContents() {
    return dsl.deleteFrom(DEAD_LETTER_CONTENTS).where(DEAD_LETTER_CONTENTS.EXPIRES_AT.le(OffsetDateTime.now())).execute();
  }

  private boolean belongsToAnother(DocumentEvent event) {
    return dsl.fetchExists(DOCUMENTS, DOCUMENTS.ID.eq(event.documentId()).and(DOCUMENTS.OWNER_ID.isDistinctFrom(event.ownerId())));
  }

  /**
   * Upserts the document row and replaces its chunk set in one transaction: a concurrent reader
   * sees the old set or the new one, never both, and the document never disappears in between.
   */
  private void replaceVersion(DSLContext db, Work work) {
    DocumentEvent event = work.event();
    List<Chunk> chunks = work.chunks();
    upsertDocument(db, work, "indexed", null, null, chunks.size(), OffsetDateTime.now());
    db.deleteFrom(CHUNKS)
        .where(CHUNKS.DOCUMENT_ID.eq(event.documentId()))
        .and(CHUNKS.DOCUMENT_VERSION.ne(event.contentHash()))
        .execute();
    List<Query> inserts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      Chunk chunk = chunks.get(i);
      inserts.add(db.insertInto(CHUNKS)
          .set(CHUNKS.ID, chunkId(event.documentId(), event.contentHash(), chunk.position()))
          .set(CHUNKS.DOCUMENT_ID, event.documentId())
          .set(CHUNKS.DOCUMENT_VERSION, event.contentHash())
          .set(CHUNKS.POSITION, chunk.position())
          .set(CHUNKS.TEXT, clean(chunk.text()))
          .set(CHUNKS.CONTEXT, clean(chunk.context()))
          .set(CHUNKS.TOKEN_COUNT, chunk.tokenCount())
          .set(CHUNKS.HEADING_PATH, chunk.headingPath().stream().map(DocumentIndex::clean).toArray(String[]::new))
          .set(CHUNKS.START_OFFSET, chunk.start())
          .set(CHUNKS.END_OFFSET, chunk.end())
          .set(CHUNKS.PAGE, chunk.page())
          .set(CHUNKS.EMBEDDING, work.vectors().get(i))
          // any unique key: the same id, or the same (document, version, position) under an id
          // derived before the document's id was migrated (V13)
          .onConflictDoNothing());
    }
    db.batch(inserts).execute();
    db.deleteFrom(DOCUMENT_HOLDS).where(DOCUMENT_HOLDS.DOCUMENT_ID.eq(event.documentId())).execute();
  }

  /**
   * A version the curation stages kept out (rejected, or a duplicate): the document is listed with
   * its reason and curation record, and has no chunks. What it was made of is held, parsed and
   * PII-redacted, never as its raw bytes: a duplicate's so it can be judged again when its
   * canonical document goes away, a rejected one's so its owner can have it indexed anyway.
   */
  private void recordCuratedOut(DSLContext db, Work work) {
    DocumentEvent event = work.event();
    boolean duplicate = work.outcome() == Outcome.DUPLICATE;
    OffsetDateTime now = OffsetDateTime.now();
    upsertDocument(db, work, duplicate ? "duplicate" : "rejected", clean(work.stage() + ": " + work.reason()),
        duplicate ? canonical(db, work.curation().duplicateOf()) : null, 0, null);
    db.deleteFrom(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq(event.documentId())).execute();
    if (work.parsed() == null) {
      // (curation stages run after the PII stage: what they reject or find duplicate is redacted)
      db.deleteFrom(DOCUMENT_HOLDS).where(DOCUMENT_HOLDS.DOCUMENT_ID.eq(event.documentId())).execute();
      return;
    }
    byte[] held = EVENTS.serializer().serialize(null, work.held());
    db.insertInto(DOCUMENT_HOLDS)
        .set(DOCUMENT_HOLDS.DOCUMENT_ID, event.documentId())
        .set(DOCUMENT_HOLDS.EVENT, held)
        .onConflict(DOCUMENT_HOLDS.DOCUMENT_ID).doUpdate()
        .set(DOCUMENT_HOLDS.EVENT, held)
        .set(DOCUMENT_HOLDS.HELD_AT, now)
        .execute();
  }


  /** Writes the document row of this version, whatever its outcome; its chunks are written apart. */
  private static void upsertDocument(DSLContext db, Work work, String status, String reason, String duplicateOf, int chunkCount,
      OffsetDateTime indexedAt) {
    DocumentEvent event = work.event();
    Map<Field<?>, Object> version = new LinkedHashMap<>();
    version.put(DOCUMENTS.SOURCE, nonNull(event.source()));
    version.put(DOCUMENTS.URI, nonNull(event.uri()));
    version.put(DOCUMENTS.TITLE, clean(work.parsed() != null ? work.parsed().title() : event.title()));
    version.put(DOCUMENTS.MIME_TYPE, work.parsed() != null ? work.parsed().mediaType() : event.mediaType());
    version.put(DOCUMENTS.CONTENT_HASH, event.contentHash());
    version.put(DOCUMENTS.TEXT_HASH, work.curation().textHash());
    version.put(DOCUMENTS.STATUS, status);
    version.put(DOCUMENTS.STATUS_REASON, reason);
    version.put(DOCUMENTS.DUPLICATE_OF, duplicateOf);
    version.put(DOCUMENTS.LANGUAGE, work.curation().language());
    version.put(DOCUMENTS.SIZE_BYTES, work.contentBytes());
    version.put(DOCUMENTS.CHUNK_COUNT, chunkCount);
    version.put(DOCUMENTS.METADATA, json(event.metadata()));
    version.put(DOCUMENTS.CURATION, curation(work));
    if (event.jobId() != null) version.put(DOCUMENTS.LAST_JOB_ID, event.jobId()); // a promotion keeps the job that brought it
    version.put(DOCUMENTS.INDEXED_AT, indexedAt);
    // Owner and visibility are set when the document is first stored and never by a later version:
    // visibility is its owner's to change (query-api), and ids are namespaced by owner
    // (DocumentIds.owned), so a version of someone else's document cannot arrive here; the guard
    // keeps even a forged event from taking one over.
    db.insertInto(DOCUMENTS)
        .set(DOCUMENTS.ID, event.documentId())
        .set(DOCUMENTS.OWNER_ID, event.ownerId())
        .set(DOCUMENTS.VISIBILITY, visibility(event))
        .set(version)
        .onConflict(DOCUMENTS.ID).doUpdate()
        .set(version)
        .set(DOCUMENTS.UPDATED_AT, OffsetDateTime.now())
        .where(DOCUMENTS.OWNER_ID.isNotDistinctFrom(event.ownerId()))
        .execute();
  }

  /** The end of a chain of duplicates (a duplicate of a duplicate links to the first's canonical copy). */
  private static String canonical(DSLContext db, String documentId) {
    String current = documentId;
    for (int hop = 0; hop < 16; hop++) {
      var row = db.select(DOCUMENTS.STATUS, DOCUMENTS.DUPLICATE_OF).from(DOCUMENTS).where(DOCUMENTS.ID.eq(current)).fetchOne();
      if (row == null || !"duplicate".equals(row.value1()) || row.value2() == null || row.value2().equals(documentId)) return current;
      current = row.value2();
    }
    return current;
  }

  /**
   * The held duplicates of a document that is no longer their canonical copy, as events to submit
   * again (outside any job). After a delete, duplicates whose canonical document does not exist
   * are included too: a replay of the delete finds them again, so none is left behind.
   */
  private static List<DocumentEvent> duplicatesOf(DSLContext db, String documentId, boolean andOrphans) {
    Condition linked = DOCUMENTS.DUPLICATE_OF.eq(documentId);
    if (andOrphans) {
      var canonical = DOCUMENTS.as("canonical");
      linked = linked.or(DSL.notExists(DSL.selectOne().from(canonical).where(canonical.ID.eq(DOCUMENTS.DUPLICATE_OF))));
    }
    return db.select(DOCUMENT_HOLDS.EVENT)
        .from(DOCUMENT_HOLDS)
        .join(DOCUMENTS).on(DOCUMENTS.ID.eq(DOCUMENT_HOLDS.DOCUMENT_ID))
        .where(DOCUMENTS.STATUS.eq("duplicate"))
        .and(linked)
        .orderBy(DOCUMENTS.ID)
        // outside any job, submitted when it first was (which copy is canonical depends on it)
        .fetch(record -> EVENTS.deserializer().deserialize(null, record.value1()).inJob(null));
  }

  /** A failed version never replaces an indexed one; a document that never indexed is listed as failed. */
  private void recordFailedVersion(DSLContext db, Work work) {
    DocumentEvent event = work.event();
    if (event.isDelete()) return;
    String reason = clean(work.stage() + ": " + work.reason());
    db.insertInto(DOCUMENTS)
        .set(DOCUMENTS.ID, event.documentId())
        .set(DOCUMENTS.OWNER_ID, event.ownerId())
        .set(DOCUMENTS.VISIBILITY, visibility(event))
        .set(DOCUMENTS.SOURCE, nonNull(event.source()))
        .set(DOCUMENTS.URI, nonNull(event.uri()))
        .set(DOCUMENTS.TITLE, clean(event.title()))
        .set(DOCUMENTS.CONTENT_HASH, event.contentHash() == null ? "none" : event.contentHash())
        .set(DOCUMENTS.STATUS, "failed")
        .set(DOCUMENTS.STATUS_REASON, reason)
        .set(DOCUMENTS.SIZE_BYTES, event.content() == null ? null : work.contentBytes())
        .set(DOCUMENTS.METADATA, json(event.metadata()))
        .set(DOCUMENTS.LAST_JOB_ID, event.jobId())
        .set(DOCUMENTS.CURATION, curation(work))
        .onConflict(DOCUMENTS.ID).doUpdate()
        .set(DOCUMENTS.STATUS_REASON, reason)
        .set(DOCUMENTS.CURATION, curation(work))
        .set(DOCUMENTS.CONTENT_HASH, event.contentHash() == null ? "none" : event.contentHash())
        .set(DOCUMENTS.LAST_JOB_ID, event.jobId())
        .set(DOCUMENTS.UPDATED_AT, OffsetDateTime.now())
        .where(DOCUMENTS.STATUS.eq("failed"))
        .execute();
  }

  /** Counts the document in its job once: the (job, document) row is the proof it was counted. */
  private void recordOutcome(DSLContext db, Work work) {
    UUID job = work.event().jobId();
    if (job == null || !db.fetchExists(INGESTION_JOBS, INGESTION_JOBS.ID.eq(job))) return;
    int chunks = work.outcome() == Outcome.INDEXED ? work.chunks().size() : 0;
    long bytes = work.contentBytes();
    int inserted = db.insertInto(INGESTION_JOB_DOCUMENTS)
        .set(INGESTION_JOB_DOCUMENTS.JOB_ID, job)
        .set(INGESTION_JOB_DOCUMENTS.DOCUMENT_ID, work.event().documentId())
        .set(INGESTION_JOB_DOCUMENTS.OUTCOME, work.outcome().name().toLowerCase(Locale.ROOT))
        .set(INGESTION_JOB_DOCUMENTS.STAGE, work.stage())
        .set(INGESTION_JOB_DOCUMENTS.REASON, clean(work.reason()))
        .set(INGESTION_JOB_DOCUMENTS.CHUNKS, chunks)
        .set(INGESTION_JOB_DOCUMENTS.BYTES, bytes)
        .set(INGESTION_JOB_DOCUMENTS.RULES, rules(work))
        .onConflictDoNothing()
        .execute();
    if (inserted == 0) return;
    Field<Integer> counter = switch (work.outcome()) {
      case INDEXED -> INGESTION_JOB_PROGRESS.INDEXED;
      case UNCHANGED -> INGESTION_JOB_PROGRESS.UNCHANGED;
      case REJECTED -> INGESTION_JOB_PROGRESS.REJECTED;
      case DUPLICATE -> INGESTION_JOB_PROGRESS.DUPLICATE;
      case FAILED -> INGESTION_JOB_PROGRESS.FAILED;
      case DELETED -> INGESTION_JOB_PROGRESS.DELETED;
    };
    StagesPassed passed = StagesPassed.of(work);
    db.insertInto(INGESTION_JOB_PROGRESS)
        .set(INGESTION_JOB_PROGRESS.JOB_ID, job)
        .set(counter, 1)
        .set(INGESTION_JOB_PROGRESS.CHUNKS, chunks)
        .set(INGESTION_JOB_PROGRESS.BYTES, bytes)
        .set(INGESTION_JOB_PROGRESS.RECEIVED, 1)
        .set(INGESTION_JOB_PROGRESS.PARSED, passed.parsed())
        .set(INGESTION_JOB_PROGRESS.CHUNKED, passed.chunked())
        .set(INGESTION_JOB_PROGRESS.EMBEDDED, passed.embedded())
        .onConflict(INGESTION_JOB_PROGRESS.JOB_ID).doUpdate()
        .set(counter, counter.plus(1))
        .set(INGESTION_JOB_PROGRESS.RECEIVED, INGESTION_JOB_PROGRESS.RECEIVED.plus(1))
        .set(INGESTION_JOB_PROGRESS.PARSED, INGESTION_JOB_PROGRESS.PARSED.plus(passed.parsed()))
        .set(INGESTION_JOB_PROGRESS.CHUNKED, INGESTION_JOB_PROGRESS.CHUNKED.plus(passed.chunked()))
        .set(INGESTION_JOB_PROGRESS.EMBEDDED, INGESTION_JOB_PROGRESS.EMBEDDED.plus(passed.embedded()))
        .set(INGESTION_JOB_PROGRESS.CHUNKS, INGESTION_JOB_PROGRESS.CHUNKS.plus(chunks))
        .set(INGESTION_JOB_PROGRESS.BYTES, INGESTION_JOB_PROGRESS.BYTES.plus(bytes))
        .set(INGESTION_JOB_PROGRESS.UPDATED_AT, DSL.currentOffsetDateTime())
        .execute();
  }

  /** The rules behind a rejection (each failed quality rule), or the stage that concluded the document. */
  private static String[] rules(Work work) {
    if (work.outcome() == Outcome.REJECTED && "quality".equals(work.stage()) && work.curation().quality() != null) {
      return work.curation().quality().failures().stream().map(QualityRules.Failure::rule).toArray(String[]::new);
    }
    return work.stage() == null || work.outcome() == Outcome.INDEXED ? new String[0] : new String[] {work.stage()};
  }

  private static JSONB curation(Work work) {
    try {
      return JSONB.valueOf(clean(JsonSerde.MAPPER.writeValueAsString(work.curation())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a curation record must serialise", e);
    }
  }

  /** Which stages a concluded document went through (1 or 0 each), for the job's stage counters. */
  record StagesPassed(int parsed, int chunked, int embedded) {
    static StagesPassed of(Work work) {
      return new StagesPassed(work.parsed() != null ? 1 : 0, work.chunks() != null ? 1 : 0, work.vectors() != null ? 1 : 0);
    }
  }

  private static String visibility(DocumentEvent event) {
    return event.visibility().name().toLowerCase(Locale.ROOT);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  /** PostgreSQL text cannot hold NUL characters; documents sometimes do. */
  static String clean(String value) {
    return value == null ? null : value.replace("\u0000", "");
  }

  private static JSONB json(Map<String, Object> metadata) {
    try {
      return JSONB.valueOf(clean(JsonSerde.MAPPER.writeValueAsString(metadata == null ? Map.of() : metadata)));
    } catch (JsonProcessingException e) {
      return JSONB.valueOf("{}");
    }
  }

  private static boolean isDataError(DataAccessException e) {
    String state = e.sqlState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
