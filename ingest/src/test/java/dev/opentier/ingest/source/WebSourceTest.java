package dev.opentier.ingest.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.platform.config.SettingException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crawls small sites served over a real socket by the JDK's HttpServer, and asserts on what the
 * crawler handed over and on what the servers actually received.
 */
class WebSourceTest {
  /** Loopback is where the test sites live; everything else stays refused. */
  private static final CrawlOptions LOCAL = CrawlOptions.defaults()
      .withAllowLoopback(true)
      .withPolitenessDelay(Duration.ZERO)
      .withRequestTimeout(Duration.ofSeconds(5));

  private TestSite site;
  private TestSite otherHost;

  @BeforeEach
  void startSites() throws IOException {
    site = new TestSite("127.0.0.1");
    otherHost = new TestSite("127.0.0.1"); // linked to as "localhost": another host name, so off-site
  }

  @AfterEach
  void stopSites() {
    site.close();
    otherHost.close();
  }

  /**
   * robots.txt keeps OpenTierBot out of /private/ and every other robot out of everything, so the
   * crawl only gets anywhere when the user agent's product token is matched.
   */
  private void serveTheUsualSite() {
    site.text("/robots.txt", "text/plain", """
        User-agent: OpenTierBot
        Disallow: /private/

        User-agent: *
        Disallow: /
        """);
    site.html("/", """
        <html><head><title>Home</title></head><body>
        <a href="/a">A</a> <a href="b">B</a> <a href="/a#section">A again</a>
        <a href="http://localhost:%d/elsewhere">elsewhere</a>
        <a href="/private/secret">secret</a>
        <a href="/moved">moved</a> <a href="/missing">missing</a>
        <a href="/to-metadata">metadata</a>
        <a href="/deep1">deep</a>
        <a href="mailto:someone@example.com">mail</a> <a href="javascript:void(0)">js</a>
        </body></html>
        """.formatted(otherHost.port()));
    site.html("/a", "<a href='/'>home</a> <a href='/b'>B</a> <a href='HTTP://127.0.0.1:%d/a'>me</a>".formatted(site.port()));
    site.text("/b", "text/plain", "not HTML, so this is no link: <a href=\"/from-text\">x</a>");
    site.redirect("/moved", 301, "/c");
    site.html("/c", "<p>C, reached through a redirect</p>");
    site.redirect("/to-metadata", 302, "http://169.254.169.254/latest/meta-data/");
    site.html("/deep1", "<a href='/deep2'>deeper</a>");
    site.html("/deep2", "<a href='/deep3'>deeper still</a>");
    site.html("/deep3", "<p>three links away</p>");
    site.html("/private/secret", "<p>robots.txt says no</p>");
    site.html("/from-text", "<p>only linked from a text/plain page</p>");
    otherHost.html("/elsewhere", "<p>another host</p>");
  }

