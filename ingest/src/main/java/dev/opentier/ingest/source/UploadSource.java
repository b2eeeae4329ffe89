package dev.opentier.ingest.source;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Files a user uploaded in one request (query-api's {@code POST /api/documents}). A file is
 * identified by its uploader and the name it was given (a folder upload keeps relative paths), so
 * uploading a changed file again replaces the earlier version, and two users' files never collide.
 */
public final class UploadSource implements Source {
  /** Reads an uploaded file's bytes when its turn comes, so one request's files are not all in memory at once. */
  public interface Content {
    byte[] read() throws IOException;
  }

  /** One uploaded file: how to read it, or why it was not taken (e.g. over the size limit). */
  public record File(String name, String mediaType, long size, Content content, String refusal) {
    public static File of(String name, String mediaType, long size, Content content) {
      return new File(name, mediaType, size, content, null);
    }

    public static File refused(String name, long size, String refusal) {
      return new File(name, null, size, null, refusal);
    }
  }

  private final UUID uploader;
  private final List<File> files;

  public UploadSource(UUID uploader, List<File> files) {
    this.uploader = uploader;
    this.files = List.copyOf(files);
  }

  /** The canonical URI of a file this user uploads under this name (an identifier, never fetched). */
  public static String uri(UUID uploader, String name) {
    return "upload://" + uploader + "/" + name;
  }

  @Override
  public String name() {
    return "upload:" + uploader;
  }

  @Override
  public String kind() {
    return "upload";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) {
    for (File file : files) {
      String uri = uri(uploader, file.name());
      String id = DocumentIds.forUri(uri);
      Map<String, Object> metadata = Map.of("filename", file.name(), "size", file.size());
      if (file.refusal() != null) {
        sink.accept(SourceDocument.refused(id, uri, metadata, file.refusal()));
        continue;
      }
      try {
        sink.accept(SourceDocument.of(id, uri, null, file.mediaType(), file.content().read(), metadata));
      } catch (IOException e) {
        sink.accept(SourceDocument.refused(id, uri, metadata, "cannot read the upload: " + e.getMessage()));
      }
    }
  }
}
