package dev.opentier.ingest.job;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_HOLDS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOBS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_PROGRESS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opentier.ingest.source.DocumentIds;
import dev.opentier.ingest.source.Source;
import dev.opentier.ingest.source.SourceDocument;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.CurationProfile;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;

/**
 * The ingest library: turns a source into an ingestion job, produces its documents onto
 * {@code opentier.documents} (the only way documents enter the pipeline), and reports the job's
 * progress as the pipeline concludes each document. The CLI and query-api's uploads both use it.
 * Thread-safe; one instance per process.
 */
public final class Ingestion implements AutoCloseable {
  /**
   * Who submits and how the documents are to be stored.
   *
   * @param curation the curation profile of the job's documents; null: the source kind's default
   *     ({@link CurationProfile#defaultFor(String)})
   */
  public record Options(DocumentEvent.Visibility visibility, UUID ownerId, UUID createdBy, boolean sync, CurationProfile curation) {
    public Options(DocumentEvent.Visibility visibility, UUID ownerId, UUID createdBy, boolean sync) {
      this(visibility, ownerId, createdBy, sync, null);
    }
  }

  /** Called as documents are produced (the CLI draws its progress bar with it). */
  public interface Listener {
    void produced(int documents, long bytes);
  }

  private final DSLContext db;
  private final KafkaProducer<String, DocumentEvent> producer;
  private final String documentsTopic;

