package dev.opentier.curation.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.microsoft.OfficeParserConfig;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Turns a document's bytes into structured text with Apache Tika (PDF, Office, OpenDocument, RTF,
 * EPUB, HTML, e-mail …), bounded in size and time. Plain text and Markdown pass through without
 * Tika but must be valid UTF-8 and must not be binary. Thread-safe.
 */
public final class DocumentParser implements DocumentParsing {
  /** Bounds on one document: raw bytes in, characters out, and wall-clock time. */
  public record Limits(long maxBytes, int maxChars, Duration timeout) {
    public Limits {
      if (maxBytes < 1 || maxChars < 1 || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("parse limits must be positive");
      }
    }
  }

  /**
   * Web pages up to this size are read into a DOM for main-content extraction ({@link HtmlContent});
   * larger ones stream through Tika (bounded memory, no extraction).
   */
  static final int HTML_DOM_MAX_BYTES = 8 * 1024 * 1024;
  private static final Pattern MARKDOWN_HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

  private final Limits limits;
  private final Parser parser;
  private final Detector detector;
  private final ExecutorService parsing;
  private final AtomicInteger abandoned = new AtomicInteger();

  public DocumentParser(Limits limits) {
    this(limits, new AutoDetectParser());
  }

  /** With a given Tika parser (tests use this to show the time limit). */
  public DocumentParser(Limits limits, Parser parser) {
    this.limits = limits;
    this.parser = parser;
    this.detector = TikaConfig.getDefaultConfig().getDetector();
    // A parser that overruns its time is abandoned, not killed (Tika cannot be stopped safely):
    // daemon threads, so a stuck one never keeps the process alive.
    this.parsing = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "tika-parse");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * How many parses overran the time limit without noticing it (a parser that loops without
   * emitting text): their threads are abandoned and may still run. A parse worker process exits
   * when this is not 0, so that the process, and the thread with it, really end.
   */
  public int abandoned() {
    return abandoned.get();
  }

  @Override
  public ParsedDocument parse(byte[] content, String name, String mediaTypeHint, String titleHint) throws ParseException {
    ParsedDocument held = beforeParsing(content, mediaTypeHint, limits);
    if (held != null) return held;
    String mediaType = detect(content, name, mediaTypeHint);
    ParsedDocument parsed = isPlainText(mediaType, name)
        ? parsePlainText(content, mediaType, name, titleHint)
        : isHtml(mediaType) && content.length <= HTML_DOM_MAX_BYTES
            ? parseHtml(content, mediaType, name, titleHint)
            : parseWithTika(content, mediaType, name, titleHint);
    if (parsed.blocks().isEmpty()) throw new ParseException("no text found in this " + mediaType + " document");
    return parsed;
  }

  /**
   * What is settled before any parser runs (here or in a parse worker): an empty or oversized
   * document fails, and what curation held (OpenTier's own JSON) is read back and checked. Null
   * when the bytes need a parser.
   */
  static ParsedDocument beforeParsing(byte[] content, String mediaTypeHint, Limits limits) throws ParseException {
    if (content.length == 0) throw new ParseException("empty document (0 bytes)");
    if (ParsedDocument.MEDIA_TYPE.equals(mediaTypeHint)) return ParsedDocument.fromHeld(content, limits.maxChars());
    if (content.length > limits.maxBytes()) {
      throw new ParseException("document is " + content.length + " bytes, over the parse limit of " + limits.maxBytes());
    }
    return null;
  }

