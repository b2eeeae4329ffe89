package dev.opentier.curation.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {
  private final PiiRedactor redactor = new PiiRedactor("US");

  @Test
  void eachKindIsReplacedByItsPlaceholder() {
    PiiRedactor.Redaction redaction = redactor.redact(
        "Write to jane.doe+work@example.co.uk or call (650) 253-0000 or +44 20 7946 0958. "
            + "Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, server 192.168.10.20 and 2001:db8::8a2e:370:7334.");

    assertThat(redaction.text()).isEqualTo(
        "Write to [EMAIL] or call [PHONE] or [PHONE]. Card [CARD], IBAN [IBAN], server [IP] and [IP].");
    assertThat(redaction.counts()).isEqualTo(Map.of(
        PiiRedactor.Kind.EMAIL, 1, PiiRedactor.Kind.PHONE, 2, PiiRedactor.Kind.CARD, 1, PiiRedactor.Kind.IBAN, 1, PiiRedactor.Kind.IP, 2));
  }

  @Test
  void aCardLikeNumberThatFailsLuhnIsLeftAlone() {
    String text = "Order 4111 1111 1111 1112 shipped.";
    assertThat(redactor.redact(text).text()).isEqualTo(text);
  }

  @Test
  void ordinaryNumbersAreLeftAlone() {
    String text = "In 2019, 1,245 patients (95% CI 1.2-3.4, p = 0.001) were followed for 12:30 hours; version 1.2.3 shipped.";
    assertThat(redactor.redact(text).text()).isEqualTo(text);
  }

  @Test
  void anIbanWithAWrongCheckDigitIsLeftAlone() {
    String text = "Account DE88 3704 0044 0532 0130 00 closed.";
    assertThat(redactor.redact(text).text()).isEqualTo(text);
  }

  @Test
  void theOnePassPrecheckLetThroughEveryPatternThatCanMatch() {
    assertThat(PiiRedactor.Precheck.of("mail a@b.co, card 4111-1111 1111-1111, host 10.0.0.1, v6 fe80::1"))
        .isEqualTo(new PiiRedactor.Precheck(true, true, true, true));
    // Prose with numbers: none of the four patterns can match, so none is run.
    assertThat(PiiRedactor.Precheck.of("In 2019, 1,245 patients (95% CI 1.2-3.4) were seen at 12:30; version 1.2.3 shipped."))
        .isEqualTo(new PiiRedactor.Precheck(false, false, false, false));
    // Short of the minimum by one: 12 digits, 3 digits in an address, one colon.
    assertThat(PiiRedactor.Precheck.of("4111 1111 1111 and 1.0.0. and fe80:1"))
        .isEqualTo(new PiiRedactor.Precheck(false, false, false, false));
  }
}