  public Ingestion(DSLContext db, KafkaSettings kafka) {
    this.db = db;
    this.documentsTopic = Topics.DOCUMENTS.name(kafka);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "opentier-ingest");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 33 * 1024 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer = new KafkaProducer<>(props, Topics.DOCUMENTS.keySerde().serializer(), Topics.DOCUMENTS.valueSerde().serializer());
  }

  /** The id of the user with this e-mail address, for {@code --owner}. */
  public UUID userIdByEmail(String email) {
    UUID id = db.select(USERS.ID).from(USERS).where(org.jooq.impl.DSL.lower(USERS.EMAIL).eq(email.toLowerCase())).fetchOne(USERS.ID);
    if (id == null) throw new IllegalArgumentException("no user has the e-mail address " + email);
    return id;
  }

  /**
   * Creates a job, produces every document of the source, and with {@code sync} a delete for each
   * document of this source that is no longer there. Returns the job id once everything is on the
   * topic (acknowledged by the broker); the pipeline then works through it.
   */
  public UUID submit(Source source, Options options, Listener listener) throws IOException {
    UUID job = createJob(source.kind(), source.name(), options);
    submitInto(job, source, options, listener);
    return job;
  }

  /**
   * Creates the job of a source that is read later ({@link #submitInto}): a caller that must answer
   * at once (a crawl started over HTTP) has the job id before the first document is read.
   */
  public UUID createJob(Source source, Options options) {
    return createJob(source.kind(), source.name(), options);
  }

  /** Reads the source into a job made by {@link #createJob(Source, Options)}; a failure marks the job failed. */
  public void submitInto(UUID job, Source source, Options options, Listener listener) throws IOException {
    AtomicInteger documents = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    Set<String> seen = new HashSet<>();
    Sends sends = new Sends();
    try {
      source.forEach(document -> {
        if (sends.failed()) return;
        DocumentEvent event = upsert(job, source, document, options);
        if (!seen.add(event.documentId())) return; // the same document twice in one source: once is enough
        sends.send(event);
        listener.produced(documents.incrementAndGet(), bytes.addAndGet(document.size()));
      });
      int deletes = options.sync() ? produceDeletesForMissing(job, source.name(), options.ownerId(), seen, sends) : 0;
      sends.awaitAcknowledged();
      finishJob(job, documents.get(), deletes, bytes.get());
    } catch (IOException | RuntimeException e) {
      failJob(job, e.getMessage());
      throw e;
    }
  }

  /** Deletes documents by id or URI, as one job. Unknown ones are reported, not produced. */
  public UUID delete(List<String> idsOrUris, UUID createdBy) {
    UUID job = createJob("delete", "delete", new Options(DocumentEvent.Visibility.PRIVATE, null, createdBy, false));
    Sends sends = new Sends();
    List<String> unknown = new ArrayList<>();
    for (String given : idsOrUris) {
      Record row = db.select(DOCUMENTS.ID, DOCUMENTS.SOURCE, DOCUMENTS.URI).from(DOCUMENTS)
          .where(DOCUMENTS.ID.eq(given).or(DOCUMENTS.URI.eq(given))).limit(1).fetchOne();
      if (row == null) {
        unknown.add(given);
        continue;
      }
      sends.send(DocumentEvent.delete(row.get(DOCUMENTS.ID), job, row.get(DOCUMENTS.SOURCE), row.get(DOCUMENTS.URI)));
    }
    sends.awaitAcknowledged();
    if (!unknown.isEmpty()) {
      db.update(INGESTION_JOBS)
          .set(INGESTION_JOBS.SUBMIT_ERRORS, json(unknown.stream().map(u -> Map.of("document", u, "reason", "no such document")).toList()))
          .where(INGESTION_JOBS.ID.eq(job)).execute();
    }
    finishJob(job, 0, sends.count(), 0);
    return job;
  }

  /** Produces an event again (the dead-letter replay), as part of a new job of kind "replay". */
  public UUID replay(List<DocumentEvent> events, UUID createdBy) {
    UUID job = createJob("replay", "dlq", new Options(DocumentEvent.Visibility.PRIVATE, null, createdBy, false));
    Sends sends = new Sends();
    long bytes = 0;
    int upserts = 0;
    int deletes = 0;
    for (DocumentEvent original : events) {
      DocumentEvent again = original.resubmitted(job, original.curation(), original.override());
      sends.send(again);
      if (again.isDelete()) deletes++; else upserts++;
      bytes += again.content() == null ? 0 : again.content().length;
    }
    sends.awaitAcknowledged();
    finishJob(job, upserts, deletes, bytes);
    return job;
  }

  /**
   * Indexes a rejected document anyway, as a job of kind "override": what curation held of it
   * (parsed and PII-redacted) goes through the pipeline again with the override recorded, so its
   * rules flag instead of rejecting. Empty when nothing of it is held. The caller checks that
   * {@code by} may manage the document.
   */
  public Optional<UUID> indexAnyway(String documentId, String rejection, UUID by) {
    byte[] held = db.select(DOCUMENT_HOLDS.EVENT).from(DOCUMENT_HOLDS).where(DOCUMENT_HOLDS.DOCUMENT_ID.eq(documentId))
        .fetchOne(DOCUMENT_HOLDS.EVENT);
    if (held == null) return Optional.empty();
    DocumentEvent event = Topics.DOCUMENTS.valueSerde().deserializer().deserialize(null, held);
    UUID job = createJob("override", event.source(), new Options(event.visibility(), event.ownerId(), by, false, event.curation()));
    Sends sends = new Sends();
    sends.send(event.resubmitted(job, event.curation(), new DocumentEvent.Override(by, Instant.now(), rejection)));
    sends.awaitAcknowledged();
    finishJob(job, 1, 0, event.content().length);
    return Optional.of(job);
  }

  public JobProgress progress(UUID job) {
    var jobRow = db.selectFrom(INGESTION_JOBS).where(INGESTION_JOBS.ID.eq(job)).fetchOne();
    if (jobRow == null) throw new IllegalArgumentException("no ingestion job " + job);
    var counts = db.selectFrom(INGESTION_JOB_PROGRESS).where(INGESTION_JOB_PROGRESS.JOB_ID.eq(job)).fetchOne();
    List<JobProgress.Problem> problems = db.select(INGESTION_JOB_DOCUMENTS.DOCUMENT_ID, INGESTION_JOB_DOCUMENTS.OUTCOME,
            INGESTION_JOB_DOCUMENTS.STAGE, INGESTION_JOB_DOCUMENTS.REASON)
        .from(INGESTION_JOB_DOCUMENTS)
        .where(INGESTION_JOB_DOCUMENTS.JOB_ID.eq(job))
        .and(INGESTION_JOB_DOCUMENTS.OUTCOME.in("rejected", "failed"))
        .orderBy(INGESTION_JOB_DOCUMENTS.DOCUMENT_ID)
        .limit(1000)
        .fetch(r -> new JobProgress.Problem(r.value1(), r.value2(), r.value3(), r.value4()));
    return new JobProgress(job, jobRow.getStatus(), jobRow.getSubmittedAt(), jobRow.getSubmitErrors().data(),
        jobRow.getDocumentsSubmitted() + jobRow.getDocumentsDeleted(), jobRow.getBytesSubmitted(),
        counts == null ? 0 : counts.getIndexed(), counts == null ? 0 : counts.getUnchanged(),
        counts == null ? 0 : counts.getRejected(), counts == null ? 0 : counts.getDuplicate(),
        counts == null ? 0 : counts.getFailed(), counts == null ? 0 : counts.getDeleted(),
        counts == null ? 0 : counts.getChunks(),
        counts == null ? new JobProgress.Stages(0, 0, 0, 0)
            : new JobProgress.Stages(counts.getReceived(), counts.getParsed(), counts.getChunked(), counts.getEmbedded()),
        problems);
  }

  /** Polls the job's progress until the pipeline has concluded every document, or the timeout passes. */
  public JobProgress await(UUID job, Duration timeout, java.util.function.Consumer<JobProgress> onProgress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JobProgress progress = progress(job);
    while (!progress.finished() && System.nanoTime() < deadline) {
      onProgress.accept(progress);
      Thread.sleep(200); // polling a row, not synchronising a test: the pipeline writes it as it goes
      progress = progress(job);
    }
    onProgress.accept(progress);
    return progress;
  }

  private static DocumentEvent upsert(UUID job, Source source, SourceDocument document, Options options) {
    CurationProfile curation = options.curation() != null ? options.curation() : CurationProfile.defaultFor(source.kind());
    return new DocumentEvent(DocumentEvent.Operation.UPSERT, DocumentIds.owned(options.ownerId(), document.uri(), document.documentId()),
        job, source.name(), document.uri(), document.title(), document.mediaType(), options.visibility(), options.ownerId(),
        document.metadata(), document.content() == null ? null : DocumentIds.version(document.content()), document.content(),
        document.refusal(), Instant.now(), curation, null);
  }

  /** Deletes for the documents of this source and owner that the source no longer has. */
  private int produceDeletesForMissing(UUID job, String sourceName, UUID ownerId, Set<String> seen, Sends sends) {
    List<Record> stored = new ArrayList<>(db.select(DOCUMENTS.ID, DOCUMENTS.URI).from(DOCUMENTS)
        .where(DOCUMENTS.SOURCE.eq(sourceName)).and(DOCUMENTS.OWNER_ID.isNotDistinctFrom(ownerId)).fetch());
    int deletes = 0;
    for (Record row : stored) {
      String id = row.get(DOCUMENTS.ID);
      if (seen.contains(id)) continue;
      sends.send(DocumentEvent.delete(id, job, sourceName, row.get(DOCUMENTS.URI)));
      deletes++;
    }
    return deletes;
  }

  private UUID createJob(String kind, String sourceName, Options options) {
    return db.insertInto(INGESTION_JOBS)
        .set(INGESTION_JOBS.KIND, kind)
        .set(INGESTION_JOBS.SOURCE, sourceName)
        .set(INGESTION_JOBS.CREATED_BY, options.createdBy())
        .set(INGESTION_JOBS.OPTIONS, json(Map.of(
            "visibility", options.visibility().name().toLowerCase(),
            "owner_id", options.ownerId() == null ? "" : options.ownerId().toString(),
            "curation", options.curation() == null ? "" : options.curation().id(),
            "sync", options.sync())))
        .returning(INGESTION_JOBS.ID)
        .fetchOne(INGESTION_JOBS.ID);
  }

  private void finishJob(UUID job, int documents, int deletes, long bytes) {
    db.update(INGESTION_JOBS)
        .set(INGESTION_JOBS.STATUS, "submitted")
        .set(INGESTION_JOBS.DOCUMENTS_SUBMITTED, documents)
        .set(INGESTION_JOBS.DOCUMENTS_DELETED, deletes)
        .set(INGESTION_JOBS.BYTES_SUBMITTED, bytes)
        .set(INGESTION_JOBS.SUBMITTED_AT, OffsetDateTime.now())
        .where(INGESTION_JOBS.ID.eq(job))
        .execute();
  }

  private void failJob(UUID job, String reason) {
    failJob(db, job, reason);
  }

  /** Concludes a job as failed at submission, with the reason (also for a crawl no worker could finish). */
  static void failJob(DSLContext db, UUID job, String reason) {
    db.update(INGESTION_JOBS)
        .set(INGESTION_JOBS.STATUS, "failed")
        .set(INGESTION_JOBS.SUBMIT_ERRORS, json(List.of(Map.of("reason", reason == null ? "unknown" : reason))))
        .where(INGESTION_JOBS.ID.eq(job))
        .execute();
  }

  /**
   * The events one job produces: each sent keyed by its document id, and acknowledged by the broker
   * before the job is marked submitted. The first failure is kept and reported.
   */
  private final class Sends {
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    void send(DocumentEvent event) {
      pending.add(producer.send(new ProducerRecord<>(documentsTopic, event.documentId(), event), (metadata, e) -> {
        if (e != null) failure.compareAndSet(null, e);
      }));
    }

    boolean failed() {
      return failure.get() != null;
    }

    int count() {
      return pending.size();
    }

    void awaitAcknowledged() {
      producer.flush();
      for (Future<RecordMetadata> send : pending) {
        try {
          send.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException e) {
          failure.compareAndSet(null, e);
        }
      }
      if (failure.get() != null) {
        throw new SettingException(KafkaSettings.BOOTSTRAP, "could not produce to " + documentsTopic + ": " + failure.get().getMessage(), failure.get());
      }
    }
  }

  private static JSONB json(Object value) {
    try {
      return JSONB.valueOf(JsonSerde.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
