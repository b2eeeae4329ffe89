package dev.opentier.ingest.source;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where documents come from: a file, a folder, a web site, a JSONL file, standard input.
 * {@link #forEach} hands over each document as it is read, so memory stays bounded.
 */
public interface Source {
  /** The source's identity as stored in {@code documents.source} (e.g. {@code folder:/data/docs}); --sync compares by it. */
  String name();

  /** The ingestion_jobs kind: file, folder, url, jsonl or stdin. */
  String kind();

  /**
   * Reads every document and gives it to {@code sink}, in order. A document that cannot be read
   * is handed over as {@link SourceDocument#refused} rather than stopping the walk; an IOException
   * means the source as a whole could not be read (the folder vanished, the site is unreachable).
   */
  void forEach(Consumer<SourceDocument> sink) throws IOException;
}
