package dev.opentier.curation.chunk;

import java.util.List;

/**
 * A passage of a document, small enough for the embedding model's window, with what a citation
 * needs: its position, the headings above it, its span in the document's text, and its page.
 *
 * @param tokenCount the text's word pieces, [CLS] and [SEP] included
 * @param context the document's title (possibly shortened), embedded and searched with the text;
 *     text and context together fit the model's window
 */
public record Chunk(int position, String text, int tokenCount, List<String> headingPath, int start, int end, Integer page,
    String context) {
  public Chunk {
    headingPath = List.copyOf(headingPath);
    context = context == null ? "" : context;
    if (end < start) throw new IllegalArgumentException("end must not precede start");
  }

  /** What the embedding model reads: the context on a line of its own, then the text. */
  public String embeddingText() {
    return context.isEmpty() ? text : context + "\n" + text;
  }
}
