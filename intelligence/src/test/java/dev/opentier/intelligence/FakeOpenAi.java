package dev.opentier.intelligence;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.platform.kafka.JsonSerde;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A local server speaking OpenAI's streaming chat completions wire format: each answer is sent as
 * {@code data: {chunk}} lines, a usage chunk, then {@code data: [DONE]}. It records the requests it
 * received. Behaviours: answer, fail with a status, drop the connection mid-stream, or stream
 * slowly until the client goes away.
 */
public final class FakeOpenAi implements AutoCloseable {
  public enum Behaviour { ANSWER, STATUS, DROP, SLOW }

  private final HttpServer server;
  public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  public volatile Behaviour behaviour = Behaviour.ANSWER;
  volatile int status = 500;
  volatile List<String> tokens = List.of("Bees ", "dance ", "[1]", ".");
  public volatile CountDownLatch slowStarted = new CountDownLatch(1);
  public volatile CountDownLatch slowClientGone = new CountDownLatch(1);
  /** How long a slow answer waits before its first token (a model that thinks first). */
  public volatile long slowFirstTokenDelayMs = 0;

  public FakeOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(JsonSerde.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    if (behaviour == Behaviour.STATUS) {
      byte[] body = ("{\"error\":{\"message\":\"fake failure " + status + "\",\"type\":\"test\"}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      if (behaviour == Behaviour.SLOW) {
        slowStarted.countDown();
        if (slowFirstTokenDelayMs > 0) Thread.sleep(slowFirstTokenDelayMs); // a model thinking before it answers
        for (int i = 0; i < 600; i++) {
          send(out, chunk("word" + i + " "));
          Thread.sleep(50); // a slow model: the test cancels meanwhile
        }
        return;
      }
      for (int i = 0; i < tokens.size(); i++) {
        send(out, chunk(tokens.get(i)));
        if (behaviour == Behaviour.DROP && i == 1) {
          exchange.close(); // the connection drops mid-answer
          return;
        }
      }
      send(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":"
          + tokens.size() + ",\"total_tokens\":" + (42 + tokens.size()) + "}}");
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      slowClientGone.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private static String chunk(String content) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + JsonSerde.MAPPER.valueToTree(content) + "},\"finish_reason\":null}]}";
  }

  private static void send(OutputStream out, String json) throws IOException {
    out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
