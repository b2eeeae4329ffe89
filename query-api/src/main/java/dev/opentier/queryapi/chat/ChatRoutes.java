package dev.opentier.queryapi.chat;

import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.schema.tables.records.ConversationsRecord;
import dev.opentier.proto.intelligence.v1.ChatEvent;
import dev.opentier.proto.intelligence.v1.ChatRequest;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.proto.intelligence.v1.ChatSettings;
import dev.opentier.proto.intelligence.v1.Conversation;
import dev.opentier.proto.intelligence.v1.Done;
import dev.opentier.proto.intelligence.v1.GenerateTitleRequest;
import dev.opentier.proto.intelligence.v1.GenerateTitleResponse;
import dev.opentier.proto.intelligence.v1.GetConversationRequest;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.edge.Sse;
import dev.opentier.queryapi.edge.SseStreams;
import dev.opentier.queryapi.intelligence.GrpcErrors;
import dev.opentier.queryapi.intelligence.IntelligenceChannel;
import dev.opentier.queryapi.intelligence.Views.SourceView;
import dev.opentier.queryapi.intelligence.Views.UsageView;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.StatusRuntimeException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/conversations…}: a user's conversations, and chat. A message is answered by
 * intelligence's {@code StreamChat}, bridged to Server-Sent Events ({@code start}, {@code token}*,
 * {@code source}*, {@code done}; or {@code error}) when the client accepts {@code text/event-stream},
 * or collected into one JSON answer otherwise. Anything that fails before the answer starts (no
 * such conversation, bad settings, intelligence down) is an ordinary JSON error with its status.
 */
public final class ChatRoutes {
  public static final String MAX_MESSAGE_CHARS = "OPENTIER_CHAT_MAX_MESSAGE_CHARS";
  public static final String HEARTBEAT = "OPENTIER_SSE_HEARTBEAT_SECONDS";
  public static final String FIRST_EVENT = "OPENTIER_CHAT_FIRST_EVENT_SECONDS";
  private static final Logger log = LoggerFactory.getLogger(ChatRoutes.class);
  private static final Duration TITLE_DEADLINE = Duration.ofSeconds(10);

  /** What {@code POST …/messages} takes: the message and optional per-request settings. */
  public record ChatInput(String message, Double temperature, Integer maxTokens, String model, Boolean useRag, Integer topK) {}

  public record TitleInput(String title) {}

  public record Started(UUID messageId, UUID userMessageId, UUID conversationId) {}

  public record TokenData(String text) {}

  public record DoneData(UsageView usage, long latencyMs, long timeToFirstTokenMs, String model, boolean extractive, String title) {}

  public record ErrorData(String code, String message) {}

  /** The whole answer, for a client that does not stream. */
  public record Answer(UUID messageId, UUID userMessageId, UUID conversationId, String content, List<SourceView> sources, UsageView usage,
                       long latencyMs, long timeToFirstTokenMs, String model, boolean extractive, String title) {}

  /** A conversation with its messages (from intelligence). */
  public record Detail(UUID id, String title, int messageCount, OffsetDateTime createdAt, OffsetDateTime lastActivityAt,
                       List<MessageView> messages) {}

  public record MessageView(String id, String role, String content, List<SourceView> sources, UsageView usage, long latencyMs,
                            boolean partial, OffsetDateTime createdAt) {}

  private final Conversations conversations;
  private final IntelligenceChannel intelligence;
  private final SseStreams streams;
  private final int maxMessageChars;
  private final Duration heartbeat;
  private final Duration firstEvent;
  private final Timer gatewayFirstToken;

