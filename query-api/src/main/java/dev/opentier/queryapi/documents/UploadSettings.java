package dev.opentier.queryapi.documents;

import dev.opentier.ingest.source.CrawlOptions;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.pipeline.CurationProfile;
import dev.opentier.queryapi.edge.Params;

/**
 * Limits on what users pour in over HTTP: upload sizes and counts, and how far a crawl they start
 * may go. The per-file limit stays under what one record of the documents topic can carry (23 MiB
 * of content, base64 in JSON); its default is the CLI's ({@code OPENTIER_INGEST_MAX_BYTES}, 20 MiB).
 */
public record UploadSettings(long maxFileBytes, long maxRequestBytes, int maxFiles, int maxUrls, int maxCrawlPages, int maxCrawlDepth,
                             boolean crawlAllowPrivate, boolean crawlAllowLoopback, CurationProfile filesProfile,
                             CurationProfile crawlProfile) {
  public static final String MAX_FILE_MB = "OPENTIER_UPLOAD_MAX_FILE_MB";
  public static final String MAX_REQUEST_MB = "OPENTIER_UPLOAD_MAX_REQUEST_MB";
  public static final String MAX_FILES = "OPENTIER_UPLOAD_MAX_FILES";
  public static final String MAX_CRAWL_PAGES = "OPENTIER_CRAWL_MAX_PAGES";
  public static final String CRAWL_ALLOW_PRIVATE = "OPENTIER_CRAWL_ALLOW_PRIVATE";
  public static final String CRAWL_ALLOW_LOOPBACK = "OPENTIER_CRAWL_ALLOW_LOOPBACK";
  private static final long MIB = 1024 * 1024;

  public static UploadSettings from(Settings settings) {
    return new UploadSettings(
        // A document travels base64 in JSON (×4/3) in one record of at most 33 MiB: 23 MiB is the most that fits.
        settings.integer(MAX_FILE_MB, 20, 1, 23) * MIB,
        settings.integer(MAX_REQUEST_MB, 200, 1, 10_000) * MIB,
        settings.integer(MAX_FILES, 1_000, 1, 100_000),
        20,
        settings.integer(MAX_CRAWL_PAGES, 1_000, 1, 100_000),
        10,
        settings.flag(CRAWL_ALLOW_PRIVATE, false),
        settings.flag(CRAWL_ALLOW_LOOPBACK, false),
        CurationProfile.defaultFor("upload", settings),
        CurationProfile.defaultFor("url", settings));
  }

  /** The profile a request names, else the default for its kind of source. */
  CurationProfile curation(String given, boolean crawl) {
    if (given == null || given.isBlank()) return crawl ? crawlProfile : filesProfile;
    try {
      return CurationProfile.of(given);
    } catch (IllegalArgumentException e) {
      throw Params.invalid("curation", "must be one of " + CurationProfile.names());
    }
  }

  /** A user's crawl: their depth and page limits within these bounds, the address guard as configured. */
  CrawlOptions crawl(Integer maxDepth, Integer maxPages, Boolean sameHostOnly) {
    CrawlOptions options = CrawlOptions.defaults().withAllowPrivateAddresses(crawlAllowPrivate).withAllowLoopback(crawlAllowLoopback);
    if (maxDepth != null) options = options.withMaxDepth(Math.min(maxDepth, maxCrawlDepth));
    options = options.withMaxPages(Math.min(maxPages == null ? options.maxPages() : maxPages, maxCrawlPages));
    if (sameHostOnly != null) options = options.withSameHostOnly(sameHostOnly);
    return options;
  }
}
