package dev.opentier.curation.parse;

import java.io.IOException;
import java.io.InputStream;
import org.apache.tika.extractor.ParsingEmbeddedDocumentExtractor;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Tika's reading of documents inside documents (archives, attachments, OLE objects), bounded: no
 * deeper than {@code maxDepth} levels and no more than {@code maxCount} in all. What goes past a
 * bound is not read, and {@link #exceeded()} says which bound, so the parser can refuse the
 * document with the limit named instead of indexing part of it.
 */
final class BoundedEmbeddedDocuments extends ParsingEmbeddedDocumentExtractor {
  static final int MAX_DEPTH = 8;
  static final int MAX_COUNT = 10_000;

  private final int maxDepth;
  private final int maxCount;
  private int depth;
  private int count;
  private String exceeded;

  BoundedEmbeddedDocuments(ParseContext context, int maxDepth, int maxCount) {
    super(context);
    this.maxDepth = maxDepth;
    this.maxCount = maxCount;
  }

  @Override
  public boolean shouldParseEmbedded(Metadata metadata) {
    if (depth >= maxDepth) {
      exceeded = "files nested more than " + maxDepth + " levels deep";
      return false;
    }
    if (count >= maxCount) {
      exceeded = "more than " + maxCount + " embedded files";
      return false;
    }
    return super.shouldParseEmbedded(metadata);
  }

  @Override
  public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
      throws SAXException, IOException {
    count++;
    depth++;
    try {
      super.parseEmbedded(stream, handler, metadata, outputHtml);
    } finally {
      depth--;
    }
  }

  /** Which bound was passed, or null. */
  String exceeded() {
    return exceeded;
  }
}
