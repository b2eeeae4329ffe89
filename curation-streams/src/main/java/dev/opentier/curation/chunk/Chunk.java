package dev.opentier.curation.chunk;

import java.util.List;

/**
 * A passage of a document, small enough for the embedding model's window, with what a citation
 * needs: its position, the headings above it, its span in the document's text, and its page.
 */
public record Chunk(int position, String text, int tokenCount, List<String> headingPath, int start, int end, Integer page) {
  public Chunk {
    headingPath = List.copyOf(headingPath);
    if (end < start) throw new IllegalArgumentException("end must not precede start");
  }
}
