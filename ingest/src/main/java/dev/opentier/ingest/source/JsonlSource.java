package dev.opentier.ingest.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * One document per line: {@code {"_id" or "id", "title", "text", "metadata"}} (the BEIR format),
 * optionally gzip-compressed. The caller's id is the document id, with an optional prefix. A line
 * that is not such an object is handed over as a refusal naming the line.
 */
public final class JsonlSource implements Source {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String idPrefix;
  private final long maxBytes;

  public JsonlSource(Path file, String idPrefix, long maxBytes) {
    this.file = file.toAbsolutePath().normalize();
    this.idPrefix = idPrefix == null ? "" : idPrefix;
    this.maxBytes = maxBytes;
  }

  public static boolean handles(Path file) {
    String name = file.getFileName().toString().toLowerCase();
    return name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".ndjson") || name.endsWith(".ndjson.gz");
  }

  @Override
  public String name() {
    return "jsonl:" + file;
  }

  @Override
  public String kind() {
    return "jsonl";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
         InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
         BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      readLines(lines, "jsonl:" + file, sink);
    }
  }

  /** Reads JSONL from any reader: standard input uses this too. */
  void readLines(BufferedReader lines, String uriBase, Consumer<SourceDocument> sink) throws IOException {
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) continue;
      sink.accept(document(line, number, uriBase));
    }
  }

  private SourceDocument document(String line, int number, String uriBase) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String uri = uriBase + "#line-" + number;
      return SourceDocument.refused(DocumentIds.forUri(uri), uri, Map.of("line", number), "line " + number + " is not valid JSON: " + e.getOriginalMessage());
    }
    String givenId = text(node, "_id");
    if (givenId == null) givenId = text(node, "id");
    String id = givenId == null ? null : idPrefix + givenId;
    String uri = uriBase + "#" + (givenId == null ? "line-" + number : givenId);
    if (id == null) id = DocumentIds.forUri(uri);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("line", number);
    JsonNode given = node.get("metadata");
    if (given != null && given.isObject()) metadata.putAll(JSON.convertValue(given, Map.class));
    String text = text(node, "text");
    if (text == null) return SourceDocument.refused(id, uri, metadata, "line " + number + " has no \"text\" field");
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    if (content.length > maxBytes) {
      return SourceDocument.refused(id, uri, metadata, "line " + number + " text is " + content.length + " bytes, over the ingest limit of " + maxBytes);
    }
    return SourceDocument.of(id, uri, text(node, "title"), "text/plain", content, metadata);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return null;
    String text = value.asText();
    return text.isBlank() ? null : text;
  }
}