  public ChatRoutes(Settings settings, Conversations conversations, IntelligenceChannel intelligence, SseStreams streams,
                    MeterRegistry registry) {
    this.conversations = conversations;
    this.intelligence = intelligence;
    this.streams = streams;
    this.maxMessageChars = settings.integer(MAX_MESSAGE_CHARS, 16_000, 100, 200_000);
    this.heartbeat = settings.seconds(HEARTBEAT, 15, 1, 300);
    this.firstEvent = settings.seconds(FIRST_EVENT, 30, 1, 600);
    this.gatewayFirstToken = Timer.builder("opentier_chat_first_token")
        .description("from a chat request reaching the gateway to its first answer token leaving it")
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry);
  }

  public void create(Context ctx) {
    String title = ctx.body().isBlank() ? null : Conversations.validTitle(ctx.bodyAsClass(TitleInput.class).title(), false);
    ctx.status(HttpStatus.CREATED).json(conversations.create(principal(ctx).userId(), title));
  }

  public void list(Context ctx) {
    ctx.json(conversations.list(principal(ctx).userId(), Params.integer(ctx, "limit", 30, 1, 100), Params.cursor(ctx)));
  }

  public void get(Context ctx) {
    Principal user = principal(ctx);
    ConversationsRecord row = owned(ctx, user);
    intelligence.requireReady();
    Conversation conversation;
    try {
      conversation = ChatServiceGrpc.newBlockingStub(intelligence.channel()).withCallCredentials(intelligence.actingFor(user.userId()))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getConversation(GetConversationRequest.newBuilder().setConversationId(row.getId().toString())
              .setUserId(user.userId().toString()).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toApi(e);
    }
    List<MessageView> messages = conversation.getMessagesList().stream().map(m -> new MessageView(m.getId(), m.getRole(), m.getContent(),
        m.getSourcesList().stream().map(SourceView::of).toList(), m.hasUsage() ? UsageView.of(m.getUsage()) : null, m.getLatencyMs(),
        m.getPartial(), OffsetDateTime.ofInstant(Instant.ofEpochSecond(m.getCreatedAt().getSeconds(), m.getCreatedAt().getNanos()),
            ZoneOffset.UTC))).toList();
    ctx.json(new Detail(row.getId(), row.getTitle(), row.getMessageCount(), row.getCreatedAt(), row.getLastActivityAt(), messages));
  }

  public void rename(Context ctx) {
    Principal user = principal(ctx);
    UUID id = Params.uuidPath(ctx, "id", "conversation");
    String title = Conversations.validTitle(ctx.bodyAsClass(TitleInput.class).title(), true);
    ctx.json(conversations.rename(id, user.userId(), title).orElseThrow(ChatRoutes::notFound));
  }

  public void delete(Context ctx) {
    if (!conversations.delete(Params.uuidPath(ctx, "id", "conversation"), principal(ctx).userId())) throw notFound();
    ctx.status(HttpStatus.NO_CONTENT);
  }

  /** {@code POST /api/conversations/{id}/messages}: asks, and streams or returns the answer. */
  public void send(Context ctx) throws InterruptedException {
    long received = System.nanoTime();
    Principal user = principal(ctx);
    UUID id = Params.uuidPath(ctx, "id", "conversation");
    ChatRequest request = request(id, user.userId(), ctx.bodyAsClass(ChatInput.class));
    intelligence.requireReady();

    // The call starts before the ownership lookup, which then runs while intelligence works: the
    // first token waits for one query fewer. Intelligence refuses another user's conversation by
    // itself (NOT_FOUND) before it stores or generates anything, so starting early leaks nothing.
    ChatCall call = ChatCall.start(intelligence.channel(), intelligence.actingFor(user.userId()), request);
    ConversationsRecord conversation = conversations.owned(id, user.userId()).orElse(null);
    if (conversation == null) {
      call.cancel("not the caller's conversation");
      throw notFound();
    }
    ChatCall.Item first = call.next(firstEvent);
    if (first == null) {
      call.cancel("no answer in time");
      throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "intelligence_timeout", "intelligence did not start answering in time");
    }
    if (first instanceof ChatCall.Failed failed) throw GrpcErrors.toApi(failed.error());
    if (!(first instanceof ChatCall.Event event) || !event.event().hasStarted()) {
      call.cancel("unexpected first event");
      throw new ApiException(HttpStatus.BAD_GATEWAY, "intelligence_error", "intelligence answered out of order");
    }
    var started = event.event().getStarted();
    Turn turn = new Turn(new Started(UUID.fromString(started.getMessageId()), UUID.fromString(started.getUserMessageId()),
        conversation.getId()), received, title(conversation, user, request.getMessage()));
    try {
      if (wantsStream(ctx)) {
        streams.stream(ctx, sse -> relay(sse, call, turn));
      } else {
        collect(ctx, call, turn);
      }
    } finally {
      // Counted once the exchange ends (intelligence stores both messages whatever happens), so no
      // write sits between the question and its first token.
      conversations.exchanged(conversation.getId(), request.getMessage(), turn.answer);
    }
  }

  /** What one answer has produced so far. */
  private final class Turn {
    final Started started;
    final long received;
    final ListenableFuture<String> title;
    final StringBuilder answer = new StringBuilder();
    final List<SourceView> sources = new ArrayList<>();
    boolean firstToken = true;

    Turn(Started started, long received, ListenableFuture<String> title) {
      this.started = started;
      this.received = received;
      this.title = title;
    }

    void token(String text) {
      if (firstToken) {
        gatewayFirstToken.record(System.nanoTime() - received, TimeUnit.NANOSECONDS);
        firstToken = false;
      }
      answer.append(text);
    }

    DoneData done(Done done) {
      return new DoneData(UsageView.of(done.getUsage()), done.getLatencyMs(), done.getTimeToFirstTokenMs(), done.getModel(),
          done.getExtractive(), titleIfReady());
    }

    /** The generated title, when the first message of the conversation asked for one and it came in time. */
    String titleIfReady() {
      if (title == null) return null;
      try {
        return title.get(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        return null;
      }
    }
  }

  private void relay(Sse sse, ChatCall call, Turn turn) throws Sse.ClientGone, InterruptedException {
    sse.onClosing(call::wake);
    try {
      sse.event("start", turn.started);
      while (true) {
        ChatCall.Item item = call.next(heartbeat);
        if (item == null) {
          sse.heartbeat(); // the model is slow: keep the connection (and any proxy) alive
          continue;
        }
        if (sse.closing()) {
          call.cancel("the gateway is shutting down");
          sse.event("error", new ErrorData("shutting_down", "the gateway is restarting; the answer so far is saved, ask again to continue"));
          return;
        }
        switch (item) {
          case ChatCall.Event(ChatEvent e) when e.hasToken() -> {
            turn.token(e.getToken().getText());
            sse.event("token", new TokenData(e.getToken().getText()));
          }
          case ChatCall.Event(ChatEvent e) when e.hasSource() -> sse.event("source", SourceView.of(e.getSource()));
          case ChatCall.Event(ChatEvent e) when e.hasDone() -> sse.event("done", turn.done(e.getDone()));
          case ChatCall.Event(ChatEvent e) when e.hasError() -> sse.event("error", new ErrorData(e.getError().getCode(), e.getError().getMessage()));
          case ChatCall.Event ignored -> { }
          case ChatCall.Failed(StatusRuntimeException e) -> {
            ApiException failure = GrpcErrors.toApi(e);
            sse.event("error", new ErrorData(failure.code(), failure.getMessage()));
            return;
          }
          case ChatCall.Ended ended -> {
            return;
          }
          case ChatCall.Woken woken -> { }
        }
      }
    } catch (Sse.ClientGone gone) {
      // Intelligence stops generating and stores the answer so far as partial.
      call.cancel("the client disconnected");
      throw gone;
    }
  }

  private void collect(Context ctx, ChatCall call, Turn turn) throws InterruptedException {
    DoneData done = null;
    while (done == null) {
      ChatCall.Item item = call.next(firstEvent.multipliedBy(20));
      switch (item) {
        case null -> {
          call.cancel("no answer in time");
          throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "intelligence_timeout", "the answer did not finish in time");
        }
        case ChatCall.Event(ChatEvent e) when e.hasToken() -> turn.token(e.getToken().getText());
        case ChatCall.Event(ChatEvent e) when e.hasSource() -> turn.sources.add(SourceView.of(e.getSource()));
        case ChatCall.Event(ChatEvent e) when e.hasDone() -> done = turn.done(e.getDone());
        case ChatCall.Event(ChatEvent e) when e.hasError() -> throw modelFailure(e.getError().getCode(), e.getError().getMessage());
        case ChatCall.Event ignored -> { }
        case ChatCall.Failed(StatusRuntimeException e) -> throw GrpcErrors.toApi(e);
        case ChatCall.Ended ended -> throw new ApiException(HttpStatus.BAD_GATEWAY, "intelligence_error", "the answer ended without finishing");
        case ChatCall.Woken woken -> { }
      }
    }
    ctx.json(new Answer(turn.started.messageId(), turn.started.userMessageId(), turn.started.conversationId(), turn.answer.toString(),
        turn.sources, done.usage(), done.latencyMs(), done.timeToFirstTokenMs(), done.model(), done.extractive(), done.title()));
  }

  /** A model failure reported by intelligence, as an HTTP error for a client that does not stream. */
  private static ApiException modelFailure(String code, String message) {
    HttpStatus status = switch (code) {
      case "llm_timeout" -> HttpStatus.GATEWAY_TIMEOUT;
      case "llm_rate_limited" -> HttpStatus.TOO_MANY_REQUESTS;
      default -> HttpStatus.BAD_GATEWAY;
    };
    return new ApiException(status, code, message);
  }

  /** The first message of an untitled conversation asks intelligence for a title, stored when it comes. */
  private ListenableFuture<String> title(ConversationsRecord conversation, Principal user, String message) {
    if (conversation.getTitle() != null || conversation.getMessageCount() > 0) return null;
    ListenableFuture<GenerateTitleResponse> call = ChatServiceGrpc.newFutureStub(intelligence.channel())
        .withCallCredentials(intelligence.actingFor(user.userId()))
        .withDeadlineAfter(TITLE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .generateTitle(GenerateTitleRequest.newBuilder().setConversationId(conversation.getId().toString())
            .setUserId(user.userId().toString()).setMessage(message).build());
    ListenableFuture<String> title = Futures.transform(call, GenerateTitleResponse::getTitle, MoreExecutors.directExecutor());
    Futures.addCallback(title, new FutureCallback<>() {
      @Override
      public void onSuccess(String generated) {
        if (generated != null && !generated.isBlank()) conversations.titled(conversation.getId(), generated);
      }

      @Override
      public void onFailure(Throwable t) {
        log.info("no title for conversation {}: {}", conversation.getId(), t.getMessage());
      }
    }, command -> Thread.ofVirtual().start(command)); // it writes to the database: off the gRPC transport's thread
    return title;
  }

  private ChatRequest request(UUID conversation, UUID user, ChatInput input) {
    String message = input.message() == null ? "" : input.message().strip();
    if (message.isEmpty() || message.length() > maxMessageChars) {
      throw Params.invalid("message", "must be 1 to " + maxMessageChars + " characters");
    }
    ChatSettings.Builder settings = ChatSettings.newBuilder();
    if (input.temperature() != null) {
      if (input.temperature() < 0 || input.temperature() > 2) throw Params.invalid("temperature", "must be between 0 and 2");
      settings.setTemperature(input.temperature());
    }
    if (input.maxTokens() != null) {
      if (input.maxTokens() < 1 || input.maxTokens() > 8192) throw Params.invalid("max_tokens", "must be between 1 and 8192");
      settings.setMaxTokens(input.maxTokens());
    }
    if (input.model() != null && !input.model().isBlank()) {
      if (input.model().length() > 100 || !input.model().strip().matches("[A-Za-z0-9._:/\\-]+")) {
        throw Params.invalid("model", "must be a model name (letters, digits, . _ : / -)");
      }
      settings.setModel(input.model().strip());
    }
    if (input.useRag() != null) settings.setUseRag(input.useRag());
    if (input.topK() != null) {
      if (input.topK() < 1 || input.topK() > 20) throw Params.invalid("top_k", "must be between 1 and 20");
      settings.setTopK(input.topK());
    }
    return ChatRequest.newBuilder().setConversationId(conversation.toString()).setUserId(user.toString())
        .setMessage(message).setSettings(settings).build();
  }

  private ConversationsRecord owned(Context ctx, Principal user) {
    return conversations.owned(Params.uuidPath(ctx, "id", "conversation"), user.userId()).orElseThrow(ChatRoutes::notFound);
  }

  private static boolean wantsStream(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream");
  }

  private static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such conversation");
  }
}
