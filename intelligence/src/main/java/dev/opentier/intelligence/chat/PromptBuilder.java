package dev.opentier.intelligence.chat;

import dev.opentier.embedding.WordPieceTokenizer;
import dev.opentier.intelligence.llm.LlmProvider.Context;
import dev.opentier.intelligence.llm.LlmProvider.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the messages a model reads, within a token budget: the system prompt with the numbered
 * context passages [1]..[k] (as many as fit, best first), then the most recent conversation turns
 * that still fit, then the question. Tokens are counted with the embedding model's word pieces: an
 * estimate of the LLM's own count, close for English.
 */
public final class PromptBuilder {
  static final String SYSTEM = """
      You are OpenTier's assistant. Answer the user's question using the numbered passages below when \
      they are relevant, and cite each passage you use with its number in square brackets, like [1] or \
      [2][3], right after the statement it supports. Cite only passages you actually used. If the \
      passages do not contain the answer, say so plainly instead of guessing.""";
  static final String SYSTEM_WITHOUT_PASSAGES = "You are OpenTier's assistant. Answer the user's question.";

  /** The messages, the passages that made it in, and the tokens counted. */
  public record Prompt(List<Message> messages, List<Context> passages, int tokens, int historyTurns) {}

  private final WordPieceTokenizer tokenizer;
  private final int budget;

  public PromptBuilder(WordPieceTokenizer tokenizer, int budget) {
    this.tokenizer = tokenizer;
    this.budget = budget;
  }

  /**
   * @param history earlier messages, oldest first (the current question not among them)
   */
  public Prompt build(List<Message> history, List<Context> passages, String question) {
    int used = count(question);
    List<Context> included = new ArrayList<>();
    StringBuilder system = new StringBuilder(passages.isEmpty() ? SYSTEM_WITHOUT_PASSAGES : SYSTEM);
    used += count(system);
    for (Context passage : passages) {
      String block = "\n\n[" + passage.index() + "] " + (passage.title() == null || passage.title().isBlank() ? "" : passage.title() + "\n")
          + passage.text();
      int cost = count(block);
      if (used + cost > budget) break;
      system.append(block);
      included.add(passage);
      used += cost;
    }
    // The most recent turns that fit, kept in order.
    List<Message> turns = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      Message turn = history.get(i);
      int cost = count(turn.content()) + 4;
      if (used + cost > budget) break;
      turns.addFirst(turn);
      used += cost;
    }
    List<Message> messages = new ArrayList<>();
    messages.add(new Message("system", system.toString()));
    messages.addAll(turns);
    messages.add(new Message("user", question));
    return new Prompt(messages, included, used, turns.size());
  }

  int count(CharSequence text) {
    return tokenizer.countTokens(text.toString());
  }
}
