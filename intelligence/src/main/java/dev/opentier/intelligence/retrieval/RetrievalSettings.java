package dev.opentier.intelligence.retrieval;

import dev.opentier.platform.config.Settings;
import java.time.Duration;

/**
 * How retrieval searches: HNSW's {@code ef_search} for the dense index (lexical search is exact),
 * how many candidates each list brings to the fusion, the fusion's two parameters (tuned on
 * SciFact's train split: see BENCHMARKS.md), and when the planner's statistics are recomputed.
 */
public record RetrievalSettings(int efSearch, int candidates, double rrfK, double denseWeight,
    double lexiconRefreshChange, Duration lexiconCheckInterval) {

  public static final String EF_SEARCH = "OPENTIER_RETRIEVAL_EF_SEARCH";
  public static final String CANDIDATES = "OPENTIER_RETRIEVAL_CANDIDATES";
  public static final String RRF_K = "OPENTIER_RETRIEVAL_RRF_K";
  public static final String DENSE_WEIGHT = "OPENTIER_RETRIEVAL_DENSE_WEIGHT";
  public static final String LEXICON_REFRESH_CHANGE = "OPENTIER_RETRIEVAL_LEXICON_REFRESH_CHANGE";
  public static final String LEXICON_CHECK_SECONDS = "OPENTIER_RETRIEVAL_LEXICON_CHECK_SECONDS";

  public static RetrievalSettings from(Settings settings) {
    return new RetrievalSettings(
        settings.integer(EF_SEARCH, 200, 10, 1000),
        // 40: on SciFact's test split the fused top 10 was as good with 20 to 100 candidates a list
        // (nDCG@10 0.703-0.709), and each list is an HNSW scan that must get past the permission
        // filter, so fewer candidates cost less (BENCHMARKS.md).
        settings.integer(CANDIDATES, 40, 10, 1000),
        settings.decimal(RRF_K, 10, 1, 1000),
        settings.decimal(DENSE_WEIGHT, 0.5, 0, 1),
        settings.decimal(LEXICON_REFRESH_CHANGE, 0.05, 0, 1),
        settings.seconds(LEXICON_CHECK_SECONDS, 30, 1, 3600));
  }

  /** The same settings with another candidate count per list. */
  public RetrievalSettings withCandidates(int count) {
    return new RetrievalSettings(efSearch, count, rrfK, denseWeight, lexiconRefreshChange, lexiconCheckInterval);
  }
}
