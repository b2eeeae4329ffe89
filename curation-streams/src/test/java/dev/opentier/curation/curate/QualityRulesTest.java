package dev.opentier.curation.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QualityRulesTest {
  private static final QualityRules.Thresholds DEFAULTS = new QualityRules.Thresholds(3, 3, 10, 0.1, 0.9, 0.3, 0.8, 0.3, 0.2, 0.15, 2);
  private final QualityRules rules = new QualityRules(DEFAULTS);

  @Test
  void ordinaryEnglishProsePassesEveryRule() {
    for (String prose : List.of(Prose.LIGHTHOUSE, Prose.VOLCANO, Prose.BEES, Prose.BEES_OTHER)) {
      QualityRules.Report report = rules.check(prose, "en");
      assertThat(report.failures()).as(prose).isEmpty();
      assertThat(report.measurements()).containsKeys("words", "stop_words", "duplicate_5gram", "top_2gram");
    }
  }

  @Test
  void tooFewWordsFailsMinWords() {
    assertFails(rules.check("Hello.", "en"), "min_words", 1);
  }

  @Test
  void shortWordsFailMinMeanWordLength() {
    String text = IntStream.range(0, 80).mapToObj(i -> i % 2 == 0 ? "to" : "of").collect(Collectors.joining(" "));
    assertFails(new QualityRules(withoutRepetitionRules()).check(text, "xx"), "min_mean_word_length", 2);
  }

  @Test
  void longWordsFailMaxMeanWordLength() {
    String text = IntStream.range(0, 60).mapToObj(i -> "pneumonoultramicroscopic" + i).collect(Collectors.joining(" "));
    assertThat(failure(rules.check(text, "xx"), "max_mean_word_length").value()).isGreaterThan(25);
  }

  @Test
  void hashesAndEllipsesFailSymbolRatio() {
    String text = Prose.LIGHTHOUSE + " " + IntStream.range(0, 30).mapToObj(i -> "#tag" + i).collect(Collectors.joining(" "));
    QualityRules.Report report = rules.check(text, "en");
    assertThat(failure(report, "symbol_ratio").value()).isGreaterThan(0.1);
  }

  @Test
  void nonWordsFailAlphaWords() {
    String text = Prose.VOLCANO + " " + IntStream.range(0, 200).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    assertThat(failure(rules.check(text, "en"), "alpha_words").value()).isLessThan(0.8);
  }

  @Test
  void englishWithoutStopWordsFailsStopWords() {
    String text = IntStream.range(0, 60).mapToObj(i -> "Quarterly revenue figure" + i + " exceeded forecasts").collect(Collectors.joining(". "));
    assertFails(new QualityRules(withoutRepetitionRules()).check(text, "en"), "stop_words", 0);
    // The rule is for English only.
    assertThat(new QualityRules(withoutRepetitionRules()).check(text, "de").failures()).isEmpty();
  }

  @Test
  void listsOfBulletsFailBulletLines() {
    String text = IntStream.range(0, 30).mapToObj(i -> "• item number " + i + " of the list").collect(Collectors.joining("\n"));
    assertThat(failure(new QualityRules(withoutRepetitionRules()).check(text, "xx"), "bullet_lines").value()).isEqualTo(1.0);
  }

  @Test
  void linesEndingInEllipsisFailEllipsisLines() {
    String text = IntStream.range(0, 20).mapToObj(i -> "Read the rest of story " + i + " here…").collect(Collectors.joining("\n"));
    assertThat(failure(new QualityRules(withoutRepetitionRules()).check(text, "xx"), "ellipsis_lines").value()).isEqualTo(1.0);
  }

  @Test
  void repeatedLinesFailDuplicateLines() {
    String text = Prose.BEES + "\n" + "Subscribe to our newsletter today\n".repeat(10);
    assertThat(failure(rules.check(text, "en"), "duplicate_lines").value()).isGreaterThan(0.3);
  }

  @Test
  void repeatedPhrasesFailTheNgramRules() {
    String text = Prose.BEES + " " + "buy cheap watches online now ".repeat(40);
    QualityRules.Report report = rules.check(text, "en");
    assertThat(failure(report, "top_2gram").value()).isGreaterThan(0.2);
    assertThat(failure(report, "duplicate_5gram").value()).isGreaterThan(0.15);
    assertThat(failure(report, "duplicate_10gram").limit()).isEqualTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
  }

  private static QualityRules.Thresholds withoutRepetitionRules() {
    return new QualityRules.Thresholds(3, 3, 10, 0.1, 0.9, 0.3, 0.8, 1, 1, 1, 2);
  }

  private static void assertFails(QualityRules.Report report, String rule, double value) {
    assertThat(report.passed()).isFalse();
    assertThat(failure(report, rule).value()).isEqualTo(value, org.assertj.core.api.Assertions.within(0.05));
  }

  private static QualityRules.Failure failure(QualityRules.Report report, String rule) {
    return report.failures().stream().filter(f -> f.rule().equals(rule)).findFirst()
        .orElseThrow(() -> new AssertionError(rule + " did not fail: " + report));
  }
}
