package dev.opentier.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.opentier.curation.index.DocumentIndex;
import java.time.Duration;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** What is the database's or the broker's failure (retried) and what is the document's (concluded once). */
class PassingFailureTest {
  @Test
  void aDatabaseThatCannotBeReachedIsAPassingFailure() {
    Throwable down = catchThrowable(() -> new DocumentIndex(DSL.using("jdbc:postgresql://127.0.0.1:1/opentier", "opentier", "x"))
        .isCurrent("a-document", "a-version"));

    assertThat(down).isNotNull();
    assertThat(PassingFailure.isPassing(down)).isTrue();
    assertThat(PassingFailure.isPassing(new RuntimeException("wrapped", new PSQLException("terminating connection", PSQLState.CONNECTION_FAILURE))))
        .isTrue();
  }

  @Test
  void whatTheDocumentCausesIsNot() {
    assertThat(PassingFailure.isPassing(new PSQLException("invalid input syntax", PSQLState.INVALID_PARAMETER_VALUE))).isFalse();
    assertThat(PassingFailure.isPassing(new IllegalStateException("a bug"))).isFalse();
    assertThat(PassingFailure.isPassing(new StackOverflowError())).isFalse();
  }

  @Test
  void backOffDoublesUpToItsMaximum() {
    BackOff backOff = new BackOff(Duration.ofSeconds(1), Duration.ofSeconds(5));

    assertThat(backOff.next()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backOff.next()).isEqualTo(Duration.ofSeconds(2));
    assertThat(backOff.next()).isEqualTo(Duration.ofSeconds(4));
    assertThat(backOff.next()).isEqualTo(Duration.ofSeconds(5));
    assertThat(backOff.next()).isEqualTo(Duration.ofSeconds(5));
  }
}
