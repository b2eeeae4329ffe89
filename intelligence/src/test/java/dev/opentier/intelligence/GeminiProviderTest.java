package dev.opentier.intelligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.intelligence.llm.GeminiProvider;
import dev.opentier.intelligence.llm.LlmException;
import dev.opentier.intelligence.llm.LlmProvider;
import dev.opentier.platform.kafka.JsonSerde;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gemini provider (Google's Gen AI SDK) against a local server speaking Gemini's streaming
 * wire format: {@code POST /v1beta/models/MODEL:streamGenerateContent?alt=sse}, answered with
 * {@code data: GenerateContentResponse} lines.
 */
class GeminiProviderTest {
  private HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile boolean drop;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    paths.add(exchange.getRequestURI().toString());
    keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("x-goog-api-key")));
    requests.add(JsonSerde.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
    if (status != 200) {
      String name = status == 429 ? "RESOURCE_EXHAUSTED" : status == 401 ? "UNAUTHENTICATED" : "INTERNAL";
      byte[] body = ("{\"error\":{\"code\":" + status + ",\"message\":\"fake " + status + "\",\"status\":\"" + name + "\"}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    // A dropped connection: a promised length that never arrives (a chunked body would end cleanly).
    exchange.sendResponseHeaders(200, drop ? 100_000 : 0);
    OutputStream out = exchange.getResponseBody();
    String[] parts = {"Bees ", "dance ", "[1]."};
    for (int i = 0; i < parts.length; i++) {
      String usage = i == parts.length - 1 ? ",\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":3,\"totalTokenCount\":34}" : "";
      out.write(("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + parts[i] + "\"}],\"role\":\"model\"},\"index\":0}]"
          + usage + "}\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (drop && i == 1) {
        exchange.close();
        return;
      }
    }
    exchange.close();
  }

  private GeminiProvider provider() {
    return new GeminiProvider("gemini-test-key", "gemini-2.5-flash", "http://127.0.0.1:" + server.getAddress().getPort(),
        Duration.ofSeconds(5));
  }

  private static LlmProvider.Request request() {
    return new LlmProvider.Request("gemini-2.5-flash", List.of(
        new LlmProvider.Message("system", "Answer with citations. [1] Honey bees dance."),
        new LlmProvider.Message("user", "Earlier question"),
        new LlmProvider.Message("assistant", "Earlier answer"),
        new LlmProvider.Message("user", "How do bees find flowers?")), 0.4, 200, List.of(), "How do bees find flowers?");
  }

  @Test
  void theRequestCarriesTheConversationAndSettingsAndTheTokensStreamBack() throws Exception {
    List<String> tokens = new ArrayList<>();
    LlmProvider.Usage usage = provider().stream(request(), sink(tokens));

    assertThat(tokens).containsExactly("Bees ", "dance ", "[1].");
    assertThat(usage).isEqualTo(new LlmProvider.Usage(31, 3));
    assertThat(paths.getLast()).contains("models/gemini-2.5-flash:streamGenerateContent").contains("alt=sse");
    assertThat(keys.getLast()).isEqualTo("gemini-test-key");
    JsonNode sent = requests.getLast();
    assertThat(sent.at("/systemInstruction/parts/0/text").asText()).startsWith("Answer with citations.");
    assertThat(sent.get("contents")).hasSize(3);
    assertThat(sent.at("/contents/1/role").asText()).isEqualTo("model");
    assertThat(sent.at("/contents/2/parts/0/text").asText()).isEqualTo("How do bees find flowers?");
    assertThat(sent.at("/generationConfig/temperature").asDouble()).isEqualTo(0.4, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(sent.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(200);
  }

  @Test
  void httpFailuresBecomeTheirErrorCodes() {
    for (var expected : java.util.Map.of(401, "llm_unauthorized", 429, "llm_rate_limited", 500, "llm_unavailable").entrySet()) {
      status = expected.getKey();
      assertThatThrownBy(() -> provider().stream(request(), sink(new ArrayList<>())))
          .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.code()).isEqualTo(expected.getValue()));
    }
  }

  @Test
  void aDroppedConnectionMidAnswerIsABrokenStream() {
    drop = true;
    List<String> tokens = new ArrayList<>();
    assertThatThrownBy(() -> provider().stream(request(), sink(tokens)))
        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.code()).isEqualTo("llm_stream_broken"));
    assertThat(tokens).containsExactly("Bees ", "dance ");
  }

  private static LlmProvider.TokenSink sink(List<String> tokens) {
    return new LlmProvider.TokenSink() {
      @Override
      public void token(String text) {
        tokens.add(text);
      }

      @Override
      public boolean cancelled() {
        return false;
      }
    };
  }
}