  @Test
  void crawlsTheSiteBreadthFirstDownToTheDepthLimit() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxDepth(2));

    assertThat(documents).extracting(SourceDocument::uri).containsExactly(
        site.url("/").toString(), site.url("/a").toString(), site.url("/b").toString(),
        site.url("/c").toString(), site.url("/missing").toString(), site.url("/to-metadata").toString(),
        site.url("/deep1").toString(), site.url("/deep2").toString());
    assertThat(documents).extracting(d -> d.metadata().get("depth")).containsExactly(0, 1, 1, 1, 1, 1, 1, 2);
  }

  @Test
  void aPageIsHandedOverWithItsCanonicalUrlAsIdentityAndTheFetchAsMetadata() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxDepth(1));

    SourceDocument home = documents.getFirst();
    assertThat(home.documentId()).isEqualTo(DocumentIds.forUri(site.url("/").toString()));
    assertThat(home.mediaType()).isEqualTo("text/html");
    assertThat(home.title()).isNull();
    assertThat(home.refusal()).isNull();
    assertThat(new String(home.content(), UTF_8)).contains("<title>Home</title>");
    assertThat(home.metadata()).containsEntry("http_status", 200).containsEntry("depth", 0);
    assertThat(Instant.parse((String) home.metadata().get("fetched_at"))).isBeforeOrEqualTo(Instant.now());

    SourceDocument text = byUri(documents, site.url("/b"));
    assertThat(text.mediaType()).isEqualTo("text/plain");
    assertThat(new String(text.content(), UTF_8)).startsWith("not HTML");
  }

  @Test
  void robotsDisallowedOffHostTooDeepAndNonHtmlLinkedPagesAreNeverRequested() throws IOException {
    serveTheUsualSite();

    crawl(site.url("/"), LOCAL.withMaxDepth(2));

    assertThat(site.paths()).containsExactly(
        "/robots.txt", "/", "/a", "/b", "/moved", "/c", "/missing", "/to-metadata", "/deep1", "/deep2");
    assertThat(otherHost.paths()).isEmpty();
  }

  @Test
  void everyRequestCarriesTheUserAgent() throws IOException {
    serveTheUsualSite();

    crawl(site.url("/"), LOCAL.withMaxDepth(1));

    assertThat(site.requests).extracting(TestSite.Request::userAgent).containsOnly(CrawlOptions.DEFAULT_USER_AGENT);
  }

  @Test
  void aRedirectIsHandedOverUnderWhereItEnded() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxDepth(1));

    assertThat(documents).extracting(SourceDocument::uri)
        .contains(site.url("/c").toString())
        .doesNotContain(site.url("/moved").toString());
    assertThat(new String(byUri(documents, site.url("/c")).content(), UTF_8)).contains("reached through a redirect");
  }

  @Test
  void aRedirectToTheCloudMetadataAddressIsRefusedWithoutBeingRequested() throws IOException {
    serveTheUsualSite();

    SourceDocument refused = byUri(crawl(site.url("/"), LOCAL.withMaxDepth(1)), site.url("/to-metadata"));

    assertThat(refused.content()).isNull();
    assertThat(refused.refusal()).isEqualTo("redirect refused by the address guard: "
        + "http://169.254.169.254/latest/meta-data/ resolves to 169.254.169.254, a link-local address");
    assertThat(refused.documentId()).isEqualTo(DocumentIds.forUri(site.url("/to-metadata").toString()));
  }

  @Test
  void aPageThatIsNotThereIsHandedOverAsARefusalWithItsStatus() throws IOException {
    serveTheUsualSite();

    SourceDocument missing = byUri(crawl(site.url("/"), LOCAL.withMaxDepth(1)), site.url("/missing"));

    assertThat(missing.refusal()).isEqualTo("HTTP 404");
    assertThat(missing.metadata()).containsEntry("http_status", 404).containsEntry("depth", 1);
  }

  @Test
  void theCrawlStopsAtThePageLimit() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxPages(3));

    assertThat(documents).extracting(SourceDocument::uri)
        .containsExactly(site.url("/").toString(), site.url("/a").toString(), site.url("/b").toString());
    assertThat(site.paths()).containsExactly("/robots.txt", "/", "/a", "/b");
  }

  @Test
  void depthZeroFetchesTheStartPageOnly() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxDepth(0));

    assertThat(documents).extracting(SourceDocument::uri).containsExactly(site.url("/").toString());
    assertThat(site.paths()).containsExactly("/robots.txt", "/");
  }

  @Test
  void otherHostsAreCrawledWhenSameHostOnlyIsOff() throws IOException {
    serveTheUsualSite();

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxDepth(1).withSameHostOnly(false));

    assertThat(documents).extracting(SourceDocument::uri).contains("http://localhost:" + otherHost.port() + "/elsewhere");
    assertThat(otherHost.paths()).containsExactly("/robots.txt", "/elsewhere");
  }

  @Test
  void aRedirectOffTheSiteIsDroppedWithoutARequest() throws IOException {
    site.html("/", "<a href='/away'>away</a>");
    site.redirect("/away", 302, "http://localhost:" + otherHost.port() + "/elsewhere");
    otherHost.html("/elsewhere", "<p>another host</p>");

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL);

    assertThat(documents).extracting(SourceDocument::uri).containsExactly(site.url("/").toString());
    assertThat(otherHost.paths()).isEmpty();
  }

  @Test
  void theHostTheStartPageRedirectsToBelongsToTheSite() throws IOException {
    site.redirect("/", 301, "http://localhost:" + otherHost.port() + "/");
    otherHost.html("/", "<a href='/page'>page</a>");
    otherHost.html("/page", "<p>on the host the site moved to</p>");

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL);

    String moved = "http://localhost:" + otherHost.port();
    assertThat(documents).extracting(SourceDocument::uri).containsExactly(moved + "/", moved + "/page");
    assertThat(otherHost.paths()).containsExactly("/robots.txt", "/", "/page");
  }

  @Test
  void withoutRobotsTxtEveryPageIsAllowed() throws IOException {
    site.html("/", "<a href='/private/secret'>secret</a>");
    site.html("/private/secret", "<p>nobody said no</p>");

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL);

    assertThat(documents).extracting(SourceDocument::uri)
        .containsExactly(site.url("/").toString(), site.url("/private/secret").toString());
    assertThat(site.paths()).containsExactly("/robots.txt", "/", "/private/secret");
  }

  @Test
  void requestsToAHostAreSpacedByThePolitenessDelay() throws IOException {
    serveTheUsualSite();
    Duration delay = Duration.ofMillis(50);

    crawl(site.url("/"), LOCAL.withMaxDepth(1).withMaxPages(4).withPolitenessDelay(delay));

    List<Long> arrivals = site.requests.stream().map(TestSite.Request::arrivedAtNanos).toList();
    assertThat(arrivals).hasSizeGreaterThanOrEqualTo(5);
    for (int i = 1; i < arrivals.size(); i++) {
      assertThat(arrivals.get(i) - arrivals.get(i - 1))
          .as("gap before request %d (%s)", i, site.paths().get(i))
          .isGreaterThanOrEqualTo(delay.toNanos());
    }
  }

  @Test
  void aBodyOverTheCapIsRefusedWhetherOrNotItsLengthIsDeclared() throws IOException {
    site.html("/", "<a href='/big'>big</a> <a href='/big-chunked'>big, chunked</a> <a href='/just-fits'>fits</a>");
    site.text("/big", "application/octet-stream", "x".repeat(5_000));
    site.chunked("/big-chunked", "x".repeat(5_000));
    site.text("/just-fits", "application/octet-stream", "x".repeat(1_000));

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withMaxBytesPerPage(1_000));

    assertThat(byUri(documents, site.url("/big")).refusal()).isEqualTo("body larger than 1000 bytes");
    assertThat(byUri(documents, site.url("/big-chunked")).refusal()).isEqualTo("body larger than 1000 bytes");
    assertThat(byUri(documents, site.url("/just-fits")).content()).hasSize(1_000);
  }

  @Test
  void aPageThatStallsIsRefusedAfterTheRequestTimeoutAndTheCrawlGoesOn() throws IOException {
    site.html("/", "<a href='/no-headers'>1</a> <a href='/stalled-body'>2</a> <a href='/after'>3</a>");
    site.handle("/no-headers", exchange -> site.awaitRelease());
    site.handle("/stalled-body", exchange -> {
      exchange.sendResponseHeaders(200, 10_000);
      exchange.getResponseBody().write("only the start".getBytes(UTF_8));
      exchange.getResponseBody().flush();
      site.awaitRelease();
    });
    site.html("/after", "<p>still crawled</p>");

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL.withRequestTimeout(Duration.ofMillis(300)));

    assertThat(byUri(documents, site.url("/no-headers")).refusal()).contains("failed: HttpTimeoutException");
    assertThat(byUri(documents, site.url("/stalled-body")).refusal()).contains("failed: HttpTimeoutException");
    assertThat(byUri(documents, site.url("/after")).content()).isNotNull();
  }

  @Test
  void moreThanFiveRedirectsAreRefused() throws IOException {
    site.html("/", "<a href='/r0'>chain</a>");
    for (int i = 0; i < 7; i++) site.redirect("/r" + i, 302, "/r" + (i + 1));

    SourceDocument chain = byUri(crawl(site.url("/"), LOCAL), site.url("/r0"));

    assertThat(chain.refusal()).isEqualTo("more than 5 redirects");
    assertThat(site.paths()).containsExactly("/robots.txt", "/", "/r0", "/r1", "/r2", "/r3", "/r4", "/r5");
  }

  @Test
  void theStartPageOnLoopbackIsRefusedWhenOnlyPublicAddressesAreAllowed() {
    serveTheUsualSite();
    WebSource source = new WebSource(site.url("/"), CrawlOptions.defaults());

    assertThatThrownBy(() -> source.forEach(document -> { }))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot crawl " + site.url("/") + ": refused by the address guard: "
            + site.url("/") + " resolves to 127.0.0.1, a loopback address");
    assertThat(site.paths()).isEmpty();
  }

  @Test
  void aStartPageRedirectingToTheMetadataAddressFailsTheCrawl() {
    site.redirect("/", 302, "http://169.254.169.254/latest/meta-data/");

    assertThatThrownBy(() -> crawl(site.url("/"), LOCAL))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot crawl " + site.url("/") + ": redirect refused by the address guard: "
            + "http://169.254.169.254/latest/meta-data/ resolves to 169.254.169.254, a link-local address");
  }

  @Test
  void aStartPageThatRobotsTxtDisallowsFailsTheCrawl() {
    site.text("/robots.txt", "text/plain", "User-agent: *\nDisallow: /\n");
    site.html("/", "<p>home</p>");

    assertThatThrownBy(() -> crawl(site.url("/"), LOCAL))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot crawl " + site.url("/") + ": " + site.url("/") + " is disallowed by robots.txt");
    assertThat(site.paths()).containsExactly("/robots.txt");
  }

  @Test
  void aSiteWhoseRobotsTxtAnswersAServerErrorIsNotCrawled() {
    site.handle("/robots.txt", exchange -> exchange.sendResponseHeaders(503, -1));
    site.html("/", "<p>home</p>");

    assertThatThrownBy(() -> crawl(site.url("/"), LOCAL))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot crawl " + site.url("/") + ": " + site.url("/robots.txt") + " answered HTTP 503");
    assertThat(site.paths()).containsExactly("/robots.txt");
  }

  @Test
  void aStartPageNobodyAnswersFailsTheCrawl() throws IOException {
    TestSite gone = new TestSite("127.0.0.1");
    URI start = gone.url("/");
    URI robots = gone.url("/robots.txt");
    gone.close();

    assertThatThrownBy(() -> crawl(start, LOCAL))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot crawl " + start + ": " + robots + " could not be fetched: ");
  }

  @Test
  void aStartPageAnsweringAnErrorIsARefusalNotAFailure() throws IOException {
    site.handle("/", exchange -> exchange.sendResponseHeaders(500, -1));

    List<SourceDocument> documents = crawl(site.url("/"), LOCAL);

    assertThat(documents).singleElement().satisfies(d -> assertThat(d.refusal()).isEqualTo("HTTP 500"));
  }

  @Test
  void theNameIsTheSiteAndTheKindIsUrl() {
    WebSource source = new WebSource(URI.create("HTTPS://Docs.Example.COM:443/guide/intro.html#top"), CrawlOptions.defaults());

    assertThat(source.name()).isEqualTo("site:https://docs.example.com");
    assertThat(source.kind()).isEqualTo("url");
    assertThat(new WebSource(URI.create("http://example.com:8080/"), CrawlOptions.defaults()).name())
        .isEqualTo("site:http://example.com:8080");
  }

  @Test
  void onlyAnAbsoluteHttpUrlCanStartACrawl() {
    assertThatThrownBy(() -> new WebSource(URI.create("file:///etc/passwd"), CrawlOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("start URL must be an absolute http or https URL: file:///etc/passwd");
    assertThatThrownBy(() -> new WebSource(URI.create("/docs"), CrawlOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void canonicalUrlsLoseCaseFragmentsDefaultPortsCredentialsAndDotSegments() {
    assertThat(WebSource.canonical(URI.create("HTTP://Example.COM:80/a/./b/../c?Q=1#frag")))
        .hasToString("http://example.com/a/c?Q=1");
    assertThat(WebSource.canonical(URI.create("https://example.com:443"))).hasToString("https://example.com/");
    assertThat(WebSource.canonical(URI.create("https://example.com:8443/x"))).hasToString("https://example.com:8443/x");
    assertThat(WebSource.canonical(URI.create("http://user:secret@example.com/"))).hasToString("http://example.com/");
    assertThat(WebSource.canonical(URI.create("http://example.com/a%2Fb"))).hasToString("http://example.com/a%2Fb");
  }

  @Test
  void theDefaultOptionsAreConservative() {
    CrawlOptions defaults = CrawlOptions.defaults();

    assertThat(defaults.maxDepth()).isEqualTo(2);
    assertThat(defaults.maxPages()).isEqualTo(100);
    assertThat(defaults.sameHostOnly()).isTrue();
    assertThat(defaults.politenessDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(defaults.allowPrivateAddresses()).isFalse();
    assertThat(defaults.allowLoopback()).isFalse();
    assertThat(defaults.userAgent()).isEqualTo("OpenTierBot/0.1 (+https://github.com/opentier)");
    assertThat(defaults.maxBytesPerPage()).isEqualTo(20L * 1024 * 1024);
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void badOptionsNameWhatIsWrong() {
    CrawlOptions defaults = CrawlOptions.defaults();

    assertThatThrownBy(() -> defaults.withMaxDepth(-1)).isInstanceOf(SettingException.class).hasMessage("maxDepth: must be at least 0");
    assertThatThrownBy(() -> defaults.withMaxPages(0)).hasMessage("maxPages: must be at least 1");
    assertThatThrownBy(() -> defaults.withPolitenessDelay(Duration.ofMillis(-1))).hasMessage("politenessDelay: must be zero or more");
    assertThatThrownBy(() -> defaults.withUserAgent(" ")).hasMessage("userAgent: must not be blank");
    assertThatThrownBy(() -> defaults.withUserAgent("bot\r\nX-Evil: 1")).hasMessage("userAgent: must not contain control characters");
    assertThatThrownBy(() -> defaults.withMaxBytesPerPage(0)).hasMessage("maxBytesPerPage: must be at least 1");
    assertThatThrownBy(() -> defaults.withRequestTimeout(Duration.ZERO)).hasMessage("requestTimeout: must be positive");
  }

  private static List<SourceDocument> crawl(URI start, CrawlOptions options) throws IOException {
    List<SourceDocument> documents = new ArrayList<>();
    new WebSource(start, options).forEach(documents::add);
    return documents;
  }

  private static SourceDocument byUri(List<SourceDocument> documents, URI uri) {
    return documents.stream().filter(d -> d.uri().equals(uri.toString())).findFirst()
        .orElseThrow(() -> new AssertionError("no document for " + uri + " among " + documents.stream().map(SourceDocument::uri).toList()));
  }

  /** A site on a real loopback socket that records every request as it arrives. Unknown paths answer 404. */
  private static final class TestSite implements AutoCloseable {
    record Request(String path, String userAgent, long arrivedAtNanos) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpServer server;

    TestSite(String address) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
      server.setExecutor(executor); // a stalled handler must not hold up the others
      server.createContext("/", this::serve);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    List<String> paths() {
      return requests.stream().map(Request::path).toList();
    }

    void html(String path, String body) {
      text(path, "text/html; charset=utf-8", body);
    }

    void text(String path, String contentType, String body) {
      handle(path, exchange -> {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      });
    }

    void chunked(String path, String body) {
      handle(path, exchange -> {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0); // no Content-Length: chunked
        OutputStream out = exchange.getResponseBody();
        for (byte b : body.getBytes(UTF_8)) out.write(b);
      });
    }

    void redirect(String path, int status, String location) {
      handle(path, exchange -> {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(status, -1);
      });
    }

    void handle(String path, HttpHandler handler) {
      routes.put(path, handler);
    }

    /** Holds a handler until the site closes; for pages that never finish. */
    void awaitRelease() {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void serve(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getRawPath();
      requests.add(new Request(path, exchange.getRequestHeaders().getFirst("User-Agent"), System.nanoTime()));
      try (exchange) {
        HttpHandler route = routes.get(path);
        if (route == null) {
          exchange.sendResponseHeaders(404, -1);
        } else {
          route.handle(exchange);
        }
      }
    }

    @Override
    public void close() {
      release.countDown();
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
