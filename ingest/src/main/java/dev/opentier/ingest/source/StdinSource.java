package dev.opentier.ingest.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Standard input: JSONL when {@code --format jsonl}, otherwise one document of the bytes read,
 * identified by the name the caller gives ({@code stdin:NAME}).
 */
public final class StdinSource implements Source {
  private final InputStream in;
  private final String name;
  private final boolean jsonl;
  private final long maxBytes;

  public StdinSource(InputStream in, String name, boolean jsonl, long maxBytes) {
    this.in = in;
    this.name = name == null || name.isBlank() ? "stdin" : name;
    this.jsonl = jsonl;
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return "stdin:" + name;
  }

  @Override
  public String kind() {
    return "stdin";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) throws IOException {
    String uri = "stdin:" + name;
    if (jsonl) {
      new JsonlSource(java.nio.file.Path.of(name), "", maxBytes)
          .readLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), uri, sink);
      return;
    }
    byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (content.length > maxBytes) {
      sink.accept(SourceDocument.refused(DocumentIds.forUri(uri), uri, Map.of(), "standard input is over the ingest limit of " + maxBytes + " bytes"));
    } else {
      sink.accept(SourceDocument.of(DocumentIds.forUri(uri), uri, null, null, content, Map.of("size", content.length)));
    }
  }
}
