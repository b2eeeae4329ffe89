package dev.opentier.systemtests.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** A client of the gateway's HTTP API as a program would use it: JSON, multipart uploads, event streams. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  /** One Server-Sent Event. */
  record Event(long id, String name, JsonNode data) {}

  /** A file to upload. */
  record Upload(String name, String contentType, byte[] content) {}

  Api(String base) {
    this.base = base;
  }

  HttpResponse<String> send(String method, String path, Object body, String token) throws Exception {
    return send(method, path, body, token, Map.of());
  }

  HttpResponse<String> send(String method, String path, Object body, String token, Map<String, String> headers) throws Exception {
    return http.send(request(method, path, body, token, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** Registers (when new) and signs in; the session token. */
  String signIn(String email, String password) throws Exception {
    send("POST", "/api/auth/register", Map.of("email", email, "password", password), null);
    HttpResponse<String> login = send("POST", "/api/auth/login", Map.of("email", email, "password", password), null);
    if (login.statusCode() != 200) throw new AssertionError("sign-in of " + email + " failed: " + login.body());
    return json(login).get("token").asText();
  }

  /** {@code POST /api/documents} as multipart/form-data. */
  HttpResponse<String> upload(String token, List<Upload> files, String visibility) throws Exception {
    return upload(token, files, visibility, null);
  }

  /** {@code POST /api/documents} with a curation profile (null: the default). */
  HttpResponse<String> upload(String token, List<Upload> files, String visibility, String curation) throws Exception {
    String boundary = "opentier-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Upload file : files) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + file.name() + "\"\r\n"
          + "Content-Type: " + file.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(file.content());
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    if (curation != null) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"curation\"\r\n\r\n" + curation + "\r\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"visibility\"\r\n\r\n" + visibility + "\r\n--" + boundary + "--\r\n")
        .getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/documents"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Opens an event stream; the caller reads its lines (and closes the stream). */
  HttpResponse<Stream<String>> stream(String method, String path, Object body, String token) throws Exception {
    return http.send(request(method, path, body, token, Map.of("Accept", "text/event-stream")).build(), HttpResponse.BodyHandlers.ofLines());
  }

  /** Reads events until (and including) the first whose name is one of {@code last}, or the stream's end. */
  static List<Event> readUntil(Stream<String> lines, String... last) throws IOException {
    return read(lines.iterator(), List.of(last), new int[1]);
  }

  /** As {@link #readUntil}, also counting the comment lines (heartbeats) seen into {@code comments[0]}. */
  static List<Event> read(Iterator<String> lines, List<String> last, int[] comments) throws IOException {
    List<Event> events = new ArrayList<>();
    long id = -1;
    String name = "message";
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith(":")) {
        comments[0]++;
      } else if (line.startsWith("id: ")) {
        id = Long.parseLong(line.substring(4));
      } else if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      } else if (line.isEmpty() && !data.isEmpty()) {
        Event event = new Event(id, name, JSON.readTree(data.toString()));
        events.add(event);
        if (last.contains(event.name())) return events;
        name = "message";
        data.setLength(0);
      }
    }
    return events;
  }

  private HttpRequest.Builder request(String method, String path, Object body, String token, Map<String, String> headers) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    headers.forEach(request::header);
    return request;
  }
}
