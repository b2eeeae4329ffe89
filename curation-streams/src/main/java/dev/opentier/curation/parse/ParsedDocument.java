package dev.opentier.curation.parse;

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
public record ParsedDocument(String title, String mediaType, String text, List<Block> blocks, int pages) {

  public ParsedDocument {
    blocks = List.copyOf(blocks);
  }

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
      kept.add(new Block(block.level(), start, rewritten.length(), block.page()));
    }
    return new ParsedDocument(title == null ? null : titleRewrite.apply(title), mediaType, rewritten.toString(), kept, pages);
  }

  /** A heading (level 1–6) or a paragraph (level 0), spanning {@code text.substring(start, end)}. */
  public record Block(int level, int start, int end, Integer page) {
    public boolean isHeading() {
      return level > 0;
    }
  }
}
