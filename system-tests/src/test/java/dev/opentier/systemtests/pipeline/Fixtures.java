package dev.opentier.systemtests.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Small real documents made on the spot: PDF with PDFBox, DOCX with Apache POI. */
final class Fixtures {
  private Fixtures() {}

  /** A PDF with one page per text, and a title in its document information. */
  static byte[] pdf(String title, String... pages) throws IOException {
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

  static byte[] docx(String title, String... paragraphs) throws IOException {
    try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      document.getProperties().getCoreProperties().setTitle(title);
      for (String text : paragraphs) document.createParagraph().createRun().setText(text);
      document.write(out);
      return out.toByteArray();
    }
  }

  /** Sentences about one topic, about {@code words} words long. */
  static String prose(String topic, int words) {
    StringBuilder text = new StringBuilder();
    int sentence = 0;
    while (text.toString().split("\\s+").length < words) {
      text.append("This is sentence ").append(++sentence).append(" about ").append(topic)
          .append(", written to give the chunker real text to work with. ");
    }
    return text.toString().strip();
  }

  static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  static Path write(Path file, String content) throws IOException {
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
}
