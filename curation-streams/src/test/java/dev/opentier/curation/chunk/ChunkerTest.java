package dev.opentier.curation.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.embedding.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  private static WordPieceTokenizer tokenizer;
  private static Chunker chunker;

  @BeforeAll
  static void loadTokenizer() {
    tokenizer = WordPieceTokenizer.forModel(EmbeddingSettings.Model.FP32);
    chunker = new Chunker(tokenizer, 256, 32);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void theTitleIsEveryChunksContextAndTextWithContextStillFitsTheWindow() {
    String text = paragraph("Tokenization of antidisestablishmentarianism and other long words. ", 200);
    ParsedDocument document = new ParsedDocument("A fairly long title about the tokenization of words " + "and more ".repeat(20),
        "text/plain", text, List.of(new ParsedDocument.Block(0, 0, text.length(), null)), 0);

    List<Chunk> chunks = chunker.chunk(document);

    assertThat(chunks).hasSizeGreaterThan(5).allSatisfy(c -> {
      assertThat(c.context()).startsWith("A fairly long title");
      assertThat(tokenizer.countTokens(c.context())).isLessThanOrEqualTo(Chunker.MAX_CONTEXT_TOKENS + 2);
      assertThat(tokenizer.countTokens(c.embeddingText())).isLessThanOrEqualTo(256);
      assertThat(c.embeddingText()).isEqualTo(c.context() + "\n" + c.text());
    });
  }

  @Test
  void everyChunkFitsTheModelsWindowCountedWithItsOwnTokenizer() {
    ParsedDocument document = document(paragraph("Tokenization of antidisestablishmentarianism and other long words. ", 200));

    List<Chunk> chunks = chunker.chunk(document);

    assertThat(chunks).hasSizeGreaterThan(5);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.tokenCount()).isLessThanOrEqualTo(256).isEqualTo(tokenizer.countTokens(c.text()));
      assertThat(document.text().substring(c.start(), c.end())).isEqualTo(c.text());
    });
  }

  @Test
  void consecutiveChunksOfASectionOverlapByWholeSentences() {
    ParsedDocument document = document(paragraph("Sentence number %d talks about overlap. ", 120));

    List<Chunk> chunks = chunker.chunk(document);

    assertThat(chunks).hasSizeGreaterThan(1);
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).start()).isLessThan(chunks.get(i - 1).end());
      String overlap = document.text().substring(chunks.get(i).start(), chunks.get(i - 1).end());
      assertThat(tokenizer.countTokens(overlap) - 2).isBetween(1, 32);
    }
  }

  @Test
  void aSentenceLongerThanTheWindowIsCutAtTokenBoundaries() {
    ParsedDocument document = document("word ".repeat(1000).strip());

    List<Chunk> chunks = chunker.chunk(document);

    assertThat(chunks).hasSizeGreaterThanOrEqualTo(4).allSatisfy(c -> assertThat(c.tokenCount()).isLessThanOrEqualTo(256));
    assertThat(String.join(" ", chunks.stream().map(Chunk::text).toList()).split(" ")).hasSize(1000);
  }

  @Test
  void headingsStartNewChunksAndGiveThemTheirPath() {
    String text = "Guide\n\nIntro text.\n\nSetup\n\nSetup text.\n\nOther\n\nOther text.";
    List<ParsedDocument.Block> blocks = new ArrayList<>();
    int[][] spans = {{0, 5, 1}, {7, 18, 0}, {20, 25, 2}, {27, 38, 0}, {40, 45, 1}, {47, 58, 0}};
    for (int[] s : spans) blocks.add(new ParsedDocument.Block(s[2], s[0], s[1], null));

    List<Chunk> chunks = chunker.chunk(new ParsedDocument("Guide", "text/markdown", text, blocks, 0));

    assertThat(chunks).extracting(Chunk::text).containsExactly("Guide\n\nIntro text.", "Setup\n\nSetup text.", "Other\n\nOther text.");
    assertThat(chunks).extracting(Chunk::headingPath)
        .containsExactly(List.of("Guide"), List.of("Guide", "Setup"), List.of("Other"));
  }

  @Test
  void aPageBreakStartsANewChunkSoItsPageIsExact() {
    String text = "Page one text.\n\nPage two text.";
    List<ParsedDocument.Block> blocks = List.of(new ParsedDocument.Block(0, 0, 14, 1), new ParsedDocument.Block(0, 16, 30, 2));

    List<Chunk> chunks = chunker.chunk(new ParsedDocument("P", "application/pdf", text, blocks, 2));

    assertThat(chunks).extracting(Chunk::page).containsExactly(1, 2);
  }

  private static String paragraph(String sentence, int times) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= times; i++) text.append(sentence.formatted(i));
    return text.toString().strip();
  }

  private static ParsedDocument document(String text) {
    return new ParsedDocument("t", "text/plain", text, List.of(new ParsedDocument.Block(0, 0, text.length(), null)), 0);
  }
}
