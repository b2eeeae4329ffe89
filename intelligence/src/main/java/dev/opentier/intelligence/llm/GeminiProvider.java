package dev.opentier.intelligence.llm;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Gemini through Google's Gen AI SDK ({@code com.google.genai:google-genai}), streaming with
 * {@code generateContentStream}. The system prompt goes in as the system instruction; assistant
 * turns become the "model" role. The SDK's own retries are off: chat retries once, before the
 * first token, like for every provider.
 */
public final class GeminiProvider implements LlmProvider {
  private final Client client;
  private final String model;
  private final Duration timeout;

  /** @param baseUrl null for Google's endpoint; tests point it at a local server */
  public GeminiProvider(String apiKey, String model, String baseUrl, Duration timeout) {
    HttpOptions.Builder http = HttpOptions.builder()
        .timeout((int) timeout.toMillis())
        .retryOptions(HttpRetryOptions.builder().attempts(1).build());
    if (baseUrl != null) http.baseUrl(baseUrl);
    this.client = Client.builder().apiKey(apiKey).httpOptions(http.build()).build();
    this.model = model;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "gemini";
  }

  @Override
  public String defaultModel() {
    return model;
  }

  @Override
  public Usage stream(Request request, TokenSink sink) throws LlmException {
    StringBuilder system = new StringBuilder();
    List<Content> contents = new ArrayList<>();
    for (Message message : request.messages()) {
      if (message.role().equals("system")) {
        system.append(message.content());
      } else {
        contents.add(Content.builder().role(message.role().equals("assistant") ? "model" : "user")
            .parts(List.of(Part.fromText(message.content()))).build());
      }
    }
    GenerateContentConfig.Builder config = GenerateContentConfig.builder()
        .temperature((float) request.temperature())
        .maxOutputTokens(request.maxTokens());
    if (!system.isEmpty()) config.systemInstruction(Content.fromParts(Part.fromText(system.toString())));
    int prompt = 0;
    int completion = 0;
    boolean any = false;
    try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(request.model(), contents, config.build())) {
      for (GenerateContentResponse chunk : stream) {
        if (sink.cancelled()) break;
        String text = chunk.text();
        if (text != null && !text.isEmpty()) {
          any = true;
          sink.token(text);
        }
        var usage = chunk.usageMetadata();
        if (usage.isPresent()) {
          prompt = usage.get().promptTokenCount().orElse(prompt);
          completion = usage.get().candidatesTokenCount().orElse(completion);
        }
      }
    } catch (ApiException e) {
      throw LlmException.ofHttpStatus("Gemini", e.code(), e.message());
    } catch (RuntimeException e) {
      if (sink.cancelled()) return new Usage(prompt, completion);
      boolean timedOut = e.getCause() instanceof java.net.SocketTimeoutException || e instanceof java.io.UncheckedIOException
          && e.getCause() instanceof java.net.SocketTimeoutException;
      if (timedOut) throw new LlmException("llm_timeout", Status.Code.DEADLINE_EXCEEDED, !any, "Gemini did not answer within " + timeout.toSeconds() + " s");
      throw new LlmException(any ? "llm_stream_broken" : "llm_unavailable", Status.Code.UNAVAILABLE, true,
          any ? "Gemini closed the stream early" : "cannot reach Gemini");
    }
    return new Usage(prompt, completion);
  }
}
