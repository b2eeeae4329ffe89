package dev.opentier.intelligence.retrieval;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;

import dev.opentier.platform.db.DocumentAccess;
import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.Scores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Loads what a citation shows for retrieved chunks: text, document, title, URI, headings, offsets, page. */
public final class Passages {
  private final DSLContext db;

  public Passages(DSLContext db) {
    this.db = db;
  }

  /** Which of these documents the user may see now ({@link DocumentAccess}). */
  public Set<String> visibleDocuments(UUID user, Set<String> documentIds) {
    if (documentIds.isEmpty()) return Set.of();
    return Set.copyOf(db.select(DOCUMENTS.ID).from(DOCUMENTS).where(DOCUMENTS.ID.in(documentIds)).and(DocumentAccess.visibleTo(user))
        .fetch(DOCUMENTS.ID));
  }

  /** The hits' passages, in the hits' order (a chunk deleted since the search is left out). */
  public List<Passage> of(List<HybridRetriever.Hit> hits) {
    if (hits.isEmpty()) return List.of();
    Map<UUID, Record> rows = new HashMap<>();
    db.select(CHUNKS.ID, CHUNKS.DOCUMENT_ID, DOCUMENTS.TITLE, DOCUMENTS.URI, CHUNKS.HEADING_PATH, CHUNKS.START_OFFSET,
            CHUNKS.END_OFFSET, CHUNKS.PAGE, CHUNKS.TEXT)
        .from(CHUNKS)
        .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
        .where(CHUNKS.ID.in(hits.stream().map(HybridRetriever.Hit::chunkId).toList()))
        .fetch()
        .forEach(r -> rows.put(r.get(CHUNKS.ID), r));
    List<Passage> passages = new ArrayList<>(hits.size());
    for (HybridRetriever.Hit hit : hits) {
      Record r = rows.get(hit.chunkId());
      if (r == null) continue;
      Scores.Builder scores = Scores.newBuilder().setFused(hit.fused());
      if (hit.dense() != null) scores.setDense(hit.dense()).setDenseRank(hit.denseRank());
      if (hit.lexical() != null) scores.setLexical(hit.lexical()).setLexicalRank(hit.lexicalRank());
      Passage.Builder passage = Passage.newBuilder()
          .setChunkId(hit.chunkId().toString())
          .setDocumentId(r.get(CHUNKS.DOCUMENT_ID))
          .setTitle(r.get(DOCUMENTS.TITLE) == null ? "" : r.get(DOCUMENTS.TITLE))
          .setUri(r.get(DOCUMENTS.URI))
          .addAllHeadingPath(List.of(r.get(CHUNKS.HEADING_PATH)))
          .setStartOffset(r.get(CHUNKS.START_OFFSET))
          .setEndOffset(r.get(CHUNKS.END_OFFSET))
          .setText(r.get(CHUNKS.TEXT))
          .setScores(scores);
      if (r.get(CHUNKS.PAGE) != null) passage.setPage(r.get(CHUNKS.PAGE));
      passages.add(passage.build());
    }
    return passages;
  }
}
