package dev.opentier.curation.curate;

import dev.opentier.curation.parse.ParsedDocument;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The normalise stage: Unicode NFKC, invisible and control characters removed, whitespace
 * collapsed, words hyphenated across a line break joined again (the parser marks those breaks
 * with a soft hyphen), and boilerplate removed: short blocks that repeat on many pages of one
 * document (running headers, footers, page numbers, navigation).
 */
public final class TextNormalizer {
  /** Soft hyphen, zero-width space / non-joiner / joiner, word joiner, byte-order mark, and C0/C1 controls. */
  private static final Pattern INVISIBLE = Pattern.compile("[\\u00AD\\u200B\\u200C\\u200D\\u2060\\uFEFF\\p{Cc}&&[^\\n\\t]]");
  private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2007\\u202F]+");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  /** A block longer than this is content, even when it repeats. */
  private static final int BOILERPLATE_MAX_CHARS = 200;
  /** A block this short may be a page number line, where only the digits change. */
  private static final int PAGE_NUMBER_MAX_CHARS = 40;
  /** Boilerplate is only recognised in documents with at least this many pages. */
  private static final int BOILERPLATE_MIN_PAGES = 3;

  /** What normalisation changed. */
  public record Report(int boilerplateBlocksRemoved, int charsBefore, int charsAfter) {}

  public record Result(ParsedDocument document, Report report) {}

  public Result normalize(ParsedDocument document) {
    Set<String> boilerplate = boilerplate(document);
    int[] removed = {0};
    ParsedDocument normalized = document.rewrite(TextNormalizer::clean, (block, text) -> {
      String cleaned = block.verbatim() ? cleanVerbatim(text) : clean(text);
      if (!boilerplate.isEmpty() && boilerplate.contains(boilerplateKey(cleaned))) {
        removed[0]++;
        return null;
      }
      return cleaned;
    });
    return new Result(normalized, new Report(removed[0], document.text().length(), normalized.text().length()));
  }

  /** NFKC, invisible characters out, whitespace collapsed to single spaces. */
  public static String clean(String text) {
    String composed = Normalizer.normalize(text, Normalizer.Form.NFKC);
    return WHITESPACE.matcher(INVISIBLE.matcher(composed).replaceAll("")).replaceAll(" ").strip();
  }

  /** Code and preformatted text: NFKC and invisible characters out, lines and indentation kept. */
  public static String cleanVerbatim(String text) {
    String composed = Normalizer.normalize(text, Normalizer.Form.NFKC);
    return INVISIBLE.matcher(composed).replaceAll("").replace('\u00A0', ' ').stripTrailing();
  }

  /** Keys of short blocks that appear on at least half the pages (and on 3 or more). */
  private static Set<String> boilerplate(ParsedDocument document) {
    if (document.pages() < BOILERPLATE_MIN_PAGES) return Set.of();
    Map<String, Set<Integer>> pagesByKey = new HashMap<>();
    for (ParsedDocument.Block block : document.blocks()) {
      if (block.page() == null || block.end() - block.start() > BOILERPLATE_MAX_CHARS) continue;
      String key = boilerplateKey(clean(document.text().substring(block.start(), block.end())));
      pagesByKey.computeIfAbsent(key, k -> new HashSet<>()).add(block.page());
    }
    int needed = Math.max(BOILERPLATE_MIN_PAGES, (document.pages() + 1) / 2);
    Set<String> keys = new HashSet<>();
    pagesByKey.forEach((key, pages) -> {
      if (pages.size() >= needed) keys.add(key);
    });
    return keys;
  }

  /** Page numbers differ from page to page ("Page 3 of 10"): in short blocks, digits do not count. */
  private static String boilerplateKey(String text) {
    String key = text.toLowerCase(Locale.ROOT);
    return key.length() <= PAGE_NUMBER_MAX_CHARS ? DIGITS.matcher(key).replaceAll("#") : key;
  }
}
