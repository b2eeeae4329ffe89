package dev.opentier.curation.curate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A document's lineage: each curation stage it went through with its verdict and time, and what
 * the stages measured. Stored as {@code documents.curation} for every document, indexed or not,
 * and sent with rejections to {@code opentier.documents.rejected}.
 *
 * @param duplicateOf the canonical document of a duplicate
 * @param similarity the estimated Jaccard similarity to it (1.0 for exact duplicates)
 * @param profile the curation profile it was judged under
 * @param override the "index anyway" this version was indexed under, if any
 * @param extraction what main-content extraction kept of a web page
 * @param bytes the size of the document's raw content (kept here once the raw bytes are dropped)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurationRecord(
    List<StageVerdict> stages,
    String language,
    TextNormalizer.Report normalization,
    QualityRules.Report quality,
    Map<PiiRedactor.Kind, Integer> pii,
    String textHash,
    String duplicateOf,
    Double similarity,
    Integer chunks,
    String profile,
    DocumentEvent.Override override,
    ParsedDocument.Extraction extraction,
    Long bytes) {

  /** What one stage concluded: passed, rejected, duplicate, redacted… and how long it took. */
  public record StageVerdict(String stage, String verdict, double millis) {}

  public static CurationRecord empty() {
    return new CurationRecord(List.of(), null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public CurationRecord withStage(String stage, String verdict, long startedNanos) {
    return withStage(stage, verdict, Math.round((System.nanoTime() - startedNanos) / 1_000.0) / 1_000.0);
  }

  public CurationRecord withStage(String stage, String verdict, double millis) {
    List<StageVerdict> more = new ArrayList<>(stages);
    more.add(new StageVerdict(stage, verdict, millis));
    return new CurationRecord(more, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withLanguage(String language) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withNormalization(TextNormalizer.Report normalization) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withQuality(QualityRules.Report quality) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withPii(Map<PiiRedactor.Kind, Integer> pii) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withTextHash(String textHash) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withDuplicateOf(String duplicateOf, double similarity) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withProfile(String profile, DocumentEvent.Override override) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withExtraction(ParsedDocument.Extraction extraction) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withBytes(long bytes) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }

  public CurationRecord withChunks(int chunks) {
    return new CurationRecord(stages, language, normalization, quality, pii, textHash, duplicateOf, similarity, chunks, profile, override, extraction, bytes);
  }
}
