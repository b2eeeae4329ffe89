package dev.opentier.curation.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parsing in a worker process: the same result as in this process, and the worst parsers stopped with a reason. */
class IsolatedParserTest {
  private static final DocumentParser.Limits LIMITS = new DocumentParser.Limits(1_000_000, 100_000, Duration.ofSeconds(3));
  private static IsolatedParser isolated;

  @BeforeAll
  static void start() {
    isolated = new IsolatedParser(LIMITS, 1, 64);
  }

  @AfterAll
  static void stop() {
    isolated.close();
  }

  private static final byte[] PAGE = """
      <html><head><title>Kettles — Appliance Guide</title></head><body><main><h1>Kettles</h1>
      <p>A kettle boils water quickly and switches itself off when the water boils.</p></main></body></html>
      """.getBytes(StandardCharsets.UTF_8);

  @Test
  void aWorkerParsesAsThisProcessDoes() throws Exception {
    ParsedDocument here;
    try (DocumentParser parser = new DocumentParser(LIMITS)) {
      here = parser.parse(PAGE, "kettles.html", null, null);
    }
    assertThat(isolated.parse(PAGE, "kettles.html", null, null)).isEqualTo(here);
  }

  @Test
  void reasonsComeBackAsTheyAreGiven() {
    assertThatThrownBy(() -> isolated.parse(new byte[] {'a', 0, 'b'}, "notes.txt", null, null))
        .isInstanceOf(ParseException.class).hasMessageContaining("NUL byte");
  }

  @Test
  void aParserThatNeverReturnsIsStoppedWithItsProcessAndTheNextDocumentIsParsed() throws Exception {
    long before = isolated.stopped();
    assertThatThrownBy(() -> isolated.parse(MisbehavingParser.CONTENT, "loop.never", null, null))
        .isInstanceOf(ParseException.class).hasMessageContaining("took longer than 3 s");
    assertThat(isolated.stopped()).as("the worker with the stuck thread ended").isEqualTo(before + 1);
    assertThat(isolated.parse(PAGE, "kettles.html", null, null).title()).isEqualTo("Kettles");
  }

  @Test
  void aParserThatNeedsMoreThanTheWorkersHeapFailsTheDocumentNotThePipeline() throws Exception {
    assertThatThrownBy(() -> isolated.parse(MisbehavingParser.CONTENT, "big.hog", null, null))
        .isInstanceOf(ParseException.class).hasMessageContaining("more memory than a parse worker's 64 MB");
    assertThat(isolated.parse(PAGE, "kettles.html", null, null).title()).isEqualTo("Kettles");
  }

  @Test
  void aParserThatKillsItsProcessFailsTheDocument() throws Exception {
    assertThatThrownBy(() -> isolated.parse(MisbehavingParser.CONTENT, "bad.crash", null, null))
        .isInstanceOf(ParseException.class).hasMessageContaining("exit status " + MisbehavingParser.CRASH_STATUS);
    assertThat(isolated.parse(PAGE, "kettles.html", null, null).title()).isEqualTo("Kettles");
  }
}