  private String detect(byte[] content, String name, String hint) throws ParseException {
    Metadata metadata = new Metadata();
    if (name != null) metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, resourceName(name));
    if (hint != null) metadata.set(Metadata.CONTENT_TYPE, hint);
    try (TikaInputStream in = TikaInputStream.get(content)) {
      return detector.detect(in, metadata).getBaseType().toString();
    } catch (IOException e) {
      throw new ParseException("cannot detect the document's type: " + e.getMessage(), e);
    }
  }

  /**
   * The file name Tika detects by: the last segment of a path or URI, without query or fragment
   * (Tika reads {@code generated:notes.never} or {@code s3:bucket/a.pdf?v=2} as no name at all).
   */
  static String resourceName(String name) {
    String path = name.replaceFirst("[?#].*$", "");
    int cut = Math.max(path.lastIndexOf('/'), Math.max(path.lastIndexOf('\\'), path.lastIndexOf(':')));
    String last = path.substring(cut + 1);
    return last.isEmpty() ? name : last;
  }

  private static boolean isPlainText(String mediaType, String name) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return mediaType.equals("text/plain") || mediaType.equals("text/x-web-markdown") || mediaType.equals("text/markdown")
        || lower.endsWith(".txt") || lower.endsWith(".md") || lower.endsWith(".markdown");
  }

  private ParsedDocument parsePlainText(byte[] content, String mediaType, String name, String titleHint) throws ParseException {
    requireText(content, mediaType);
    String text = decodeUtf8(content);
    boolean markdown = mediaType.contains("markdown") || (name != null && name.toLowerCase(Locale.ROOT).matches(".*\\.(md|markdown)$"));
    TextBuilder builder = new TextBuilder(limits.maxChars());
    String firstHeading = null;
    for (String line : text.split("\r?\n|\r", -1)) {
      Matcher heading = markdown ? MARKDOWN_HEADING.matcher(line) : null;
      if (heading != null && heading.matches()) {
        builder.startBlock(heading.group(1).length());
        builder.append(heading.group(2));
        builder.endBlock();
        if (firstHeading == null) firstHeading = heading.group(2).strip();
      } else if (line.isBlank()) {
        builder.endBlock();
      } else {
        builder.append(line);
        builder.append("\n");
      }
    }
    builder.endBlock();
    requireWithinCharacterLimit(builder.truncated());
    String type = markdown ? "text/markdown" : "text/plain";
    return new ParsedDocument(firstNonBlank(titleHint, firstHeading, fileTitle(name)), type, builder.text(), builder.blocks(), 0);
  }

  /** A document whose text is longer than the limit is refused with the limit named, not cut short silently. */
  private void requireWithinCharacterLimit(boolean truncated) throws ParseException {
    if (truncated) {
      throw new ParseException("the document's text is over the limit of " + limits.maxChars() + " characters (OPENTIER_PARSE_MAX_CHARS)");
    }
  }

  private static boolean isHtml(String mediaType) {
    return mediaType.equals("text/html") || mediaType.equals("application/xhtml+xml");
  }

  /** A web page: its main content, without the site's navigation and chrome, within the time limit. */
  private ParsedDocument parseHtml(byte[] content, String mediaType, String name, String titleHint) throws ParseException {
    HtmlContent.Result result = withinTimeLimit(mediaType, () -> {
      Document page = Jsoup.parse(new ByteArrayInputStream(content), null, baseUri(name));
      if (!page.select("frameset").isEmpty()) {
        throw ParseException.nothingUsable("a frameset page has no text of its own (its frames are pages of their own)");
      }
      String redirect = page.select("meta[http-equiv~=(?i)refresh]").attr("content");
      HtmlContent.Result extracted = HtmlContent.extract(page, limits.maxChars());
      if (!redirect.isBlank() && extracted.text().length() < 200) {
        throw ParseException.nothingUsable("the page only redirects (" + redirect.strip() + "); it has no text of its own");
      }
      return extracted;
    });
    requireWithinCharacterLimit(result.truncated());
    if (result.blocks().isEmpty() && result.extraction().pageChars() > 0) {
      throw ParseException.nothingUsable("the page has no main content, only navigation and site chrome");
    }
    return new ParsedDocument(firstNonBlank(titleHint, result.title(), fileTitle(name)), "text/html", result.text(), result.blocks(), 0,
        result.extraction());
  }

  private static String baseUri(String name) {
    return name == null || !name.matches("(?i)(https?|file):.*") ? "" : name;
  }

  private ParsedDocument parseWithTika(byte[] content, String mediaType, String name, String titleHint) throws ParseException {
    if (mediaType.equals(MediaType.OCTET_STREAM.toString())) {
      throw new ParseException("unrecognised binary format (" + (name == null ? "no name" : name) + ")");
    }
    Metadata metadata = new Metadata();
    if (name != null) metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, resourceName(name));
    metadata.set(Metadata.CONTENT_TYPE, mediaType);
    TextBuilder builder = new TextBuilder(limits.maxChars());
    StructureHandler handler = new StructureHandler(builder, limits.maxChars(), System.nanoTime() + limits.timeout().toNanos());
    ParseContext context = new ParseContext();
    BoundedEmbeddedDocuments embedded = new BoundedEmbeddedDocuments(context, BoundedEmbeddedDocuments.MAX_DEPTH,
        BoundedEmbeddedDocuments.MAX_COUNT);
    withinTimeLimit(mediaType, () -> {
      try (TikaInputStream in = TikaInputStream.get(content)) {
        context.set(Parser.class, parser);
        context.set(EmbeddedDocumentExtractor.class, embedded);
        // Word and PowerPoint files are read as streams, not as whole XML trees: a document that
        // expands to gigabytes is stopped at the character limit instead of filling the heap first.
        OfficeParserConfig office = new OfficeParserConfig();
        office.setUseSAXDocxExtractor(true);
        office.setUseSAXPptxExtractor(true);
        context.set(OfficeParserConfig.class, office);
        parser.parse(in, handler, metadata, context);
      }
      return null;
    });
    // (a parser may swallow the handler's stop inside an embedded document and go on with the next)
    requireWithinCharacterLimit(builder.truncated());
    if (embedded.exceeded() != null) throw new ParseException("the " + mediaType + " document holds " + embedded.exceeded());
    String title = firstNonBlank(titleHint, metadata.get(TikaCoreProperties.TITLE), handler.firstHeading(), fileTitle(name));
    return new ParsedDocument(title, mediaType, builder.text(), builder.blocks(), handler.pages());
  }

  /** Runs a parse on the parsing threads, bounded by the time limit. */
  private <T> T withinTimeLimit(String mediaType, Callable<T> parse) throws ParseException {
    Future<T> run = parsing.submit(parse);
    try {
      return run.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      abandoned.incrementAndGet();
      throw new ParseException("parsing took longer than " + describe(limits.timeout()) + "; gave up");
    } catch (InterruptedException e) {
      run.cancel(true);
      Thread.currentThread().interrupt();
      throw new ParseException("interrupted while parsing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ParseException parseException) throw parseException;
      for (Throwable c = cause; c != null; c = c.getCause()) {
        if (c instanceof StructureHandler.LimitReached limit) {
          throw new ParseException(limit.getMessage().equals("time")
              ? "parsing took longer than " + describe(limits.timeout()) + "; stopped" : limit.getMessage() + " (OPENTIER_PARSE_MAX_CHARS)", limit);
        }
      }
      if (cause instanceof EncryptedDocumentException) throw new ParseException("the " + mediaType + " document is encrypted", cause);
      throw new ParseException("cannot parse " + mediaType + ": " + rootMessage(cause), cause);
    }
  }

  private static void requireText(byte[] content, String mediaType) throws ParseException {
    int sample = Math.min(content.length, 8192);
    int control = 0;
    for (int i = 0; i < sample; i++) {
      int b = content[i] & 0xff;
      if (b == 0) throw new ParseException("binary content in a text file (NUL byte at offset " + i + ")");
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') control++;
    }
    if (control * 10 > sample) throw new ParseException("binary content in a text file (" + control + " control bytes in the first " + sample + ")");
  }

  private static String decodeUtf8(byte[] content) throws ParseException {
    int offset = content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB && (content[2] & 0xff) == 0xBF ? 3 : 0;
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(content, offset, content.length - offset);
    try {
      return decoder.decode(bytes).toString();
    } catch (MalformedInputException e) {
      throw new ParseException("invalid UTF-8 at byte " + bytes.position(), e);
    } catch (CharacterCodingException e) {
      throw new ParseException("invalid UTF-8: " + e.getMessage(), e);
    }
  }

  private static String fileTitle(String name) {
    if (name == null || name.isBlank()) return null;
    String base = name.replaceAll("[?#].*$", "").replaceAll("/+$", "");
    base = base.substring(base.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return (dot > 0 ? base.substring(0, dot) : base).strip();
  }

  private static String firstNonBlank(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank()) return candidate.strip();
    }
    return null;
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    message = message.lines().findFirst().orElse(message);
    return message.length() > 300 ? message.substring(0, 300) + "…" : message;
  }

  @Override
  public void close() {
    parsing.shutdownNow();
  }
}
