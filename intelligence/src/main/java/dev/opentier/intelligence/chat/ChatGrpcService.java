package dev.opentier.intelligence.chat;

import dev.opentier.intelligence.llm.LlmException;
import dev.opentier.intelligence.llm.LlmProvider;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.Requests;
import dev.opentier.proto.intelligence.v1.ChatEvent;
import dev.opentier.proto.intelligence.v1.ChatMessage;
import dev.opentier.proto.intelligence.v1.ChatRequest;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.proto.intelligence.v1.Conversation;
import dev.opentier.proto.intelligence.v1.Done;
import dev.opentier.proto.intelligence.v1.Error;
import dev.opentier.proto.intelligence.v1.GenerateTitleRequest;
import dev.opentier.proto.intelligence.v1.GenerateTitleResponse;
import dev.opentier.proto.intelligence.v1.GetConversationRequest;
import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.Source;
import dev.opentier.proto.intelligence.v1.Started;
import dev.opentier.proto.intelligence.v1.Token;
import dev.opentier.proto.intelligence.v1.Usage;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ChatService}: StreamChat persists the question, retrieves what the user may see, builds
 * the prompt, streams the model's answer and persists it with the passages it cites (partial when
 * the caller cancels, with its error code when the model fails). Errors reach the caller as an
 * {@code error} event, never as answer text.
 */
