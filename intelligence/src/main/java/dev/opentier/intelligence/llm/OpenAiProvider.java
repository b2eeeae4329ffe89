package dev.opentier.intelligence.llm;

import dev.opentier.platform.service.Daemons;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opentier.platform.kafka.JsonSerde;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI's chat completions API with streaming ({@code stream: true}, server-sent {@code data:}
 * lines ending with {@code [DONE]}): OpenAI itself, and the servers that speak it (vLLM, Ollama,
 * llama.cpp). Usage comes from the last chunk ({@code stream_options.include_usage}).
 */
public final class OpenAiProvider implements LlmProvider {
  private static final ScheduledExecutorService WATCHDOG = Daemons.scheduler("llm-stream-watchdog");
  private final HttpClient http;
  private final URI endpoint;
  private final String apiKey;
  private final String model;
  private final Duration timeout;

  public OpenAiProvider(String baseUrl, String apiKey, String model, Duration timeout) {
    this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/chat/completions");
    this.apiKey = apiKey;
    this.model = model;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String defaultModel() {
    return model;
  }

  @Override
  public Usage stream(Request request, TokenSink sink) throws LlmException {
    ObjectNode body = JsonSerde.MAPPER.createObjectNode()
        .put("model", request.model())
        .put("temperature", request.temperature())
        .put("max_tokens", request.maxTokens())
        .put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    ArrayNode messages = body.putArray("messages");
    for (Message message : request.messages()) messages.addObject().put("role", message.role()).put("content", message.content());
    HttpRequest.Builder http = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (apiKey != null && !apiKey.isBlank()) http.header("Authorization", "Bearer " + apiKey);
    HttpResponse<InputStream> response;
    try {
      response = this.http.send(http.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new LlmException("llm_timeout", Status.Code.DEADLINE_EXCEEDED, true, "the model did not answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw new LlmException("llm_unavailable", Status.Code.UNAVAILABLE, true, "cannot reach the model server at " + endpoint.getHost());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException("llm_unavailable", Status.Code.CANCELLED, false, "interrupted");
    }
    if (response.statusCode() != 200) throw LlmException.ofHttpStatus("the model server", response.statusCode(), errorMessage(response));
    int promptTokens = 0;
    int completionTokens = 0;
    boolean done = false;
    InputStream stream = response.body();
    // A stalled stream or a caller gone away closes the body, which ends the blocking read.
    long[] lastActivity = {System.nanoTime()};
    boolean[] stalled = {false};
    ScheduledFuture<?> watchdog = WATCHDOG.scheduleWithFixedDelay(() -> {
      boolean idle = System.nanoTime() - lastActivity[0] > timeout.toNanos();
      if (idle || sink.cancelled()) {
        stalled[0] = idle && !sink.cancelled();
        closeQuietly(stream);
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
    try (stream; BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while (!sink.cancelled() && (line = lines.readLine()) != null) {
        lastActivity[0] = System.nanoTime();
        if (!line.startsWith("data:")) continue; // comments, blank separators, event names
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
          done = true;
          break;
        }
        JsonNode chunk = JsonSerde.MAPPER.readTree(data);
        if (chunk.has("error")) throw new LlmException("llm_unavailable", Status.Code.UNAVAILABLE, false,
            "the model server reported an error: " + chunk.path("error").path("message").asText("unknown"));
        String text = chunk.path("choices").path(0).path("delta").path("content").asText("");
        if (!text.isEmpty()) sink.token(text);
        JsonNode usage = chunk.path("usage");
        if (usage.isObject()) {
          promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
          completionTokens = usage.path("completion_tokens").asInt(completionTokens);
        }
      }
    } catch (IOException e) {
      if (sink.cancelled()) return new Usage(promptTokens, completionTokens);
      if (stalled[0]) throw new LlmException("llm_timeout", Status.Code.DEADLINE_EXCEEDED, false, "the model stopped answering for " + timeout.toSeconds() + " s");
      throw new LlmException("llm_stream_broken", Status.Code.UNAVAILABLE, true, "the model server closed the stream early");
    } finally {
      watchdog.cancel(false);
    }
    if (!done && !sink.cancelled()) throw new LlmException("llm_stream_broken", Status.Code.UNAVAILABLE, true, "the model server closed the stream early");
    return new Usage(promptTokens, completionTokens);
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // closing is how the read is stopped; a failure to close changes nothing
    }
  }

  private static String errorMessage(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(4096);
      JsonNode error = JsonSerde.MAPPER.readTree(bytes).path("error");
      String message = error.isObject() ? error.path("message").asText("") : error.asText("");
      return message.length() > 300 ? message.substring(0, 300) : message;
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
