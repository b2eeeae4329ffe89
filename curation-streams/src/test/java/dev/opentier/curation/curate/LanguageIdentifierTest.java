package dev.opentier.curation.curate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageIdentifierTest {
  private final LanguageIdentifier languages = new LanguageIdentifier();

  @Test
  void aParagraphIsNamedByItsTwoLetterCode() {
    assertThat(languages.identify("The quick brown fox jumps over the lazy dog and then runs into the forest, where it hides until morning."))
        .isEqualTo("en");
    assertThat(languages.identify("Der schnelle braune Fuchs springt über den faulen Hund und läuft dann weiter in den Wald hinein, wo er sich versteckt."))
        .isEqualTo("de");
    assertThat(languages.identify("Le renard brun rapide saute par-dessus le chien paresseux, puis il court dans la forêt où il se cache pendant la nuit."))
        .isEqualTo("fr");
    assertThat(languages.identify("El rápido zorro marrón salta sobre el perro perezoso y luego corre hacia el bosque, donde se esconde durante la noche."))
        .isEqualTo("es");
    assertThat(languages.identify("Быстрая коричневая лиса перепрыгивает через ленивую собаку и убегает в лес, где прячется до утра."))
        .isEqualTo("ru");
    assertThat(languages.identify("素早い茶色の狐がのろまな犬を飛び越えて、森の中へ走って行き、朝まで隠れていました。")).isEqualTo("ja");
  }

  @Test
  void mandarinIsRecordedAsChineseNotByItsIndividualCode() {
    assertThat(languages.identify("敏捷的棕色狐狸跳过了懒狗，然后跑进森林里躲了起来，直到第二天早上才出来。")).isEqualTo("zh");
  }

  @Test
  void tooFewLettersAreUndetermined() {
    assertThat(languages.identify("3.14 + 2.71 = 5.85 (see table 4)")).isEqualTo(LanguageIdentifier.UNDETERMINED);
  }

  @Test
  void onlyTheStartOfALongDocumentIsRead() {
    String english = "Clinical trials measure how a treatment changes outcomes for patients over several years of care. ".repeat(8);
    String german = "Klinische Studien messen, wie eine Behandlung den Verlauf für Patienten über mehrere Jahre verändert. ".repeat(40);
    assertThat(languages.identify(english + german)).isEqualTo("en");
  }
}
