package dev.opentier.curation;

import static dev.opentier.platform.kafka.Topics.DOCUMENTS;

import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.chunk.Chunker;
import dev.opentier.curation.curate.CurationStages;
import dev.opentier.curation.index.DocumentIndex;
import dev.opentier.curation.parse.DocumentParsing;
import dev.opentier.curation.parse.ParseException;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.embedding.Embedder;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.Hashes;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's stages as functions from {@link Work} to {@link Work}, named as the topology
 * names them. A stage that fails for one document concludes that document as failed, with the
 * stage and the reason: it never stops the pipeline.
 */
public final class PipelineStages {
  private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);

  private final DocumentParsing parser;
  private final CurationStages curation;
  private final Chunker chunker;
  private final Embedder embedder;
  private final DocumentIndex index;
  private final PipelineMetrics metrics;
  private final Duration contentRetention;

  /**
   * @param contentRetention how long the bytes that a dead letter must not carry are kept for a
   *     replay ({@link #deadLetter}); zero keeps none
   */
  public PipelineStages(DocumentParsing parser, CurationStages curation, Chunker chunker, Embedder embedder, DocumentIndex index,
      PipelineMetrics metrics, Duration contentRetention) {
    this.contentRetention = contentRetention;
    this.parser = parser;
    this.curation = curation;
    this.chunker = chunker;
    this.embedder = embedder;
    this.index = index;
    this.metrics = metrics;
  }

  /** Concludes a document as unchanged when this exact version is already indexed. */
  public Work checkVersion(Work work) {
    return run("check-version", work, w -> w.event().isDelete() || !index.isCurrent(w.event().documentId(), w.event().contentHash())
        ? w
        : w.conclude(Outcome.UNCHANGED, "check-version", null));
  }

  public Work parse(Work work) {
    return run("parse", work, w -> {
      try {
        ParsedDocument parsed = parser.parse(w.event().content(), w.event().uri(), w.event().mediaType(), w.event().title());
        return w.withParsed(parsed).withCuration(w.curation().withProfile(w.event().curation().id(), w.event().override())
            .withExtraction(parsed.extraction()).withBytes(w.event().content().length));
      } catch (ParseException e) {
        return w.withCuration(w.curation().withProfile(w.event().curation().id(), w.event().override()))
            .conclude(e.nothingUsable() ? Outcome.REJECTED : Outcome.FAILED, "parse", e.getMessage());
      }
    });
  }

  public Work normalize(Work work) {
    return run("normalize", work, curation::normalize);
  }

  public Work language(Work work) {
    return run("language", work, curation::language);
  }

  public Work quality(Work work) {
    return run("quality", work, curation::quality);
  }

  public Work pii(Work work) {
    return run("pii", work, curation::pii);
  }

  public Work chunk(Work work) {
    return run("chunk", work, w -> {
      List<Chunk> chunks = chunker.chunk(w.parsed());
      return chunks.isEmpty() ? w.conclude(Outcome.FAILED, "chunk", "the document has no text to index") : w.withChunks(chunks);
    });
  }

  public Work embed(Work work) {
    return run("embed", work, w -> w.withVectors(embedder.embedAll(w.chunks().stream().map(Chunk::embeddingText).toList())));
  }

  /** Writes the outcome: the document and its chunks in one transaction, or the delete, or the failure. */
  /**
   * The dead letter of a failed document. Bytes that nothing has redacted (a document that failed
   * before its text could be read; a record that was not an event) are not put on the dead-letter
   * topic: they are kept in PostgreSQL until {@code contentRetention} has passed (not at all when it
   * is zero) and the letter refers to them. A database outage is a passing failure, as elsewhere.
   */
  public DeadLetter deadLetter(Work work) {
    DeadLetter letter = work.deadLetter();
    byte[] unredacted;
    String ref;
    if (letter.rawValue() != null) {
      unredacted = letter.rawValue();
      ref = "record:" + Hashes.sha256Hex(unredacted);
    } else if (letter.original() != null && letter.original().content() != null && letter.original().content().length > 0
        && !ParsedDocument.MEDIA_TYPE.equals(letter.original().mediaType())) {
      unredacted = DOCUMENTS.valueSerde().serializer().serialize(DOCUMENTS.baseName(), letter.original());
      ref = "event:" + letter.documentId() + ":" + Hashes.sha256Hex(unredacted);
    } else {
      return letter;
    }
    if (contentRetention.isZero()) return letter.withContentKept(ref, null);
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(contentRetention);
    try {
      index.keepDeadLetterContent(ref, unredacted, expires);
    } catch (RuntimeException e) {
      if (PassingFailure.isPassing(e)) throw new PassingFailure("dead-letter", e);
      throw e;
    }
    return letter.withContentKept(ref, expires.toInstant());
  }

  public Work index(Work work) {
    if (work.event() == null) return work; // not a document: nothing to write, it goes to the dead letters
    long started = System.nanoTime();
    Work written = index.write(work);
    metrics.stage("index", started, 0, written.failed() && "index".equals(written.stage()));
    metrics.outcome(written);
    return written;
  }

  private Work run(String name, Work work, Work.Stage stage) {
    if (work.concluded() || (work.event().isDelete() && !name.equals("check-version"))) return work;
    // (a concluded work may have no event: a record that could not be decoded)
    long started = System.nanoTime();
    try {
      Work result = stage.apply(work);
      metrics.stage(name, started, result.chunks() == null ? 0 : result.chunks().size(), result.failed());
      return result;
    } catch (Exception | StackOverflowError e) {
      // The database or the broker, not the document: retried once they are back, never a dead letter.
      if (PassingFailure.isPassing(e)) throw new PassingFailure(name, e);
      // A bug or a poison document must not stop the pipeline: this document fails, the rest go on.
      log.warn("{} failed for document {}", name, work.event().documentId(), e);
      metrics.stage(name, started, 0, true);
      return work.conclude(Outcome.FAILED, name, e.getClass().getSimpleName() + ": " + (e.getMessage() == null ? "no message" : e.getMessage()));
    }
  }
}
