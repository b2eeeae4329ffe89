package dev.opentier.curation.parse;

import java.util.Locale;
import java.util.Set;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads the XHTML that Tika produces for every format and keeps its structure: h1–h6 become
 * headings, block elements become paragraphs, and PDF pages ({@code <div class="page">}) number
 * the blocks inside them. Script, style and head content is dropped.
 */
final class StructureHandler extends DefaultHandler {
  private static final Set<String> BLOCKS = Set.of(
      "p", "li", "pre", "blockquote", "td", "th", "dd", "dt", "tr", "div", "section", "article",
      "br", "table", "ul", "ol", "caption", "figcaption", "address");
  private static final Set<String> SKIPPED = Set.of("script", "style", "head", "title", "noscript");

  private final TextBuilder builder;
  private int skipping;
  private int pages;
  private String firstHeading;
  private final StringBuilder heading = new StringBuilder();
  private boolean inHeading;

  StructureHandler(TextBuilder builder) {
    this.builder = builder;
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes attributes) {
    String name = localName.toLowerCase(Locale.ROOT);
    if (SKIPPED.contains(name)) {
      skipping++;
      return;
    }
    if (name.equals("div") && "page".equals(attributes.getValue("class"))) {
      builder.setPage(++pages);
    } else if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
      builder.startBlock(Math.max(1, Math.min(6, name.charAt(1) - '0')));
      inHeading = true;
      heading.setLength(0);
    } else if (BLOCKS.contains(name)) {
      builder.startBlock(0);
    }
  }

  @Override
  public void endElement(String uri, String localName, String qName) {
    String name = localName.toLowerCase(Locale.ROOT);
    if (SKIPPED.contains(name)) {
      skipping = Math.max(0, skipping - 1);
      return;
    }
    if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
      if (firstHeading == null && !heading.toString().isBlank()) firstHeading = heading.toString().strip();
      inHeading = false;
      builder.endBlock();
    } else if (BLOCKS.contains(name)) {
      builder.endBlock();
    }
  }

  @Override
  public void characters(char[] ch, int start, int length) {
    if (skipping > 0) return;
    builder.append(new String(ch, start, length));
    if (inHeading) heading.append(ch, start, length);
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) {
    characters(ch, start, length);
  }

  @Override
  public void endDocument() {
    builder.endBlock();
  }

  int pages() {
    return pages;
  }

  String firstHeading() {
    return firstHeading;
  }
}
