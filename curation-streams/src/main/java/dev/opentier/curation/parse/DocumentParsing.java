package dev.opentier.curation.parse;

/**
 * Turns a document's bytes into structured text: {@link DocumentParser} in this process, or
 * {@link IsolatedParser} in worker processes that can be stopped.
 */
public interface DocumentParsing extends AutoCloseable {
  /**
   * @param name the file name or URL the document came from (helps detection); may be null
   * @param mediaTypeHint what the source said the document is; may be null
   * @param titleHint a title the source knows; wins over what parsing finds; may be null
   */
  ParsedDocument parse(byte[] content, String name, String mediaTypeHint, String titleHint) throws ParseException;

  @Override
  void close();
}
