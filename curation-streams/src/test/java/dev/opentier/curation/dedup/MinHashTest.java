package dev.opentier.curation.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.opentier.curation.curate.Prose;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MinHashTest {
  @Test
  void theEstimateIsCloseToTheTrueJaccardSimilarityOfTheShingles() {
    String original = Prose.LIGHTHOUSE + " " + Prose.VOLCANO;
    String edited = original.replace("For more than a century a keeper climbed", "For many decades a paid keeper climbed");

    double estimate = MinHash.similarity(MinHash.signature(original), MinHash.signature(edited));

    assertThat(estimate).isCloseTo(jaccard(original, edited), within(0.12));
    assertThat(estimate).isGreaterThan(0.8);
  }

  @Test
  void identicalTextsShareEverySignatureValueAndBand() {
    int[] a = MinHash.signature(Prose.BEES);
    int[] b = MinHash.signature("  " + Prose.BEES.toUpperCase() + "\n");
    assertThat(MinHash.similarity(a, b)).isEqualTo(1.0);
    assertThat(MinHash.bands(a)).isEqualTo(MinHash.bands(b)).hasSize(MinHash.BANDS);
  }

  @Test
  void differentArticlesOnOneTopicAreFarApart() {
    assertThat(MinHash.similarity(MinHash.signature(Prose.BEES), MinHash.signature(Prose.BEES_OTHER))).isLessThan(0.2);
  }

  @Test
  void signaturesSurviveTheirByteForm() {
    int[] signature = MinHash.signature(Prose.VOLCANO);
    assertThat(MinHash.fromBytes(MinHash.toBytes(signature))).isEqualTo(signature);
  }

  private static double jaccard(String a, String b) {
    Set<String> x = shingles(a);
    Set<String> y = shingles(b);
    Set<String> union = new HashSet<>(x);
    union.addAll(y);
    x.retainAll(y);
    return (double) x.size() / union.size();
  }

  private static Set<String> shingles(String text) {
    List<String> words = List.of(text.toLowerCase().split("[^\\p{L}\\p{N}]+"));
    Set<String> shingles = new HashSet<>();
    for (int i = 0; i + 5 <= words.size(); i++) shingles.add(String.join(" ", words.subList(i, i + 5)));
    return shingles;
  }
}
