package dev.opentier.curation.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A document's text with its structure: the plain text (what chunk offsets point into), and its
 * blocks in order, each a heading or a paragraph with its span in the text and its page.
 *
 * @param title the document's title (metadata, first heading, or null)
 * @param mediaType what the parser found the document to be
 * @param pages the number of pages for paged formats (PDF), else 0
 */
public record ParsedDocument(String title, String mediaType, String text, List<Block> blocks, int pages, Extraction extraction) {

  public ParsedDocument {
    blocks = List.copyOf(blocks);
  }

  /**
   * The media type of a document held in its parsed, curated (PII-redacted) form: what the pipeline
   * keeps of a duplicate or a rejected document, so that it can be judged again or indexed anyway
   * without keeping its raw bytes.
   */
  public static final String MEDIA_TYPE = "application/vnd.opentier.parsed+json";

  /** This document as held content ({@link #MEDIA_TYPE}). */
  public byte[] toHeld() {
    try {
      return HELD.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed document must serialise", e);
    }
  }

  /** A held document read back, checked as if it were any other input: spans in order and inside the text. */
  public static ParsedDocument fromHeld(byte[] content, int maxChars) throws ParseException {
    ParsedDocument held;
    try {
      held = HELD.readValue(content, ParsedDocument.class);
    } catch (IOException e) {
      throw new ParseException("not a held document: " + DocumentParser.rootMessage(e), e);
    }
    if (held.text() == null || held.text().length() > maxChars) throw new ParseException("a held document's text is missing or over the limit");
    int end = 0;
    for (Block block : held.blocks()) {
      if (block.start() < end || block.end() < block.start() || block.end() > held.text().length() || block.level() < 0 || block.level() > 6) {
        throw new ParseException("a held document's blocks are not in order inside its text");
      }
      end = block.end();
    }
    if (held.blocks().isEmpty()) throw new ParseException("no text found in this held document");
    return held;
  }

  private static final ObjectMapper HELD = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ParsedDocument(String title, String mediaType, String text, List<Block> blocks, int pages) {
    this(title, mediaType, text, blocks, pages, null);
  }

  /**
   * What main-content extraction kept of a web page (null for other formats): the characters of
   * the whole page's text and of the main content, the chrome blocks it removed (navigation,
   * sidebars, tables of contents, headers, footers, permalink signs …), and where the main
   * content was found.
   */
  public record Extraction(int pageChars, int keptChars, int removedBlocks, String main) {}

  /**
   * The same document with each block's text rewritten (a block rewritten to empty is dropped) and
   * the title rewritten alike; spans are recomputed, blocks still separated by a blank line.
   */
  public ParsedDocument rewrite(UnaryOperator<String> titleRewrite, BiFunction<Block, String, String> blockRewrite) {
    StringBuilder rewritten = new StringBuilder(text.length());
    List<Block> kept = new ArrayList<>(blocks.size());
    for (Block block : blocks) {
      String blockText = blockRewrite.apply(block, text.substring(block.start(), block.end()));
      if (blockText == null || blockText.isEmpty()) continue;
      if (!rewritten.isEmpty()) rewritten.append("\n\n");
      int start = rewritten.length();
      rewritten.append(blockText);
      kept.add(new Block(block.level(), start, rewritten.length(), block.page(), block.verbatim()));
    }
    return new ParsedDocument(title == null ? null : titleRewrite.apply(title), mediaType, rewritten.toString(), kept, pages, extraction);
  }

  /**
   * A heading (level 1–6) or a paragraph (level 0), spanning {@code text.substring(start, end)};
   * a verbatim block (code, preformatted text) keeps its line breaks and indentation.
   */
  public record Block(int level, int start, int end, Integer page, boolean verbatim) {
    public Block(int level, int start, int end, Integer page) {
      this(level, start, end, page, false);
    }

    public boolean isHeading() {
      return level > 0;
    }
  }
}
