package dev.opentier.curation.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.junit.jupiter.api.Test;
import org.xml.sax.ContentHandler;

class DocumentParserTest {
  private final DocumentParser parser = new DocumentParser(new DocumentParser.Limits(1_000_000, 100_000, Duration.ofSeconds(20)));

  @Test
  void markdownKeepsItsHeadingsAsBlocks() throws Exception {
    ParsedDocument parsed = parser.parse(utf8("# Title\n\nFirst para\ncontinues.\n\n## Part\n\nSecond."), "a.md", null, null);

    assertThat(parsed.title()).isEqualTo("Title");
    assertThat(parsed.text()).isEqualTo("Title\n\nFirst para continues.\n\nPart\n\nSecond.");
    assertThat(parsed.blocks()).extracting(ParsedDocument.Block::level).containsExactly(1, 0, 2, 0);
  }

  @Test
  void htmlDropsScriptsAndKeepsHeadingsAndTitle() throws Exception {
    ParsedDocument parsed = parser.parse(utf8("<html><head><title>T</title><script>var x;</script></head>"
        + "<body><h2>Head</h2><p>Body <b>text</b>.</p><script>alert(1)</script></body></html>"), "x.html", null, null);

    assertThat(parsed.title()).isEqualTo("T");
    assertThat(parsed.text()).isEqualTo("Head\n\nBody text.");
  }

  @Test
  void invalidUtf8AndBinaryTextAndEmptyFilesAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> parser.parse(new byte[] {'o', 'k', (byte) 0xc3}, "a.txt", null, null))
        .isInstanceOf(ParseException.class).hasMessage("invalid UTF-8 at byte 2");
    assertThatThrownBy(() -> parser.parse(new byte[] {'a', 0, 'b'}, "a.txt", null, null))
        .hasMessage("binary content in a text file (NUL byte at offset 1)");
    assertThatThrownBy(() -> parser.parse(new byte[0], "a.txt", null, null)).hasMessage("empty document (0 bytes)");
  }

  @Test
  void aDocumentOverTheParseLimitIsRefused() {
    DocumentParser small = new DocumentParser(new DocumentParser.Limits(10, 100, Duration.ofSeconds(5)));

    assertThatThrownBy(() -> small.parse(utf8("more than ten bytes"), "a.txt", null, null))
        .hasMessage("document is 19 bytes, over the parse limit of 10");
  }

  @Test
  void aParserThatRunsPastTheTimeLimitIsAbandonedWithAReason() {
    CountDownLatch never = new CountDownLatch(1);
    Parser stuck = new Parser() {
      @Override
      public Set<MediaType> getSupportedTypes(ParseContext context) {
        return Set.of(MediaType.parse("application/pdf"));
      }

      @Override
      public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) throws java.io.IOException {
        try {
          never.await(); // a parser caught in a pathological document
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
    };
    DocumentParser bounded = new DocumentParser(new DocumentParser.Limits(1_000_000, 1000, Duration.ofMillis(300)), stuck);

    assertThatThrownBy(() -> bounded.parse(utf8("%PDF-1.4 anything"), "slow.pdf", null, null))
        .isInstanceOf(ParseException.class)
        .hasMessage("parsing took longer than 300 ms; gave up");
  }

  @Test
  void aCompressedTextThatExpandsPastTheCharacterLimitIsStoppedAndRefusedWithTheLimitNamed() throws Exception {
    // 200 MB of text in a gzip of about 200 KB: the parse stops at the limit instead of reading it all.
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      byte[] line = "the same line of text, again and again, in a file that expands a thousand times\n".getBytes(StandardCharsets.UTF_8);
      for (long written = 0; written < 200_000_000L; written += line.length) out.write(line);
    }
    DocumentParser bounded = new DocumentParser(new DocumentParser.Limits(10_000_000, 100_000, Duration.ofSeconds(30)));

    assertThatThrownBy(() -> bounded.parse(gz.toByteArray(), "bomb.txt.gz", null, null))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("over the limit of 100000 characters");
    bounded.close();
  }

  @Test
  void anArchiveNestedDeeperThanTheLimitIsRefusedWithTheLimitNamed() throws Exception {
    byte[] archive = zip("innermost.txt", "The innermost file of the archive.".getBytes(StandardCharsets.UTF_8));
    for (int level = 0; level < 12; level++) archive = zip("level-" + level + ".zip", archive);
    byte[] nested = archive;

    assertThatThrownBy(() -> parser.parse(nested, "nested.zip", null, null))
        .isInstanceOf(ParseException.class)
        .hasMessage("the application/zip document holds files nested more than 8 levels deep");
    // three levels are read as usual
    byte[] shallow = zip("b.zip", zip("a.txt", "A file two archives down, read as any other.".getBytes(StandardCharsets.UTF_8)));
    assertThat(parser.parse(shallow, "shallow.zip", null, null).text()).contains("A file two archives down");
  }

  private static byte[] zip(String name, byte[] content) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.ZipOutputStream(bytes)) {
      out.putNextEntry(new java.util.zip.ZipEntry(name));
      out.write(content);
      out.closeEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void aPlainTextOverTheCharacterLimitIsRefusedNotCutShort() {
    DocumentParser bounded = new DocumentParser(new DocumentParser.Limits(1_000_000, 1000, Duration.ofSeconds(5)));

    assertThatThrownBy(() -> bounded.parse(utf8("word ".repeat(1000)), "long.txt", null, null))
        .hasMessage("the document's text is over the limit of 1000 characters (OPENTIER_PARSE_MAX_CHARS)");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void typesAreDetectedByTheFileNameAtTheEndOfAPathOrUri() {
    assertThat(DocumentParser.resourceName("https://example.org/docs/guide.pdf?version=2#intro")).isEqualTo("guide.pdf");
    assertThat(DocumentParser.resourceName("generated:notes.docx")).isEqualTo("notes.docx");
    assertThat(DocumentParser.resourceName("C:\\reports\\q3.xlsx")).isEqualTo("q3.xlsx");
    assertThat(DocumentParser.resourceName("file:///srv/docs/")).isEqualTo("file:///srv/docs/");
  }
}
