package dev.opentier.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.embedding.WordPieceTokenizer;
import dev.opentier.intelligence.chat.PromptBuilder;
import dev.opentier.intelligence.llm.LlmProvider.Context;
import dev.opentier.intelligence.llm.LlmProvider.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer = WordPieceTokenizer.forModel(EmbeddingSettings.Model.FP32);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void historyIsTrimmedToTheMostRecentTurnsThatFitTheBudget() {
    List<Message> history = new ArrayList<>();
    for (int i = 0; i < 50; i++) history.add(new Message(i % 2 == 0 ? "user" : "assistant", "Turn number " + i + " " + "words ".repeat(40)));
    List<Context> passages = List.of(new Context(1, "Bees", "Honey bees dance. ".repeat(20)), new Context(2, "Volcanoes", "Ash is fertile. ".repeat(20)));

    PromptBuilder.Prompt prompt = new PromptBuilder(tokenizer, 1_000).build(history, passages, "How do bees dance?");

    int total = prompt.messages().stream().mapToInt(m -> tokenizer.countTokens(m.content()) + 4).sum();
    assertThat(total).isLessThanOrEqualTo(1_000 + 4 * prompt.messages().size());
    assertThat(prompt.tokens()).isLessThanOrEqualTo(1_000);
    assertThat(prompt.historyTurns()).isBetween(1, 49);
    assertThat(prompt.passages()).hasSize(2);
    // The kept turns are the latest, in order, and the question comes last.
    List<Message> turns = prompt.messages().subList(1, prompt.messages().size() - 1);
    assertThat(turns.getLast().content()).startsWith("Turn number 49 ");
    assertThat(prompt.messages().getLast().content()).isEqualTo("How do bees dance?");
    assertThat(prompt.messages().getFirst().content()).contains("[1] Bees").contains("[2] Volcanoes");
  }

  @Test
  void passagesThatDoNotFitAreLeftOutBestFirst() {
    List<Context> passages = List.of(new Context(1, "A", "alpha ".repeat(150)), new Context(2, "B", "beta ".repeat(150)));
    PromptBuilder.Prompt prompt = new PromptBuilder(tokenizer, 300).build(List.of(), passages, "q");
    assertThat(prompt.passages()).extracting(Context::index).containsExactly(1);
  }
}
