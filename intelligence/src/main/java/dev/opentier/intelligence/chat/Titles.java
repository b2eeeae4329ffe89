package dev.opentier.intelligence.chat;

import dev.opentier.intelligence.llm.LlmException;
import dev.opentier.intelligence.llm.LlmProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A conversation's title from its first message: the model's, or offline, its first key words. */
final class Titles {
  static final int MAX_CHARS = 60;
  private static final Set<String> SKIP = Set.of("a", "an", "the", "is", "are", "was", "were", "do", "does", "did", "can", "could",
      "what", "which", "who", "whom", "how", "why", "when", "where", "please", "tell", "me", "about", "of", "to", "in", "on", "for",
      "and", "or", "i", "you", "we", "my", "your", "it", "this", "that", "there", "with", "be", "should", "would", "will", "explain");

  private final LlmProvider provider;

  Titles(LlmProvider provider) {
    this.provider = provider;
  }

  String title(String message) {
    if (!provider.extractive()) {
      try {
        StringBuilder title = new StringBuilder();
        provider.stream(new LlmProvider.Request(provider.defaultModel(), List.of(
                new LlmProvider.Message("system", "Write a title of at most six words for a conversation that starts with the user's "
                    + "message. Answer with the title only, without quotes."),
                new LlmProvider.Message("user", message)), 0.2, 24, List.of(), message),
            new LlmProvider.TokenSink() {
              @Override
              public void token(String text) {
                title.append(text);
              }

              @Override
              public boolean cancelled() {
                return false;
              }
            });
        String cleaned = title.toString().strip().replaceAll("^[\"'“”]+|[\"'“”.]+$", "").strip();
        if (!cleaned.isEmpty()) return shorten(cleaned);
      } catch (LlmException e) {
        // fall back to the key words
      }
    }
    return keywords(message);
  }

  /** Up to six key words of the message, the first capitalised. */
  static String keywords(String message) {
    List<String> kept = new ArrayList<>();
    for (String word : message.split("\\s+")) {
      String bare = word.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
      if (bare.isEmpty() || SKIP.contains(bare.toLowerCase(Locale.ROOT))) continue;
      kept.add(bare);
      if (kept.size() == 6) break;
    }
    if (kept.isEmpty()) return "New conversation";
    String title = String.join(" ", kept);
    return shorten(Character.toUpperCase(title.charAt(0)) + title.substring(1));
  }

  private static String shorten(String title) {
    if (title.length() <= MAX_CHARS) return title;
    int cut = title.lastIndexOf(' ', MAX_CHARS - 1);
    return title.substring(0, cut > 20 ? cut : MAX_CHARS - 1) + "…";
  }
}
