package dev.opentier.ingest.source;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRules.RobotRulesMode;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A web site, crawled breadth-first from a start URL: {@code opentier ingest https://docs.example.com/}.
 *
 * <p>Each {@link #forEach} call crawls afresh. It fetches the start page, then the pages it links
 * to, level by level, up to {@link CrawlOptions#maxDepth} links away and until
 * {@link CrawlOptions#maxPages} documents were handed over. Along the way it:
 * <ul>
 *   <li>asks the {@link AddressGuard} before every request, robots.txt and each redirect hop
 *       included; redirects are followed here, at most {@value #MAX_REDIRECTS} hops;
 *   <li>reads robots.txt once per origin and skips the URLs it disallows for the user agent's
 *       product token (a 4xx robots.txt allows everything; one that cannot be fetched or answers
 *       5xx stops the crawl of that origin, each page handed over as a refusal);
 *   <li>waits {@link CrawlOptions#politenessDelay} between the end of one request to a host and
 *       the start of the next;
 *   <li>follows links only from HTML pages and, unless {@link CrawlOptions#sameHostOnly} is off,
 *       only to the start page's host (or the host the start page redirects to);
 *   <li>canonicalises every URL (see {@link #canonical}) and requests none twice.
 * </ul>
 *
 * <p>A 200 page is handed over with its final (post-redirect) canonical URL as identity, the
 * Content-Type without parameters as media type, and metadata {@code http_status},
 * {@code fetched_at} (ISO-8601) and {@code depth}. Other statuses, bodies over
 * {@link CrawlOptions#maxBytesPerPage}, guard refusals and fetch failures are handed over as
 * {@link SourceDocument#refused} under the URL that was requested. URLs skipped by robots.txt,
 * off-host links and links from pages past the depth limit are dropped silently.
 *
 * <p>{@code forEach} throws {@link IOException} when the start page cannot be fetched at all:
 * the guard refuses it (or a redirect it answers with), robots.txt disallows it or cannot be read,
 * or the connection fails. A start page answering e.g. 404 is a refusal, not an exception.
 *
 * <p>The sink is called on the calling thread, one document at a time. Not thread-safe: one
 * {@code forEach} at a time per instance.
 */
public final class WebSource implements Source {
  static final int MAX_REDIRECTS = 5;
  private static final int MAX_ROBOTS_BYTES = 512 * 1024;
  private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);
  private static final String ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

  private final URI start;
  private final CrawlOptions options;
  private final AddressGuard guard;

  /**
   * @param start an absolute http or https URL
   * @throws IllegalArgumentException when {@code start} is not one
   */
  public WebSource(URI start, CrawlOptions options) {
    Objects.requireNonNull(start, "start");
    this.options = Objects.requireNonNull(options, "options");
    if (!isCrawlable(start)) throw new IllegalArgumentException("start URL must be an absolute http or https URL: " + start);
    this.start = canonical(start);
    this.guard = AddressGuard.from(options);
  }

  /** The start URL (canonical). */
  public URI start() {
    return start;
  }

  /** How this source crawls. */
  public CrawlOptions options() {
    return options;
  }

  /** {@code site:} and the start URL's scheme, host and non-default port, e.g. {@code site:https://docs.example.com}. */
  @Override
  public String name() {
    return "site:" + start.getScheme() + "://" + start.getRawAuthority();
  }

  @Override
  public String kind() {
    return "url";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER) // every hop must pass the guard first
        .connectTimeout(options.requestTimeout())
        .build();
    try {
      new Crawl(client, sink).run();
    } finally {
      client.shutdownNow();
    }
  }

  /**
   * The form a URL is stored and compared in: lower-case scheme and host, no user info, no default
   * port, no fragment, an empty path as {@code /}, dot segments removed; path and query otherwise
   * left as written.
   *
   * @param uri an absolute http or https URL with a host
   */
  static URI canonical(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) port = -1;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder url = new StringBuilder(scheme).append("://").append(uri.getHost().toLowerCase(Locale.ROOT));
    if (port != -1) url.append(':').append(port);
    url.append(path);
    if (uri.getRawQuery() != null) url.append('?').append(uri.getRawQuery());
    return URI.create(url.toString()).normalize();
  }

  private static boolean isCrawlable(URI uri) {
    String scheme = uri.getScheme();
    return scheme != null
        && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        && uri.getHost() != null && !uri.getHost().isEmpty();
  }

  /** One crawl: the frontier and everything remembered while walking it. */
  private final class Crawl {
    private final HttpClient client;
    private final Consumer<SourceDocument> sink;
    private final SimpleRobotRulesParser robotsParser = new SimpleRobotRulesParser();
    private final List<String> robotNames = List.of(productToken(options.userAgent()));
    private final ArrayDeque<Pending> frontier = new ArrayDeque<>();
    private final Set<URI> requested = new HashSet<>();
    private final Set<String> crawlHosts = new HashSet<>();
    private final Map<String, Robots> robotsByOrigin = new HashMap<>();
    private final Map<String, Long> lastRequestEndByHost = new HashMap<>();
    private int handedOver;

    Crawl(HttpClient client, Consumer<SourceDocument> sink) {
      this.client = client;
      this.sink = sink;
    }

    void run() throws IOException {
      crawlHosts.add(start.getHost());
      requested.add(start);
      Fetch first = fetch(start, true);
      switch (first) {
        case Skipped skipped -> throw new IOException("cannot crawl " + start + ": " + skipped.why());
        case Failed failed when !failed.answered() -> throw new IOException("cannot crawl " + start + ": " + failed.reason());
        default -> { }
      }
      handOver(start, 0, first);
      while (!frontier.isEmpty() && handedOver < options.maxPages()) {
        Pending next = frontier.poll();
        handOver(next.uri(), next.depth(), fetch(next.uri(), false));
      }
    }

    private void handOver(URI uri, int depth, Fetch fetch) {
      switch (fetch) {
        case Skipped skipped -> { }
        case Failed failed -> {
          String url = uri.toString();
          sink.accept(SourceDocument.refused(DocumentIds.forUri(url), url, metadata(failed.status(), depth), failed.reason()));
          handedOver++;
        }
        case Page page -> {
          String url = page.uri().toString();
          sink.accept(SourceDocument.of(DocumentIds.forUri(url), url, null, page.mediaType(), page.body(), metadata(200, depth)));
          handedOver++;
          if (depth < options.maxDepth() && isHtml(page.mediaType())) enqueueLinks(page, depth + 1);
        }
      }
    }

    private void enqueueLinks(Page page, int depth) {
      Document html;
      try {
        html = Jsoup.parse(new ByteArrayInputStream(page.body()), page.charset(), page.uri().toString());
      } catch (IOException e) {
        return; // reading from memory; only a broken charset could get here, and the page is handed over already
      }
      for (Element anchor : html.select("a[href]")) {
        String href = anchor.absUrl("href");
        if (href.isEmpty()) continue;
        URI link;
        try {
          link = new URI(href);
        } catch (URISyntaxException e) {
          continue; // jsoup resolves but does not escape; a link with e.g. raw spaces is not followed
        }
        if (!isCrawlable(link)) continue;
        link = canonical(link);
        if (options.sameHostOnly() && !crawlHosts.contains(link.getHost())) continue;
        if (requested.add(link)) frontier.add(new Pending(link, depth));
      }
    }

    /** Fetches {@code uri}, following redirects; every hop passes the guard, robots.txt and the host rule. */
    private Fetch fetch(URI uri, boolean isStart) throws InterruptedIOException {
      URI current = uri;
      Optional<String> refusal = guard.refusal(current);
      if (refusal.isPresent()) return new Failed(null, false, "refused by the address guard: " + refusal.get());
      for (int hop = 0; ; hop++) {
        Robots robots = robotsFor(current);
        if (robots.unavailable() != null) return new Failed(null, false, robots.unavailable());
        if (!robots.rules().isAllowed(current.toString())) return new Skipped(current + " is disallowed by robots.txt");

        Exchange exchange;
        try {
          exchange = exchange(current, options.maxBytesPerPage());
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          return new Failed(null, false, "fetching " + current + " failed: " + describe(e));
        }
        int status = exchange.status();
        if (REDIRECT_STATUSES.contains(status)) {
          Optional<String> location = exchange.headers().firstValue("Location");
          if (location.isEmpty()) return new Failed(status, true, "HTTP " + status + " without a Location header");
          if (hop == MAX_REDIRECTS) return new Failed(status, true, "more than " + MAX_REDIRECTS + " redirects");
          URI target;
          try {
            target = current.resolve(new URI(location.get().trim()));
          } catch (URISyntaxException e) {
            return new Failed(status, true, "HTTP " + status + " with an invalid Location: " + location.get());
          }
          // The guard goes first: a redirect into the cloud metadata service is worth a refusal on
          // record, even though the host rule below would drop it silently.
          refusal = guard.refusal(target);
          if (refusal.isPresent()) return new Failed(status, false, "redirect refused by the address guard: " + refusal.get());
          target = canonical(target);
          if (isStart) crawlHosts.add(target.getHost()); // docs.example.com → www.docs.example.com is still the site
          if (options.sameHostOnly() && !crawlHosts.contains(target.getHost())) {
            return new Skipped("redirect to " + target + " leaves the site");
          }
          if (!requested.add(target)) return new Skipped("redirect to " + target + ", which this crawl requested already");
          current = target;
          continue;
        }
        if (status != 200) return new Failed(status, true, "HTTP " + status);
        if (exchange.body().overCap()) {
          return new Failed(status, true, "body larger than " + options.maxBytesPerPage() + " bytes");
        }
        String contentType = exchange.headers().firstValue("Content-Type").orElse("");
        return new Page(current, mediaType(contentType), charset(contentType), exchange.body().bytes());
      }
    }

    private Robots robotsFor(URI uri) throws InterruptedIOException {
      String origin = uri.getScheme() + "://" + uri.getRawAuthority();
      Robots robots = robotsByOrigin.get(origin);
      if (robots == null) {
        robots = loadRobots(URI.create(origin + "/robots.txt"));
        robotsByOrigin.put(origin, robots);
      }
      return robots;
    }

    private Robots loadRobots(URI robotsUrl) throws InterruptedIOException {
      URI current = robotsUrl;
      for (int hop = 0; ; hop++) {
        Optional<String> refusal = guard.refusal(current);
        if (refusal.isPresent()) return Robots.unavailable(robotsUrl + " refused by the address guard: " + refusal.get());
        Exchange exchange;
        try {
          exchange = exchange(current, MAX_ROBOTS_BYTES);
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          return Robots.unavailable(robotsUrl + " could not be fetched: " + describe(e));
        }
        int status = exchange.status();
        if (status == 200) {
          // Past the cap the rest is ignored, as Google does with its 500 KiB limit.
          String contentType = exchange.headers().firstValue("Content-Type").orElse("text/plain");
          return new Robots(robotsParser.parseContent(current.toString(), exchange.body().bytes(), contentType, robotNames), null);
        }
        if (REDIRECT_STATUSES.contains(status) && hop < MAX_REDIRECTS) {
          Optional<String> location = exchange.headers().firstValue("Location");
          if (location.isEmpty()) return Robots.unavailable(robotsUrl + " answered HTTP " + status + " without a Location header");
          try {
            current = current.resolve(new URI(location.get().trim()));
          } catch (URISyntaxException e) {
            return Robots.unavailable(robotsUrl + " redirected to an invalid Location: " + location.get());
          }
          continue;
        }
        // No robots.txt (404, 410, even 401/403): everything is allowed, as RFC 9309 says.
        if (status >= 400 && status < 500) return new Robots(new SimpleRobotRules(RobotRulesMode.ALLOW_ALL), null);
        return Robots.unavailable(robotsUrl + " answered HTTP " + status);
      }
    }

    /** One GET, politely spaced from the last request to the same host; body capped at {@code maxBytes}. */
    private Exchange exchange(URI uri, long maxBytes) throws IOException {
      String host = uri.getHost();
      awaitTurn(host);
      try {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .GET()
            .timeout(options.requestTimeout())
            .header("User-Agent", options.userAgent())
            .header("Accept", ACCEPT)
            .build();
        CompletableFuture<HttpResponse<CappedBytes>> response = client.sendAsync(request, info ->
            info.statusCode() == 200
                ? new CappedBodySubscriber(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1))
                : BodySubscribers.replacing(CappedBytes.NONE));
        try {
          // The request timeout covers the headers only; this deadline covers the body too.
          HttpResponse<CappedBytes> done = response.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
          return new Exchange(done.statusCode(), done.headers(), done.body());
        } catch (TimeoutException e) {
          response.cancel(true);
          throw new HttpTimeoutException("no complete response within " + options.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
          response.cancel(true);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while fetching " + uri);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) throw io;
          throw new IOException(e.getCause());
        }
      } finally {
        lastRequestEndByHost.put(host, System.nanoTime());
      }
    }

    private void awaitTurn(String host) throws InterruptedIOException {
      Long lastEnd = lastRequestEndByHost.get(host);
      if (lastEnd == null) return;
      long due = lastEnd + options.politenessDelay().toNanos();
      try {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to request " + host + " again");
      }
    }
  }

  private static Map<String, Object> metadata(Integer status, int depth) {
    Map<String, Object> metadata = new HashMap<>();
    if (status != null) metadata.put("http_status", status);
    metadata.put("fetched_at", Instant.now().toString());
    metadata.put("depth", depth);
    return metadata;
  }

  /** robots.txt matches groups by product token: "OpenTierBot/0.1 (+https://…)" → "opentierbot". */
  private static String productToken(String userAgent) {
    String first = userAgent.trim().split("[/\\s]", 2)[0].toLowerCase(Locale.ROOT);
    String token = first.replaceAll("[^a-z_-]", "");
    return token.isEmpty() ? "*" : token;
  }

  private static String mediaType(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.isEmpty() ? null : type;
  }

  /** The charset parameter when the JDK knows it, else null (jsoup then sniffs it). */
  private static String charset(String contentType) {
    for (String parameter : contentType.split(";")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
        String name = pair[1].trim().replace("\"", "");
        try {
          return Charset.isSupported(name) ? name : null;
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static boolean isHtml(String mediaType) {
    return "text/html".equals(mediaType) || "application/xhtml+xml".equals(mediaType);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  private record Pending(URI uri, int depth) {}

  /** What fetching one frontier URL came to. */
  private sealed interface Fetch permits Page, Failed, Skipped {}

  /** A 200 answer; {@code uri} is where the redirects, if any, ended. */
  private record Page(URI uri, String mediaType, String charset, byte[] body) implements Fetch {}

  /** Handed over as a refusal; {@code answered} when the server gave an HTTP answer at all. */
  private record Failed(Integer status, boolean answered, String reason) implements Fetch {}

  /** Dropped without a trace: robots.txt says no, the redirect leaves the site, or it was requested already. */
  private record Skipped(String why) implements Fetch {}

  /** A host's robots.txt, or why it could not be read (then nothing on that origin is fetched). */
  private record Robots(BaseRobotRules rules, String unavailable) {
    static Robots unavailable(String why) {
      return new Robots(null, why);
    }
  }

  private record Exchange(int status, HttpHeaders headers, CappedBytes body) {}

  /** A body read up to a cap; {@code overCap} when there was more, which was not read. */
  private record CappedBytes(byte[] bytes, boolean overCap) {
    static final CappedBytes NONE = new CappedBytes(new byte[0], false);
  }

  /**
   * Collects a body up to {@code max} bytes and cancels the stream past it, so a huge or endless
   * body costs at most {@code max} bytes of memory. A declared Content-Length over the cap is
   * refused before any byte is read.
   */
  private static final class CappedBodySubscriber implements HttpResponse.BodySubscriber<CappedBytes> {
    private final int max;
    private final long declaredLength;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<CappedBytes> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBodySubscriber(long max, long declaredLength) {
      this.max = (int) Math.min(max, Integer.MAX_VALUE - 8);
      this.declaredLength = declaredLength;
    }

    @Override
    public CompletionStage<CappedBytes> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declaredLength > max) {
        subscription.cancel();
        result.complete(new CappedBytes(new byte[0], true));
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) return;
      for (ByteBuffer chunk : buffers) {
        int room = Math.min(chunk.remaining(), max - buffer.size());
        byte[] bytes = new byte[room];
        chunk.get(bytes);
        buffer.write(bytes, 0, room);
        if (chunk.hasRemaining()) {
          subscription.cancel();
          result.complete(new CappedBytes(buffer.toByteArray(), true));
          return;
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(new CappedBytes(buffer.toByteArray(), false));
    }
  }
}
