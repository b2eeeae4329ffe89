package dev.opentier.curation.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Assembles a document's text block by block: blocks are separated by a blank line, whitespace
 * inside a block is collapsed, and each block's span and page are recorded.
 */
final class TextBuilder {
  private static final Pattern LINE_BREAK_HYPHEN = Pattern.compile("(\\p{L})-[ \\t]*\\r?\\n\\s*(\\p{Ll})");
  private final StringBuilder text = new StringBuilder();
  private final List<ParsedDocument.Block> blocks = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private final int maxChars;
  private int pendingLevel;
  private Integer page;
  private boolean truncated;

  TextBuilder(int maxChars) {
    this.maxChars = maxChars;
  }

  void startBlock(int level) {
    endBlock();
    pendingLevel = level;
  }

  void append(CharSequence chars) {
    pending.append(chars);
  }

  void setPage(Integer page) {
    endBlock();
    this.page = page;
  }

  Integer page() {
    return page;
  }

  /** Closes the current block, if it has any visible text. */
  void endBlock() {
    // A word hyphenated across a line break keeps a soft hyphen where the break was: invisible,
    // and the normalise stage joins the word (de-hyphenation) by removing it.
    String collapsed = LINE_BREAK_HYPHEN.matcher(pending).replaceAll("$1\u00AD$2").replaceAll("\\s+", " ").strip();
    pending.setLength(0);
    int level = pendingLevel;
    pendingLevel = 0;
    if (collapsed.isEmpty() || truncated) return;
    if (!text.isEmpty()) text.append("\n\n");
    if (text.length() + collapsed.length() > maxChars) {
      collapsed = collapsed.substring(0, Math.max(0, maxChars - text.length()));
      truncated = true;
      if (collapsed.isEmpty()) return;
    }
    int start = text.length();
    text.append(collapsed);
    blocks.add(new ParsedDocument.Block(level, start, text.length(), page));
  }

  boolean truncated() {
    return truncated;
  }

  String text() {
    return text.toString();
  }

  List<ParsedDocument.Block> blocks() {
    return blocks;
  }
}