public final class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(ChatGrpcService.class);
  private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,2})]");
  private static final int HISTORY_TURNS = 100;

  private final ChatStore store;
  private final HybridRetriever retriever;
  private final Passages passages;
  private final PromptBuilder prompts;
  private final LlmProvider provider;
  private final ChatSettings settings;
  private final Titles titles;

  public ChatGrpcService(ChatStore store, HybridRetriever retriever, Passages passages, PromptBuilder prompts, LlmProvider provider,
      ChatSettings settings) {
    this.store = store;
    this.retriever = retriever;
    this.passages = passages;
    this.prompts = prompts;
    this.provider = provider;
    this.settings = settings;
    this.titles = new Titles(provider);
  }

  /** A validated request's settings. */
  record Options(double temperature, int maxTokens, String model, boolean useRag, int topK) {}

  @Override
  public void streamChat(ChatRequest request, StreamObserver<ChatEvent> events) {
    long started = System.nanoTime();
    ServerCallStreamObserver<ChatEvent> call = (ServerCallStreamObserver<ChatEvent>) events;
    UUID user = requireUser(request.getUserId());
    UUID conversation = conversationId(request.getConversationId());
    String question = request.getMessage().strip();
    if (question.isEmpty() || question.length() > settings.maxMessageChars()) {
      throw Status.INVALID_ARGUMENT.withDescription("message must be 1 to " + settings.maxMessageChars() + " characters").asRuntimeException();
    }
    Options options = options(request);
    if (store.ownedTitle(conversation, user) == null) throw Status.NOT_FOUND.withDescription("no such conversation").asRuntimeException();

    // More turns than any budget holds; PromptBuilder keeps the latest that fit.
    List<LlmProvider.Message> history = store.recentTurns(conversation, HISTORY_TURNS);
    UUID userMessage = store.addUserMessage(conversation, question);
    UUID answerId = UUID.randomUUID();
    call.onNext(ChatEvent.newBuilder().setStarted(Started.newBuilder().setMessageId(answerId.toString())
        .setUserMessageId(userMessage.toString())).build());

    List<Passage> found = options.useRag()
        ? passages.of(retriever.search(user, question, options.topK(), HybridRetriever.Filter.NONE, HybridRetriever.Mode.HYBRID))
        : List.of();
    List<LlmProvider.Context> contexts = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) contexts.add(new LlmProvider.Context(i + 1, found.get(i).getTitle(), found.get(i).getText()));
    PromptBuilder.Prompt prompt = prompts.build(history, contexts, question);

    StringBuilder answer = new StringBuilder();
    long[] firstToken = {0};
    LlmProvider.TokenSink sink = new LlmProvider.TokenSink() {
      @Override
      public void token(String text) {
        if (call.isCancelled()) return;
        if (firstToken[0] == 0) firstToken[0] = System.nanoTime();
        answer.append(text);
        call.onNext(ChatEvent.newBuilder().setToken(Token.newBuilder().setText(text)).build());
      }

      @Override
      public boolean cancelled() {
        return call.isCancelled();
      }
    };
    LlmProvider.Request llmRequest = new LlmProvider.Request(options.model(), prompt.messages(), options.temperature(), options.maxTokens(),
        prompt.passages(), question);
    LlmProvider.Usage usage = null;
    LlmException failure = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        usage = provider.stream(llmRequest, sink);
        failure = null;
        break;
      } catch (LlmException e) {
        failure = e;
        // Retried once, and only while nothing has been streamed: a retry must not repeat tokens.
        if (!e.retryable() || answer.length() > 0 || call.isCancelled()) break;
        log.info("chat: {} failed before its first token ({}); retrying once", provider.name(), e.code());
      }
    }

    List<ChatStore.StoredSource> cited = cited(answer, found);
    int latency = (int) ((System.nanoTime() - started) / 1_000_000);
    Integer ttft = firstToken[0] == 0 ? null : (int) ((firstToken[0] - started) / 1_000_000);
    String status = failure != null ? "error" : call.isCancelled() ? "partial" : "complete";
    int promptTokens = usage != null && usage.promptTokens() > 0 ? usage.promptTokens() : prompt.tokens();
    int completionTokens = usage != null && usage.completionTokens() > 0 ? usage.completionTokens() : prompts.count(answer) - 2;
    // Persisted whatever happened: a cancelled answer is kept as partial, a failed one with its code.
    store.addAnswer(new ChatStore.Answer(answerId, conversation, answer.toString(), status, failure == null ? null : failure.code(), cited,
        options.model(), provider.extractive(), promptTokens, Math.max(0, completionTokens), latency, ttft));
    if (call.isCancelled()) return;
    if (failure != null) {
      log.warn("chat: {} failed: {} ({})", provider.name(), failure.code(), failure.getMessage());
      call.onNext(ChatEvent.newBuilder().setError(Error.newBuilder().setCode(failure.code()).setMessage(failure.getMessage())).build());
      call.onCompleted();
      return;
    }
    for (ChatStore.StoredSource source : cited) call.onNext(ChatEvent.newBuilder().setSource(toSource(source)).build());
    call.onNext(ChatEvent.newBuilder().setDone(Done.newBuilder()
        .setUsage(Usage.newBuilder().setPromptTokens(promptTokens).setCompletionTokens(Math.max(0, completionTokens))
            .setTotalTokens(promptTokens + Math.max(0, completionTokens)))
        .setLatencyMs(latency)
        .setTimeToFirstTokenMs(ttft == null ? 0 : ttft)
        .setModel(options.model())
        .setExtractive(provider.extractive())).build());
    call.onCompleted();
  }

  @Override
  public void getConversation(GetConversationRequest request, StreamObserver<Conversation> response) {
    UUID user = requireUser(request.getUserId());
    UUID conversation = conversationId(request.getConversationId());
    String title = store.ownedTitle(conversation, user);
    if (title == null) throw Status.NOT_FOUND.withDescription("no such conversation").asRuntimeException();
    Conversation.Builder answer = Conversation.newBuilder().setId(conversation.toString()).setTitle(title);
    List<ChatStore.StoredMessage> messages = store.messages(conversation);
    // Citations are shown as the caller's access stands now, not as it stood when they were made.
    Set<String> visible = passages.visibleDocuments(user, messages.stream()
        .flatMap(m -> m.sources().stream()).map(ChatStore.StoredSource::documentId).collect(java.util.stream.Collectors.toSet()));
    for (ChatStore.StoredMessage message : messages) {
      ChatMessage.Builder m = ChatMessage.newBuilder()
          .setId(message.id().toString())
          .setRole(message.role())
          .setContent(message.content())
          .setPartial(!"complete".equals(message.status()))
          .setLatencyMs(message.latencyMs() == null ? 0 : message.latencyMs())
          .setCreatedAt(Timestamp.newBuilder().setSeconds(message.createdAt().toEpochSecond()).setNanos(message.createdAt().getNano()));
      if (message.promptTokens() != null || message.completionTokens() != null) {
        int prompt = message.promptTokens() == null ? 0 : message.promptTokens();
        int completion = message.completionTokens() == null ? 0 : message.completionTokens();
        m.setUsage(Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(completion).setTotalTokens(prompt + completion));
      }
      message.sources().forEach(source -> m.addSources(visible.contains(source.documentId()) ? toSource(source) : withheld(source)));
      answer.addMessages(m);
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void generateTitle(GenerateTitleRequest request, StreamObserver<GenerateTitleResponse> response) {
    UUID user = requireUser(request.getUserId());
    UUID conversation = conversationId(request.getConversationId());
    if (store.ownedTitle(conversation, user) == null) throw Status.NOT_FOUND.withDescription("no such conversation").asRuntimeException();
    String message = request.getMessage().strip();
    if (message.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("message must not be empty").asRuntimeException();
    response.onNext(GenerateTitleResponse.newBuilder().setTitle(titles.title(message)).build());
    response.onCompleted();
  }

  /** The passages the answer cites with [n], in the order first cited; markers without a passage are ignored. */
  static List<ChatStore.StoredSource> cited(CharSequence answer, List<Passage> passages) {
    Set<Integer> indexes = new LinkedHashSet<>();
    Matcher marker = CITATION.matcher(answer);
    while (marker.find()) {
      int index = Integer.parseInt(marker.group(1));
      if (index >= 1 && index <= passages.size()) indexes.add(index);
    }
    List<ChatStore.StoredSource> cited = new ArrayList<>();
    for (int index : indexes) {
      Passage p = passages.get(index - 1);
      cited.add(new ChatStore.StoredSource(index, p.getChunkId(), p.getDocumentId(), p.getTitle(), p.getUri(), p.getHeadingPathList(),
          p.getStartOffset(), p.getEndOffset(), p.hasPage() ? p.getPage() : null, p.getText()));
    }
    return cited;
  }

  private static Source toSource(ChatStore.StoredSource source) {
    Passage.Builder passage = Passage.newBuilder()
        .setChunkId(source.chunkId())
        .setDocumentId(source.documentId())
        .setTitle(source.title() == null ? "" : source.title())
        .setUri(source.uri() == null ? "" : source.uri())
        .addAllHeadingPath(source.headingPath() == null ? List.of() : source.headingPath())
        .setStartOffset(source.startOffset())
        .setEndOffset(source.endOffset())
        .setText(source.text());
    if (source.page() != null) passage.setPage(source.page());
    return Source.newBuilder().setIndex(source.index()).setPassage(passage).build();
  }

  private static Source withheld(ChatStore.StoredSource source) {
    Passage passage = Passage.newBuilder().setChunkId(source.chunkId()).setDocumentId(source.documentId()).build();
    return Source.newBuilder().setIndex(source.index()).setPassage(passage).setWithheld(true).build();
  }

  private Options options(ChatRequest request) {
    var s = request.getSettings();
    double temperature = s.hasTemperature() ? s.getTemperature() : 0.2;
    if (temperature < 0 || temperature > 2) throw invalid("temperature must be between 0 and 2");
    int maxTokens = s.hasMaxTokens() ? s.getMaxTokens() : 1024;
    if (maxTokens < 1 || maxTokens > 8192) throw invalid("max_tokens must be between 1 and 8192");
    String model = s.hasModel() && !s.getModel().isBlank() ? s.getModel().strip() : provider.defaultModel();
    if (model.length() > 100 || !model.matches("[A-Za-z0-9._:/\\-]+")) throw invalid("model must be a model name (letters, digits, . _ : / -)");
    if (provider.extractive()) model = provider.defaultModel();
    int topK = s.hasTopK() ? s.getTopK() : settings.topK();
    if (topK < 1 || topK > 20) throw invalid("top_k must be between 1 and 20");
    return new Options(temperature, maxTokens, model, !s.hasUseRag() || s.getUseRag(), topK);
  }

  private static RuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static UUID requireUser(String raw) {
    UUID user = Requests.caller(raw);
    if (user == null) throw Status.UNAUTHENTICATED.withDescription("a conversation needs a signed-in user").asRuntimeException();
    return user;
  }

  private static UUID conversationId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw Status.NOT_FOUND.withDescription("no such conversation").asRuntimeException();
    }
  }
}
