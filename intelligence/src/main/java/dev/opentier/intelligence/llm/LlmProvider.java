package dev.opentier.intelligence.llm;

import java.util.List;

/**
 * A language model that streams an answer: OpenAI-compatible servers, Gemini, or the offline
 * extractive responder. Called on the chat call's thread; {@link #stream} returns when the answer
 * is complete, when {@link TokenSink#cancelled()} turns true (the caller went away), or throws.
 */
public interface LlmProvider {
  /** A message of the conversation as the model sees it: system, user or assistant. */
  record Message(String role, String content) {}

  /** A retrieved passage, numbered as the prompt numbers it ([1] is the first). */
  record Context(int index, String title, String text) {}

  /**
   * @param passages the numbered context passages (also inside the messages, for LLMs; the
   *     extractive responder reads them directly)
   */
  record Request(String model, List<Message> messages, double temperature, int maxTokens, List<Context> passages, String question) {}

  record Usage(int promptTokens, int completionTokens) {}

  /** Where the tokens go. */
  interface TokenSink {
    void token(String text);

    boolean cancelled();
  }

  /** The provider's name as settings and messages write it: openai, gemini, extractive. */
  String name();

  String defaultModel();

  /** True for the offline responder that answers from the passages without a model. */
  default boolean extractive() {
    return false;
  }

  Usage stream(Request request, TokenSink sink) throws LlmException;
}
