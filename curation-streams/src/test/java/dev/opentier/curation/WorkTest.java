package dev.opentier.curation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.curation.curate.CurationRecord;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a dead letter keeps of a document: never personal data the PII stage had already removed. */
class WorkTest {
  private static final byte[] RAW = "Write to jane.doe@example.com about the lamp.".getBytes(StandardCharsets.UTF_8);
  private static final DocumentEvent EVENT = new DocumentEvent(DocumentEvent.Operation.UPSERT, "d", null, "test", "test:d", null, "text/plain",
      DocumentEvent.Visibility.PRIVATE, null, Map.of(), "v1", RAW, null, Instant.now());

  @Test
  void aDocumentThatFailsAfterThePiiStageIsDeadLetteredRedacted() {
    String redacted = "Write to [EMAIL] about the lamp.";
    ParsedDocument parsed = new ParsedDocument("t", "text/plain", redacted, List.of(new ParsedDocument.Block(0, 0, redacted.length(), null)), 0);
    Work failed = new Work(EVENT, null, parsed, null, null, null, null, null, CurationRecord.empty().withStage("pii", "redacted", 0.1), List.of())
        .conclude(Outcome.FAILED, "embed", "the model failed");

    DeadLetter letter = failed.deadLetter();

    assertThat(letter.original().mediaType()).isEqualTo(ParsedDocument.MEDIA_TYPE);
    assertThat(new String(letter.original().content(), StandardCharsets.UTF_8)).contains("[EMAIL]").doesNotContain("jane.doe");
    assertThat(letter.original().contentHash()).isEqualTo("v1");
  }

  @Test
  void whatWaitsForDeduplicationKeepsNoRawBytesButTheirSize() {
    String text = "Write to [EMAIL] about the lamp.";
    ParsedDocument parsed = new ParsedDocument("t", "text/plain", text, List.of(new ParsedDocument.Block(0, 0, text.length(), null)), 0);
    Work parsedWork = new Work(EVENT, null, parsed, null, null, null, null, null,
        CurationRecord.empty().withBytes(RAW.length).withStage("pii", "redacted", 0.1), List.of());

    Work.Pending pending = parsedWork.pending();

    assertThat(pending.event().content()).isEmpty();
    assertThat(pending.work().contentBytes()).isEqualTo(RAW.length);
    assertThat(pending.work().conclude(Outcome.FAILED, "embed", "x").deadLetter().original().mediaType()).isEqualTo(ParsedDocument.MEDIA_TYPE);
  }

  @Test
  void aDocumentThatCouldNotBeParsedKeepsItsOriginalForReplay() {
    Work failed = new Work(EVENT, null, null, null, null, null, null, null, CurationRecord.empty(), List.of())
        .conclude(Outcome.FAILED, "parse", "binary");

    assertThat(failed.deadLetter().original().content()).isEqualTo(RAW);
  }
}
