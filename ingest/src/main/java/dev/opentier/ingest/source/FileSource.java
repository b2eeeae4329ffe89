package dev.opentier.ingest.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.function.Consumer;

/** One file. Its id is derived from its absolute path's file:// URI. */
public final class FileSource implements Source {
  private final Path file;
  private final long maxBytes;

  public FileSource(Path file, long maxBytes) {
    this.file = file.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return "file:" + file;
  }

  @Override
  public String kind() {
    return "file";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("no such file: " + file);
    sink.accept(read(file, maxBytes));
  }

  /** Reads one file as a document, or as a refusal when it is too large or unreadable. */
  static SourceDocument read(Path file, long maxBytes) {
    String uri = file.toUri().toString();
    String id = DocumentIds.forUri(uri);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Map<String, Object> metadata = Map.of(
          "path", file.toString(),
          "size", attributes.size(),
          "modified_at", attributes.lastModifiedTime().toString());
      if (attributes.size() > maxBytes) {
        return SourceDocument.refused(id, uri, metadata,
            "file is " + attributes.size() + " bytes, over the ingest limit of " + maxBytes + " bytes");
      }
      return SourceDocument.of(id, uri, null, null, Files.readAllBytes(file), metadata);
    } catch (IOException e) {
      return SourceDocument.refused(id, uri, Map.of("path", file.toString()), "cannot read the file: " + e.getMessage());
    }
  }
}
