package dev.opentier.curation.curate;

import java.util.ArrayList;
import dev.opentier.platform.pipeline.CurationProfile;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

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

  /**
   * What the stage measured, which rules reject the document under its profile ({@code failures}:
   * none, and it passes) and which crossed the pre-training thresholds without rejecting it
   * ({@code flags}: shown with the document, never a silent drop).
   */
  public record Report(Map<String, Double> measurements, List<Failure> failures, List<Failure> flags) {
    public Report {
      flags = flags == null ? List.of() : flags;
    }

    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** One measured value and which threshold it is judged by. */
  private record Measure(String rule, double value, boolean isMaximum, ToDoubleFunction<Thresholds> limit) {}

  private final Thresholds limits;

  /** @param limits the pre-training thresholds (Gopher / C4 as configured) */
  public QualityRules(Thresholds limits) {
    this.limits = limits;
  }

  /** Judges under the pre-training thresholds (the {@code pretraining} profile). */
  public Report check(String text, String language) {
    return check(text, language, CurationProfile.PRETRAINING);
  }

  /**
   * @param text the normalised text, blocks separated by blank lines
   * @param language the identified ISO 639-1 code, or null when not identified: the stop-word
   *     rule applies to English only
   * @param profile which thresholds reject; the pre-training ones flag what they would reject
   */
  public Report check(String text, String language, CurationProfile profile) {
    Map<String, Double> measured = new LinkedHashMap<>();
    List<Measure> measures = measure(text, language, measured);
    Thresholds rejecting = switch (profile) {
      case PRETRAINING -> limits;
      case WEB -> web(limits);
      case KNOWLEDGE_BASE -> knowledgeBase(limits);
    };
    List<Failure> failures = judge(measures, rejecting);
    Set<String> failed = new HashSet<>();
    failures.forEach(f -> failed.add(f.rule()));
    List<Failure> flags = judge(measures, limits).stream().filter(f -> !failed.contains(f.rule())).toList();
    return new Report(measured, failures, flags);
  }

  /** Only a document with nothing usable is rejected: below the minimum number of words. */
  static Thresholds knowledgeBase(Thresholds pretraining) {
    return new Thresholds(pretraining.minWords(), 0, Double.MAX_VALUE, Double.MAX_VALUE, 2, 2, 0, 2, 2, 2, 0);
  }

  /**
   * Spam and junk pages: gibberish (very long or very short words, few words with letters),
   * symbol soup, keyword stuffing and pages that are one line or phrase repeated. Loose enough for
   * API references and documentation, which repeat their signatures and phrases by nature.
   */
  static Thresholds web(Thresholds pretraining) {
    return new Thresholds(Math.max(pretraining.minWords(), 10), 2, 30, 0.5, 2, 0.6, 0.4, 0.8, 0.5, 0.9, 0);
  }

  private List<Measure> measure(String text, String language, Map<String, Double> measured) {
    List<Measure> measures = new ArrayList<>();
    String[] tokens = text.isBlank() ? new String[0] : text.strip().split("\\s+");
    List<String> words = new ArrayList<>(tokens.length);
    int symbols = 0;
    for (String token : tokens) {
      if (token.chars().anyMatch(c -> !isPunctuation(c))) words.add(token);
      symbols += count(token, "#") + count(token, "...") + count(token, "…");
    }
    measured.put("words", (double) words.size());
    measures.add(new Measure("min_words", words.size(), false, Thresholds::minWords));
    if (words.size() < STATISTICS_MIN_WORDS) return measures;

    double meanLength = words.stream().mapToInt(String::length).average().orElse(0);
    add(measures, measured, "min_mean_word_length", meanLength, false, Thresholds::minMeanWordLength);
    add(measures, measured, "max_mean_word_length", meanLength, true, Thresholds::maxMeanWordLength);
    add(measures, measured, "symbol_ratio", (double) symbols / words.size(), true, Thresholds::maxSymbolRatio);
    long alpha = words.stream().filter(w -> w.chars().anyMatch(Character::isLetter)).count();
    add(measures, measured, "alpha_words", (double) alpha / words.size(), false, Thresholds::minAlphaWords);
    if ("en".equals(language)) {
      long stop = words.stream().filter(w -> STOP_WORDS.contains(w.toLowerCase(Locale.ROOT))).count();
      add(measures, measured, "stop_words", stop, false, Thresholds::minStopWords);
    }

    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() >= MIN_LINES) checkLines(lines, measures, measured);

    List<String> analysed = words.size() > MAX_WORDS_ANALYSED ? words.subList(0, MAX_WORDS_ANALYSED) : words;
    Ngrams ngrams = new Ngrams(analysed);
    for (int n = 2; n <= 4; n++) {
      int shorter = n - 2;
      add(measures, measured, "top_" + n + "gram", ngrams.topFraction(n), true, t -> t.maxTopNgram() - 0.02 * shorter);
    }
    for (int n = 5; n <= 10; n++) {
      int longer = n - 5;
      add(measures, measured, "duplicate_" + n + "gram", ngrams.duplicateFraction(n), true, t -> t.maxDuplicateNgram() - 0.01 * longer);
    }
    return measures;
  }

  /** The line rules: a share of lines means something only when there are a few lines. */
  private static void checkLines(List<String> lines, List<Measure> measures, Map<String, Double> measured) {
    long bullets = lines.stream().filter(l -> BULLETS.indexOf(l.charAt(0)) >= 0).count();
    long ellipses = lines.stream().filter(l -> l.endsWith("...") || l.endsWith("…")).count();
    add(measures, measured, "bullet_lines", (double) bullets / lines.size(), true, Thresholds::maxBulletLines);
    add(measures, measured, "ellipsis_lines", (double) ellipses / lines.size(), true, Thresholds::maxEllipsisLines);
    long distinctLines = lines.stream().distinct().count();
    add(measures, measured, "duplicate_lines", 1.0 - (double) distinctLines / lines.size(), true, Thresholds::maxDuplicateLines);
  }

  private static void add(List<Measure> measures, Map<String, Double> measured, String rule, double value, boolean isMaximum,
      ToDoubleFunction<Thresholds> limit) {
    measured.put(rule, round(value));
    measures.add(new Measure(rule, value, isMaximum, limit));
  }

  private static List<Failure> judge(List<Measure> measures, Thresholds thresholds) {
    List<Failure> failures = new ArrayList<>();
    for (Measure m : measures) {
      double limit = m.limit().applyAsDouble(thresholds);
      if (m.isMaximum() ? m.value() > limit : m.value() < limit) failures.add(new Failure(m.rule(), round(m.value()), round(limit)));
    }
    return failures;
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
