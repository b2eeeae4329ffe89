package dev.opentier.curation.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Assembles a document's text block by block: blocks are separated by a blank line, whitespace
 * inside a block is collapsed (a verbatim block keeps its lines and indentation), and each block's
 * span and page are recorded. Bounded as it grows: once the text (or a block still being read)
 * reaches the character limit, further text is dropped and {@link #truncated()} says so, however
 * the parser delivers it (a whole decompressed file as one block included).
 */
final class TextBuilder {
  private static final Pattern LINE_BREAK_HYPHEN = Pattern.compile("(\\p{L})-[ \\t]*\\r?\\n\\s*(\\p{Ll})");
  private static final Pattern TRAILING_SPACE = Pattern.compile("[ \\t\\x0B\\f\\r]+(?=\\n|$)");
  private final StringBuilder text = new StringBuilder();
  private final List<ParsedDocument.Block> blocks = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private final int maxChars;
  private int pendingLevel;
  private boolean pendingVerbatim;
  private Integer page;
  private boolean truncated;

  TextBuilder(int maxChars) {
    this.maxChars = maxChars;
  }

  void startBlock(int level) {
    endBlock();
    pendingLevel = level;
  }

  /** Starts a block whose line breaks and indentation are kept (code, preformatted text). */
  void startVerbatimBlock() {
    endBlock();
    pendingVerbatim = true;
  }

  void append(CharSequence chars) {
    if (truncated) return;
    int room = maxChars - text.length() - pending.length();
    if (chars.length() > room) {
      // What a block can still hold; the rest is dropped as it arrives, never buffered.
      pending.append(chars, 0, Math.max(0, room));
      truncated = true;
      return;
    }
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
    boolean verbatim = pendingVerbatim;
    String collapsed = verbatim ? verbatim(pending) : collapse(pending);
    pending.setLength(0);
    int level = pendingLevel;
    pendingLevel = 0;
    pendingVerbatim = false;
    if (collapsed.isEmpty() || text.length() >= maxChars) return;
    if (!text.isEmpty()) text.append("\n\n");
    if (text.length() + collapsed.length() > maxChars) {
      collapsed = collapsed.substring(0, Math.max(0, maxChars - text.length()));
      truncated = true;
      if (collapsed.isEmpty()) return;
    }
    int start = text.length();
    text.append(collapsed);
    blocks.add(new ParsedDocument.Block(level, start, text.length(), page, verbatim));
  }

  private static String collapse(CharSequence pending) {
    // A word hyphenated across a line break keeps a soft hyphen where the break was: invisible,
    // and the normalise stage joins the word (de-hyphenation) by removing it.
    return LINE_BREAK_HYPHEN.matcher(pending).replaceAll("$1\u00AD$2").replaceAll("\\s+", " ").strip();
  }

  /** Lines kept as they are, trailing spaces and blank lines around the block dropped. */
  private static String verbatim(CharSequence pending) {
    String lines = TRAILING_SPACE.matcher(pending.toString().replace("\r\n", "\n").replace('\r', '\n').replace('\u00A0', ' ')).replaceAll("");
    return lines.replaceAll("^\\n+", "").stripTrailing();
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
