package dev.opentier.intelligence.llm;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The offline responder, used when no model is configured: it answers with the sentences of the
 * retrieved passages that share the most words with the question, in passage order, each followed
 * by the marker of the passage it was taken from, and says plainly that the answer is extractive.
 * Streamed word by word like a model's answer.
 */
public final class ExtractiveProvider implements LlmProvider {
  public static final String PREFIX = "Extractive answer (no language model is configured; these sentences are quoted from your documents): ";
  public static final String NOTHING_FOUND = "I found nothing in the documents you can access that answers this.";
  private static final int MAX_SENTENCES = 4;
  private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for",
      "from", "has", "have", "how", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "what", "when",
      "where", "which", "who", "why", "with", "i", "you", "me", "my", "we", "our", "about", "there", "their", "they");

  @Override
  public String name() {
    return "extractive";
  }

  @Override
  public String defaultModel() {
    return "extractive";
  }

  @Override
  public boolean extractive() {
    return true;
  }

  /** A sentence of a passage with its score. */
  record Candidate(int passage, int position, String sentence, double score) {}

  @Override
  public Usage stream(Request request, TokenSink sink) {
    List<Candidate> chosen = choose(request.question(), request.passages());
    StringBuilder answer = new StringBuilder(chosen.isEmpty() ? NOTHING_FOUND : PREFIX);
    for (Candidate candidate : chosen) answer.append(candidate.sentence()).append(" [").append(candidate.passage()).append("] ");
    String text = answer.toString().strip();
    int words = 0;
    for (String piece : text.split("(?<= )")) {
      if (sink.cancelled()) break;
      sink.token(piece);
      words++;
    }
    return new Usage(0, words);
  }

  /** The best sentences (at most four, each sharing a word with the question), in passage and reading order. */
  static List<Candidate> choose(String question, List<Context> passages) {
    Set<String> asked = words(question);
    List<Candidate> candidates = new ArrayList<>();
    for (Context passage : passages) {
      BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
      sentences.setText(passage.text());
      int position = 0;
      for (int start = sentences.first(), end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
        String sentence = passage.text().substring(start, end).strip();
        if (sentence.length() < 20) continue;
        Set<String> said = words(sentence);
        long shared = said.stream().filter(asked::contains).count();
        if (shared == 0) continue;
        // Shared words, a little less for later passages (retrieval ranked them lower) and long sentences.
        double score = shared / Math.sqrt(Math.max(4, said.size())) * (1.0 - 0.05 * (passage.index() - 1));
        candidates.add(new Candidate(passage.index(), position++, sentence, score));
      }
    }
    return candidates.stream()
        .sorted(Comparator.comparingDouble(Candidate::score).reversed())
        .limit(MAX_SENTENCES)
        .sorted(Comparator.comparingInt(Candidate::passage).thenComparingInt(Candidate::position))
        .toList();
  }

  static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (word.length() > 1 && !STOP_WORDS.contains(word)) words.add(word);
    }
    return words;
  }
}
