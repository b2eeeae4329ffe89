package dev.opentier.curation.chunk;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.embedding.WordPieceTokenizer;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a parsed document into chunks that fit the embedding model's window, following its
 * structure: a chunk never spans two sections (a heading starts a new one) nor two pages (so a
 * citation's page is exact), breaks fall between
 * sentences, and a sentence longer than the window is cut at token boundaries. Consecutive chunks
 * of one section overlap by up to {@code overlapTokens} of whole sentences. Tokens are counted with
 * the model's own tokenizer, so every chunk's count (special tokens included) is at most
 * {@code maxTokens}.
 */
public final class Chunker {
  private static final int SPECIAL_TOKENS = 2; // [CLS] … [SEP]
  static final int MAX_CONTEXT_TOKENS = 32;

  private final WordPieceTokenizer tokenizer;
  private final int maxTokens;
  private final int overlapTokens;

  public Chunker(WordPieceTokenizer tokenizer, int maxTokens, int overlapTokens) {
    if (maxTokens < 16 || maxTokens > WordPieceTokenizer.MAX_TOKENS) {
      throw new IllegalArgumentException("maxTokens must be between 16 and " + WordPieceTokenizer.MAX_TOKENS);
    }
    if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) throw new IllegalArgumentException("overlapTokens must be below half of maxTokens");
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
    this.overlapTokens = overlapTokens;
  }

  /** A piece of text that is never split further: a sentence, or a window of a very long one. */
  private record Unit(int start, int end, int tokens, Integer page, int section) {}

  /**
   * The document's title as every chunk's context: embedded with the chunk's text (see {@link
   * Chunk#embeddingText()}) and searched with it, so a passage is found by what its document is
   * about. At most {@value #MAX_CONTEXT_TOKENS} word pieces; the chunks leave room for it.
   */
  String context(ParsedDocument document) {
    String title = document.title() == null ? "" : document.title().strip().replaceAll("\\s+", " ");
    while (!title.isEmpty() && tokenizer.countTokens(title) - SPECIAL_TOKENS > MAX_CONTEXT_TOKENS) {
      int cut = title.lastIndexOf(' ');
      title = cut > 0 ? title.substring(0, cut) : title.substring(0, title.length() / 2);
    }
    return title;
  }

  public List<Chunk> chunk(ParsedDocument document) {
    String context = context(document);
    int limit = maxTokens - (context.isEmpty() ? 0 : tokenizer.countTokens(context) - SPECIAL_TOKENS);
    String text = document.text();
    List<Unit> units = new ArrayList<>();
    List<List<String>> sectionPaths = new ArrayList<>();
    String[] headings = new String[6];
    sectionPaths.add(List.of());
    int section = 0;
    Integer page = null;
    for (ParsedDocument.Block block : document.blocks()) {
      if (block.isHeading()) {
        headings[block.level() - 1] = text.substring(block.start(), block.end());
        Arrays.fill(headings, block.level(), headings.length, null);
        sectionPaths.add(Arrays.stream(headings).filter(h -> h != null).toList());
        section++;
      } else if (block.page() != null && !block.page().equals(page) && !units.isEmpty()) {
        sectionPaths.add(sectionPaths.get(section)); // a new page: same headings, new chunk
        section++;
      }
      page = block.page();
      addUnits(text, block, section, units, limit);
    }
    return assemble(text, units, sectionPaths, limit, context);
  }

  private void addUnits(String text, ParsedDocument.Block block, int section, List<Unit> into, int limit) {
    BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
    String blockText = text.substring(block.start(), block.end());
    sentences.setText(blockText);
    int start = sentences.first();
    for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
      int from = block.start() + start;
      int to = block.start() + end;
      while (to > from && Character.isWhitespace(text.charAt(to - 1))) to--;
      if (to <= from) continue;
      addSentence(text, from, to, block.page(), section, into, limit);
    }
  }

  private void addSentence(String text, int from, int to, Integer page, int section, List<Unit> into, int limit) {
    String sentence = text.substring(from, to);
    int tokens = tokenizer.countTokens(sentence) - SPECIAL_TOKENS; // ids only: no per-token objects
    int budget = limit - SPECIAL_TOKENS;
    if (tokens <= budget) {
      if (tokens > 0) into.add(new Unit(from, to, tokens, page, section));
      return;
    }
    // Longer than the window: cut at token boundaries, a little under the budget at a time (a cut
    // inside a word can re-tokenise a few pieces differently when the window is counted alone).
    Encoding encoding = tokenizer.encodeUntruncated(sentence);
    int window = budget - 8;
    CharSpan[] spans = encoding.getCharTokenSpans();
    long[] special = encoding.getSpecialTokenMask();
    List<CharSpan> real = new ArrayList<>();
    for (int i = 0; i < spans.length; i++) {
      if (special[i] == 0 && spans[i] != null) real.add(spans[i]);
    }
    for (int i = 0; i < real.size(); i += window) {
      int last = Math.min(real.size(), i + window) - 1;
      into.add(new Unit(from + real.get(i).getStart(), from + real.get(last).getEnd(), last - i + 1, page, section));
    }
  }

  private List<Chunk> assemble(String text, List<Unit> units, List<List<String>> sectionPaths, int limit, String context) {
    List<Chunk> chunks = new ArrayList<>();
    List<Unit> current = new ArrayList<>();
    int tokens = 0;
    for (int i = 0; i < units.size(); i++) {
      Unit unit = units.get(i);
      boolean newSection = !current.isEmpty() && current.getFirst().section() != unit.section();
      boolean full = !current.isEmpty() && tokens + unit.tokens() + SPECIAL_TOKENS > limit;
      if (newSection || full) {
        List<Unit> carried = emit(text, current, sectionPaths, chunks, limit, context);
        current = new ArrayList<>();
        tokens = 0;
        if (!newSection && carried.isEmpty()) {
          // Overlap: the previous chunk's last whole sentences, up to overlapTokens.
          List<Unit> previous = units.subList(0, i);
          int overlap = 0;
          for (int j = previous.size() - 1; j >= 0 && previous.get(j).section() == unit.section(); j--) {
            Unit candidate = previous.get(j);
            if (overlap + candidate.tokens() > overlapTokens
                || overlap + candidate.tokens() + unit.tokens() + SPECIAL_TOKENS > limit) break;
            current.addFirst(candidate);
            overlap += candidate.tokens();
          }
          tokens = overlap;
        } else {
          current.addAll(carried);
          for (Unit carriedUnit : carried) tokens += carriedUnit.tokens();
        }
      }
      current.add(unit);
      tokens += unit.tokens();
    }
    while (!current.isEmpty()) current = new ArrayList<>(emit(text, current, sectionPaths, chunks, limit, context));
    return chunks;
  }

  /**
   * Emits the units as one chunk, re-counting its tokens as a whole; when joining them made it
   * longer than the window (word pieces can differ at joins), the tail units are returned to start
   * the next chunk instead.
   */
  private List<Unit> emit(String text, List<Unit> units, List<List<String>> sectionPaths, List<Chunk> into, int limit, String context) {
    int keep = units.size();
    while (keep > 0) {
      Unit first = units.getFirst();
      Unit last = units.get(keep - 1);
      String chunkText = text.substring(first.start(), last.end());
      int count = tokenizer.countTokens(chunkText);
      if (count <= limit || keep == 1) {
        into.add(new Chunk(into.size(), chunkText, count, sectionPaths.get(first.section()),
            first.start(), last.end(), first.page(), context));
        return List.copyOf(units.subList(keep, units.size()));
      }
      keep--;
    }
    return List.of();
  }
}
