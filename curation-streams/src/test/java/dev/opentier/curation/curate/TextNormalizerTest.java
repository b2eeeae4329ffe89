package dev.opentier.curation.curate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.curation.parse.ParsedDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  private final TextNormalizer normalizer = new TextNormalizer();

  @Test
  void compatibilityFormsInvisibleCharactersAndLineBreakHyphensAreNormalised() {
    ParsedDocument document = document(null, "ﬁnal\u00A0 report\u200B on exam\u00ADple data\u0007 ①");

    ParsedDocument normalized = normalizer.normalize(document).document();

    assertThat(normalized.text()).isEqualTo("final report on example data 1");
  }

  @Test
  void blocksRepeatedOnMostPagesAreRemovedAsBoilerplate() {
    List<String> blocks = new ArrayList<>();
    List<Integer> pages = new ArrayList<>();
    for (int page = 1; page <= 4; page++) {
      blocks.add("ACME Corp — Confidential");
      pages.add(page);
      blocks.add("The findings of section " + page + " are discussed in detail here.");
      pages.add(page);
      blocks.add("Page " + page + " of 4");
      pages.add(page);
    }
    ParsedDocument document = paged(blocks, pages, 4);

    TextNormalizer.Result result = normalizer.normalize(document);

    assertThat(result.document().text()).doesNotContain("ACME").doesNotContain("Page ");
    assertThat(result.document().blocks()).hasSize(4);
    assertThat(result.report().boilerplateBlocksRemoved()).isEqualTo(8);
    // Spans still point at each block's text.
    ParsedDocument.Block second = result.document().blocks().get(1);
    assertThat(result.document().text().substring(second.start(), second.end())).isEqualTo("The findings of section 2 are discussed in detail here.");
  }

  private static ParsedDocument document(String title, String text) {
    return new ParsedDocument(title, "text/plain", text, List.of(new ParsedDocument.Block(0, 0, text.length(), null)), 0);
  }

  private static ParsedDocument paged(List<String> texts, List<Integer> pages, int pageCount) {
    StringBuilder text = new StringBuilder();
    List<ParsedDocument.Block> blocks = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      if (!text.isEmpty()) text.append("\n\n");
      int start = text.length();
      text.append(texts.get(i));
      blocks.add(new ParsedDocument.Block(0, start, text.length(), pages.get(i)));
    }
    return new ParsedDocument("Report", "application/pdf", text.toString(), blocks, pageCount);
  }
}
