package dev.opentier.curation.parse;

import java.util.List;

/**
 * A document's text with its structure: the plain text (what chunk offsets point into), and its
 * blocks in order, each a heading or a paragraph with its span in the text and its page.
 *
 * @param title the document's title (metadata, first heading, or null)
 * @param mediaType what the parser found the document to be
 * @param pages the number of pages for paged formats (PDF), else 0
 */
public record ParsedDocument(String title, String mediaType, String text, List<Block> blocks, int pages) {

  public ParsedDocument {
    blocks = List.copyOf(blocks);
  }

  /** A heading (level 1–6) or a paragraph (level 0), spanning {@code text.substring(start, end)}. */
  public record Block(int level, int start, int end, Integer page) {
    public boolean isHeading() {
      return level > 0;
    }
  }
}
