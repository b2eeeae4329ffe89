package dev.opentier.queryapi.intelligence;

import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.Scores;
import dev.opentier.proto.intelligence.v1.Source;
import dev.opentier.proto.intelligence.v1.Usage;
import java.util.List;

/** The JSON shapes of intelligence's messages, as the gateway answers them (snake_case on the wire). */
public final class Views {
  private Views() {}

  public record ScoresView(double fused, Double dense, Double lexical, Integer denseRank, Integer lexicalRank) {
    static ScoresView of(Scores s) {
      return new ScoresView(s.getFused(), s.hasDense() ? s.getDense() : null, s.hasLexical() ? s.getLexical() : null,
          s.hasDenseRank() ? s.getDenseRank() : null, s.hasLexicalRank() ? s.getLexicalRank() : null);
    }
  }

  /** A retrieved chunk with what a citation needs: its document, where it sits in it, and its text. */
  public record PassageView(String chunkId, String documentId, String title, String uri, List<String> headingPath, int startOffset,
                            int endOffset, Integer page, String text, ScoresView scores) {
    public static PassageView of(Passage p) {
      return new PassageView(p.getChunkId(), p.getDocumentId(), p.getTitle(), p.getUri(), List.copyOf(p.getHeadingPathList()),
          p.getStartOffset(), p.getEndOffset(), p.hasPage() ? p.getPage() : null, p.getText(),
          p.hasScores() ? ScoresView.of(p.getScores()) : null);
    }
  }

  /** A passage an answer cites as [index]; withheld (ids only) when the caller may no longer see its document. */
  public record SourceView(int index, PassageView passage, boolean withheld) {
    public static SourceView of(Source s) {
      return new SourceView(s.getIndex(), PassageView.of(s.getPassage()), s.getWithheld());
    }
  }

  public record UsageView(int promptTokens, int completionTokens, int totalTokens) {
    public static UsageView of(Usage u) {
      return new UsageView(u.getPromptTokens(), u.getCompletionTokens(), u.getTotalTokens());
    }
  }
}
