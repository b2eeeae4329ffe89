package dev.opentier.ingest.source;

import dev.opentier.platform.config.SettingException;
import java.time.Duration;

/**
 * How far and how politely {@link WebSource} crawls. A {@link SettingException} names the
 * offending component (e.g. {@code maxDepth: must be at least 0}) so a caller mapping flags or
 * environment variables onto these options can point at the right one.
 *
 * @param maxDepth how many links away from the start page the crawl goes; 0 fetches the start page only
 * @param maxPages the most documents the crawl hands over, refusals included
 * @param sameHostOnly follow links only to the start page's host (and the host it redirects to)
 * @param politenessDelay the pause between the end of one request to a host and the start of the next
 * @param allowPrivateAddresses skip the {@link AddressGuard} address check entirely (trusted networks only)
 * @param allowLoopback let the guard pass loopback addresses (127/8, ::1) while still refusing
 *     every other private range; for crawling a development server
 * @param userAgent sent with every request; its product token (before the first '/') is the name
 *     robots.txt groups are matched against
 * @param maxBytesPerPage a page with a larger body is refused, and its body is not read past this
 * @param requestTimeout the most one request may take, body included
 */
public record CrawlOptions(
    int maxDepth, int maxPages, boolean sameHostOnly, Duration politenessDelay,
    boolean allowPrivateAddresses, boolean allowLoopback, String userAgent,
    long maxBytesPerPage, Duration requestTimeout) {

  public static final String DEFAULT_USER_AGENT = "OpenTierBot/0.1 (+https://github.com/opentier)";

  public CrawlOptions {
    if (maxDepth < 0) throw new SettingException("maxDepth", "must be at least 0");
    if (maxPages < 1) throw new SettingException("maxPages", "must be at least 1");
    if (politenessDelay == null || politenessDelay.isNegative()) {
      throw new SettingException("politenessDelay", "must be zero or more");
    }
    if (userAgent == null || userAgent.isBlank()) throw new SettingException("userAgent", "must not be blank");
    if (userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new SettingException("userAgent", "must not contain control characters");
    }
    if (maxBytesPerPage < 1) throw new SettingException("maxBytesPerPage", "must be at least 1");
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new SettingException("requestTimeout", "must be positive");
    }
  }

  /**
   * Depth 2, 100 pages, same host only, 500 ms between requests to a host, public addresses only,
   * {@value #DEFAULT_USER_AGENT}, 20 MiB per page, 20 s per request.
   */
  public static CrawlOptions defaults() {
    return new CrawlOptions(2, 100, true, Duration.ofMillis(500), false, false, DEFAULT_USER_AGENT,
        20L * 1024 * 1024, Duration.ofSeconds(20));
  }

  public CrawlOptions withMaxDepth(int maxDepth) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withMaxPages(int maxPages) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withSameHostOnly(boolean sameHostOnly) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withPolitenessDelay(Duration politenessDelay) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withAllowPrivateAddresses(boolean allowPrivateAddresses) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withAllowLoopback(boolean allowLoopback) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withUserAgent(String userAgent) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withMaxBytesPerPage(long maxBytesPerPage) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }

  public CrawlOptions withRequestTimeout(Duration requestTimeout) {
    return new CrawlOptions(maxDepth, maxPages, sameHostOnly, politenessDelay, allowPrivateAddresses,
        allowLoopback, userAgent, maxBytesPerPage, requestTimeout);
  }
}
