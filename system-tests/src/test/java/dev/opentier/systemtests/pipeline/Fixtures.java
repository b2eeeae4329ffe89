package dev.opentier.systemtests.pipeline;

import dev.opentier.ingest.source.Source;
import dev.opentier.ingest.source.SourceDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Small real documents made on the spot: PDF with PDFBox, DOCX with Apache POI. */
public final class Fixtures {
  private Fixtures() {}

  /** A PDF with one page per text, and a title in its document information. */
  public static byte[] pdf(String title, String... pages) throws IOException {
    try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      document.getDocumentInformation().setTitle(title);
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (String text : pages) {
        PDPage page = new PDPage();
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(font, 11);
          content.newLineAtOffset(50, 740);
          for (String line : wrap(text, 95)) {
            content.showText(line);
            content.newLineAtOffset(0, -14);
          }
          content.endText();
        }
      }
      document.save(out);
      return out.toByteArray();
    }
  }

  public static byte[] docx(String title, String... paragraphs) throws IOException {
    try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      document.getProperties().getCoreProperties().setTitle(title);
      for (String text : paragraphs) document.createParagraph().createRun().setText(text);
      document.write(out);
      return out.toByteArray();
    }
  }

  /** Sentences about one topic, about {@code words} words long. */
  private static final String[] ADJECTIVES = ("quiet bright narrow ancient careful sudden distant gentle heavy modern "
      + "small crowded empty green frozen patient rough steady strange warm busy silver hidden open broken").split(" ");
  private static final String[] NOUNS = ("river harbour engineer garden village teacher bridge forest machine library "
      + "orchard mountain market island kitchen painter station farmer council archive lantern valley museum "
      + "sailor workshop tower meadow surgeon record").split(" ");
  private static final String[] VERBS = ("crossed repaired followed painted studied visited described measured carried "
      + "watched opened finished replaced counted noticed cleaned guarded planned explored").split(" ");
  private static final String[] PREPOSITIONS = "near behind beyond across under beside towards inside".split(" ");

  /**
   * Ordinary-looking English text of about {@code words} words that mentions {@code topic} every
   * third sentence: varied enough to pass the quality rules, and different for every topic (so two
   * generated texts are never near duplicates).
   */
  public static String prose(String topic, int words) {
    java.util.Random random = new java.util.Random(topic.hashCode());
    StringBuilder text = new StringBuilder();
    int count = 0;
    for (int sentence = 0; count < words; sentence++) {
      String line = sentence % 3 == 0
          ? String.format("The %s %s %s %s %s the %s %s. ", pick(random, ADJECTIVES), pick(random, NOUNS), pick(random, VERBS),
              topic, pick(random, PREPOSITIONS), pick(random, ADJECTIVES), pick(random, NOUNS))
          : String.format("A %s %s %s the %s %s the %s %s %s the %s. ", pick(random, ADJECTIVES), pick(random, NOUNS),
              pick(random, VERBS), pick(random, NOUNS), sentence % 2 == 0 ? "and" : "with", pick(random, ADJECTIVES),
              pick(random, NOUNS), pick(random, PREPOSITIONS), pick(random, NOUNS));
      text.append(line);
      count += line.split("\\s+").length;
    }
    return text.toString().strip();
  }

  private static String pick(java.util.Random random, String[] words) {
    return words[random.nextInt(words.length)];
  }

  public static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  public static Path write(Path file, String content) throws IOException {
    return write(file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) line.append(' ');
      line.append(word);
    }
    if (!line.isEmpty()) lines.add(line.toString());
    return lines;
  }

  /**
   * {@code count} generated documents named {@code name}-i, short ones with every tenth long enough
   * for several chunks: the load the recovery drills put on the pipeline.
   */
  public static Source generated(String name, int count) {
    List<SourceDocument> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text = i % 10 == 0 ? prose(name + " document " + i, 400) : "Document " + i + " is about topic " + (i % 37) + ".";
      documents.add(SourceDocument.of(name + "-" + i, "generated:" + name + "-" + i, "Document " + i, "text/plain",
          text.getBytes(StandardCharsets.UTF_8), Map.of()));
    }
    return source(name, documents);
  }

  /** A source named {@code generated:NAME} that hands over these documents, in order. */
  public static Source source(String name, List<SourceDocument> documents) {
    return new Source() {
      @Override
      public String name() {
        return "generated:" + name;
      }

      @Override
      public String kind() {
        return "stdin";
      }

      @Override
      public void forEach(Consumer<SourceDocument> sink) {
        documents.forEach(sink);
      }
    };
  }
}
