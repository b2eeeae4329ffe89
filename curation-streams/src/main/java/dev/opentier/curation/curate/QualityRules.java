package dev.opentier.curation.curate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The quality stage: heuristics in the spirit of Gopher (Rae et al. 2021) and C4, as datatrove
 * and NeMo Curator publish them. Each rule measures one thing and fails when the value crosses
 * its threshold; a document fails when any rule does, and the report carries every measurement
 * and every failure with its value.
 *
 * <p>A document shorter than {@value #STATISTICS_MIN_WORDS} words is judged by the minimum-word
 * rule alone: ratios over a handful of words say nothing (Gopher itself drops such documents;
 * OpenTier keeps short notes), and the line rules need {@value #MIN_LINES} lines. Repetition is
 * measured on the first {@value #MAX_WORDS_ANALYSED} words. The default duplicate n-gram limit is
 * twice Gopher's: Gopher's was tuned on web pages for pre-training and rejected 3% of SciFact's
 * scientific abstracts, which repeat their key phrases by nature; spam scores far above either.
 */
public final class QualityRules {
  public static final int STATISTICS_MIN_WORDS = 50;
  /** The line rules (bullets, ellipses, repeated lines) need this many lines. */
  public static final int MIN_LINES = 5;
  private static final int MAX_WORDS_ANALYSED = 100_000;
  private static final Set<String> STOP_WORDS = Set.of("the", "be", "to", "of", "and", "that", "have", "with");
  private static final String BULLETS = "•‣⁃◦▪▫●○■□–-*·";

  /** The thresholds; the n-gram limits are for the shortest n-gram and fall by 0.02 (top) or 0.01 (duplicate) per word. */
  public record Thresholds(
      int minWords,
      double minMeanWordLength,
      double maxMeanWordLength,
      double maxSymbolRatio,
      double maxBulletLines,
      double maxEllipsisLines,
      double minAlphaWords,
      double maxDuplicateLines,
      double maxTopNgram,
      double maxDuplicateNgram,
      int minStopWords) {}

  /** A rule that failed: its name, the measured value and the limit it crossed. */
  public record Failure(String rule, double value, double limit) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s=%s (limit %s)", rule, format(value), format(limit));
    }
  }

  /** What the stage measured and which rules failed (none: the document passes). */
  public record Report(Map<String, Double> measurements, List<Failure> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  private final Thresholds limits;

  public QualityRules(Thresholds limits) {
    this.limits = limits;
  }

  /**
   * @param text the normalised text, blocks separated by blank lines
   * @param language the identified ISO 639-1 code, or null when not identified: the stop-word
   *     rule applies to English only
   */
  public Report check(String text, String language) {
    Map<String, Double> measured = new LinkedHashMap<>();
    List<Failure> failures = new ArrayList<>();
    String[] tokens = text.isBlank() ? new String[0] : text.strip().split("\\s+");
    List<String> words = new ArrayList<>(tokens.length);
    int symbols = 0;
    for (String token : tokens) {
      if (token.chars().anyMatch(c -> !isPunctuation(c))) words.add(token);
      symbols += count(token, "#") + count(token, "...") + count(token, "…");
    }
    measured.put("words", (double) words.size());
    if (words.size() < limits.minWords()) failures.add(new Failure("min_words", words.size(), limits.minWords()));
    if (words.size() < STATISTICS_MIN_WORDS) return new Report(measured, failures);

    double meanLength = words.stream().mapToInt(String::length).average().orElse(0);
    measure(measured, failures, "min_mean_word_length", meanLength, limits.minMeanWordLength(), false);
    measure(measured, failures, "max_mean_word_length", meanLength, limits.maxMeanWordLength(), true);
    measure(measured, failures, "symbol_ratio", (double) symbols / words.size(), limits.maxSymbolRatio(), true);
    long alpha = words.stream().filter(w -> w.chars().anyMatch(Character::isLetter)).count();
    measure(measured, failures, "alpha_words", (double) alpha / words.size(), limits.minAlphaWords(), false);
    if ("en".equals(language)) {
      long stop = words.stream().filter(w -> STOP_WORDS.contains(w.toLowerCase(Locale.ROOT))).count();
      measure(measured, failures, "stop_words", stop, limits.minStopWords(), false);
    }

    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() >= MIN_LINES) checkLines(lines, measured, failures);

    List<String> analysed = words.size() > MAX_WORDS_ANALYSED ? words.subList(0, MAX_WORDS_ANALYSED) : words;
    Ngrams ngrams = new Ngrams(analysed);
    for (int n = 2; n <= 4; n++) {
      measure(measured, failures, "top_" + n + "gram", ngrams.topFraction(n), limits.maxTopNgram() - 0.02 * (n - 2), true);
    }
    for (int n = 5; n <= 10; n++) {
      measure(measured, failures, "duplicate_" + n + "gram", ngrams.duplicateFraction(n), limits.maxDuplicateNgram() - 0.01 * (n - 5), true);
    }
    return new Report(measured, failures);
  }

  /** The line rules: a share of lines means something only when there are a few lines. */
  private void checkLines(List<String> lines, Map<String, Double> measured, List<Failure> failures) {
    long bullets = lines.stream().filter(l -> BULLETS.indexOf(l.charAt(0)) >= 0).count();
    long ellipses = lines.stream().filter(l -> l.endsWith("...") || l.endsWith("…")).count();
    measure(measured, failures, "bullet_lines", (double) bullets / lines.size(), limits.maxBulletLines(), true);
    measure(measured, failures, "ellipsis_lines", (double) ellipses / lines.size(), limits.maxEllipsisLines(), true);
    long distinctLines = lines.stream().distinct().count();
    measure(measured, failures, "duplicate_lines", 1.0 - (double) distinctLines / lines.size(), limits.maxDuplicateLines(), true);
  }

  private static void measure(Map<String, Double> measured, List<Failure> failures, String rule, double value, double limit, boolean isMaximum) {
    measured.put(rule, round(value));
    if (isMaximum ? value > limit : value < limit) failures.add(new Failure(rule, round(value), round(limit)));
  }

  /**
   * Word n-gram statistics over hashes of words (no n-gram strings are built). Fractions are of
   * the characters in words, as Gopher defines them.
   */
  private static final class Ngrams {
    private final long[] hashes;
    private final int[] lengths;
    private final long totalChars;

    Ngrams(List<String> words) {
      hashes = new long[words.size()];
      lengths = new int[words.size()];
      long chars = 0;
      for (int i = 0; i < hashes.length; i++) {
        String word = words.get(i).toLowerCase(Locale.ROOT);
        hashes[i] = mix(word.hashCode());
        lengths[i] = word.length();
        chars += word.length();
      }
      totalChars = Math.max(1, chars);
    }

    /** Share of characters covered by the most frequent n-gram's occurrences. */
    double topFraction(int n) {
      Map<Long, int[]> counts = counts(n);
      long best = 0;
      for (int[] countAndFirst : counts.values()) {
        if (countAndFirst[0] < 2) continue;
        long chars = (long) countAndFirst[0] * chars(countAndFirst[1], n);
        best = Math.max(best, chars);
      }
      return (double) best / totalChars;
    }

    /** Share of characters in words covered by some n-gram that occurs more than once. */
    double duplicateFraction(int n) {
      Map<Long, int[]> counts = counts(n);
      boolean[] covered = new boolean[hashes.length];
      for (int i = 0; i + n <= hashes.length; i++) {
        if (counts.get(ngram(i, n))[0] > 1) java.util.Arrays.fill(covered, i, i + n, true);
      }
      long chars = 0;
      for (int i = 0; i < covered.length; i++) if (covered[i]) chars += lengths[i];
      return (double) chars / totalChars;
    }

    private Map<Long, int[]> counts(int n) {
      Map<Long, int[]> counts = new HashMap<>();
      for (int i = 0; i + n <= hashes.length; i++) {
        int position = i;
        counts.computeIfAbsent(ngram(i, n), k -> new int[] {0, position})[0]++;
      }
      return counts;
    }

    private long ngram(int start, int n) {
      long hash = n;
      for (int i = start; i < start + n; i++) hash = mix(hash * 31 + hashes[i]);
      return hash;
    }

    private long chars(int start, int n) {
      long chars = 0;
      for (int i = start; i < start + n; i++) chars += lengths[i];
      return chars;
    }
  }

  /** A 64-bit finaliser (SplitMix64) so n-gram hashes spread. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static boolean isPunctuation(int c) {
    int type = Character.getType(c);
    return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION || type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
        || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) count++;
    return count;
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
