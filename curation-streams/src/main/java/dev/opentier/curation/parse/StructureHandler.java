package dev.opentier.curation.parse;

import java.util.Locale;
import java.util.Set;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads the XHTML that Tika produces for every format and keeps its structure: h1–h6 become
 * headings, block elements become paragraphs, and PDF pages ({@code <div class="page">}) number
 * the blocks inside them. Script, style and head content is dropped.
 *
 * <p>It stops the parse (by throwing {@link LimitReached} into the parser) as soon as the text
 * reaches its character limit or the deadline passes: a decompression bomb or a runaway parser
 * that keeps producing text is stopped where it is, not left running until it has read everything.
 */
final class StructureHandler extends DefaultHandler {
  private static final Set<String> BLOCKS = Set.of(
      "p", "li", "pre", "blockquote", "td", "th", "dd", "dt", "tr", "div", "section", "article",
      "br", "table", "ul", "ol", "caption", "figcaption", "address");
  private static final Set<String> SKIPPED = Set.of("script", "style", "head", "title", "noscript");

  /** Thrown into the parser to stop it: the text is over its limit, or the time is up. */
  static final class LimitReached extends SAXException {
    LimitReached(String message) {
      super(message);
    }
  }

  private final TextBuilder builder;
  private final long deadlineNanos;
  private final int maxChars;
  private int skipping;
  private int pages;
  private String firstHeading;
  private final StringBuilder heading = new StringBuilder();
  private boolean inHeading;

  StructureHandler(TextBuilder builder, int maxChars, long deadlineNanos) {
    this.builder = builder;
    this.maxChars = maxChars;
    this.deadlineNanos = deadlineNanos;
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
  public void characters(char[] ch, int start, int length) throws SAXException {
    if (System.nanoTime() - deadlineNanos > 0) throw new LimitReached("time");
    if (skipping > 0) return;
    builder.append(new String(ch, start, length));
    if (builder.truncated()) throw new LimitReached("the document's text is over the limit of " + maxChars + " characters");
    if (inHeading && heading.length() < 1000) heading.append(ch, start, Math.min(length, 1000));
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
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
