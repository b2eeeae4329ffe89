package dev.opentier.intelligence;

import static dev.opentier.platform.db.schema.Tables.CHAT_MESSAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opentier.intelligence.chat.ChatGrpcService;
import dev.opentier.platform.service.InternalCalls;
import dev.opentier.intelligence.chat.ChatSettings;
import dev.opentier.intelligence.chat.ChatStore;
import dev.opentier.intelligence.chat.PromptBuilder;
import dev.opentier.intelligence.llm.ExtractiveProvider;
import dev.opentier.intelligence.llm.LlmProvider;
import dev.opentier.intelligence.llm.OpenAiProvider;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.proto.intelligence.v1.ChatEvent;
import dev.opentier.proto.intelligence.v1.ChatRequest;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.proto.intelligence.v1.Conversation;
import dev.opentier.proto.intelligence.v1.GenerateTitleRequest;
import dev.opentier.proto.intelligence.v1.GetConversationRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ChatService over real PostgreSQL: stream order, persistence (also on cancel and failure), permissions in citations, providers on the wire. */
class ChatIT {
  private static TestCorpus corpus;
  private static HybridRetriever retriever;
  private static FakeOpenAi openAi;
  private static UUID alice;
  private static UUID bob;
  private Server server;
  private ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    corpus = new TestCorpus();
    alice = corpus.user("alice@example.com");
    bob = corpus.user("bob@example.com");
    corpus.document("alice-secret", alice, "private", "Project Nightingale",
        "Project Nightingale is the codename for the new satellite launch planned for March.");
    corpus.document("bees", null, "public", "Honey bees",
        "Honey bees communicate the location of flowers through the waggle dance. The dance encodes direction and distance.",
        "Bumble bees can fly in colder weather than honey bees do.");
    retriever = new HybridRetriever(corpus.db, corpus.embedder, RetrievalSettings.from(Settings.of(Map.of())));
    retriever.refreshStatistics(true);
    openAi = new FakeOpenAi();
  }

  @AfterAll
  static void stop() {
    openAi.close();
    corpus.close();
  }

  @AfterEach
  void stopServer() {
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow();
  }

  private static final InternalCalls CALLS = InternalCalls.withSecret("query-api", "the chat test's secret, long enough for HS256");

  /** The chat service, and a stub whose calls the gateway asserted for bob. */
  private ChatServiceGrpc.ChatServiceBlockingStub serve(LlmProvider provider) throws Exception {
    ChatSettings settings = ChatSettings.from(Settings.of(Map.of()));
    String name = "chat-it-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name)
        .addService(io.grpc.ServerInterceptors.intercept(new ChatGrpcService(new ChatStore(corpus.db), retriever, new Passages(corpus.db),
            new PromptBuilder(corpus.embedder.tokenizer(), settings.contextTokens()), provider, settings), new Failures(), CALLS.verifier()))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return ChatServiceGrpc.newBlockingStub(channel).withCallCredentials(CALLS.actingFor(bob));
  }

  private static OpenAiProvider openAiProvider() {
    return new OpenAiProvider(openAi.baseUrl(), "sk-test-key", "gpt-4o", Duration.ofSeconds(5));
  }

  @Test
  void theExtractiveAnswerStreamsInOrderCitesOnlyPassagesContainingItsSentencesAndIsPersisted() throws Exception {
    var chat = serve(new ExtractiveProvider());
    UUID conversation = corpus.conversation(bob);

    List<ChatEvent> events = collect(chat.streamChat(request(conversation, bob, "How do honey bees show where flowers are?")));

    assertThat(events.getFirst().hasStarted()).isTrue();
    assertThat(events.getLast().hasDone()).isTrue();
    assertThat(events.getLast().getDone().getExtractive()).isTrue();
    List<String> kinds = events.stream().map(e -> e.getEventCase().name()).distinct().toList();
    assertThat(kinds).containsExactly("STARTED", "TOKEN", "SOURCE", "DONE");
    String answer = String.join("", events.stream().filter(ChatEvent::hasToken).map(e -> e.getToken().getText()).toList());
    assertThat(answer).startsWith(ExtractiveProvider.PREFIX).contains("waggle dance").contains("[1]");
    // Each cited passage contains the sentence quoted before its marker.
    for (ChatEvent source : events.stream().filter(ChatEvent::hasSource).toList()) {
      String marker = "[" + source.getSource().getIndex() + "]";
      String before = answer.substring(0, answer.indexOf(marker)).replace(ExtractiveProvider.PREFIX, "");
      String sentence = before.substring(Math.max(before.lastIndexOf("] ") + 2, 0)).strip();
      assertThat(source.getSource().getPassage().getText()).contains(sentence);
      assertThat(source.getSource().getPassage().getDocumentId()).isNotEqualTo("alice-secret");
    }

    Conversation stored = chat.getConversation(GetConversationRequest.newBuilder()
        .setConversationId(conversation.toString()).setUserId(bob.toString()).build());
    assertThat(stored.getMessagesList()).extracting(m -> m.getRole()).containsExactly("user", "assistant");
    assertThat(stored.getMessages(1).getId()).isEqualTo(events.getFirst().getStarted().getMessageId());
    assertThat(stored.getMessages(1).getContent()).isEqualTo(answer);
    assertThat(stored.getMessages(1).getSourcesCount()).isEqualTo(events.stream().filter(ChatEvent::hasSource).count());
    assertThat(stored.getMessages(1).getPartial()).isFalse();
  }

  @Test
  void anotherUsersConversationDoesNotExistForTheCaller() throws Exception {
    var chat = serve(new ExtractiveProvider());
    UUID conversation = corpus.conversation(alice);
    assertThatThrownBy(() -> collect(chat.streamChat(request(conversation, bob, "hello there"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> chat.getConversation(GetConversationRequest.newBuilder().setConversationId(conversation.toString())
        .setUserId(bob.toString()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(corpus.db.fetchCount(CHAT_MESSAGES, CHAT_MESSAGES.CONVERSATION_ID.eq(conversation))).isZero();
  }

  @Test
  void aUserIsNeverCitedAnotherUsersPrivateDocument() throws Exception {
    var chat = serve(new ExtractiveProvider());
    UUID conversation = corpus.conversation(bob);
    List<ChatEvent> events = collect(chat.streamChat(request(conversation, bob, "What is Project Nightingale, the satellite launch codename?")));
    assertThat(events.stream().filter(ChatEvent::hasSource).map(e -> e.getSource().getPassage().getDocumentId()))
        .doesNotContain("alice-secret");
    String answer = String.join("", events.stream().filter(ChatEvent::hasToken).map(e -> e.getToken().getText()).toList());
    assertThat(answer).doesNotContain("codename for the new satellite");
  }

  @Test
  void theOpenAiProviderSendsTheSettingsAndStreamsTheTokensItReceives() throws Exception {
    openAi.behaviour = FakeOpenAi.Behaviour.ANSWER;
    openAi.requests.clear();
    var chat = serve(openAiProvider());
    UUID conversation = corpus.conversation(bob);
    ChatRequest request = request(conversation, bob, "How do bees find flowers?").toBuilder()
        .setSettings(dev.opentier.proto.intelligence.v1.ChatSettings.newBuilder().setTemperature(0.7).setMaxTokens(300).setModel("gpt-4o-mini"))
        .build();

    List<ChatEvent> events = collect(chat.streamChat(request));

    assertThat(events.stream().filter(ChatEvent::hasToken).map(e -> e.getToken().getText())).containsExactly("Bees ", "dance ", "[1]", ".");
    assertThat(events.stream().filter(ChatEvent::hasSource)).hasSize(1);
    ChatEvent done = events.getLast();
    assertThat(done.getDone().getUsage().getPromptTokens()).isEqualTo(42);
    assertThat(done.getDone().getModel()).isEqualTo("gpt-4o-mini");
    assertThat(done.getDone().getExtractive()).isFalse();
    var sent = openAi.requests.getLast();
    assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.get("temperature").asDouble()).isEqualTo(0.7);
    assertThat(sent.get("max_tokens").asInt()).isEqualTo(300);
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(sent.get("messages").get(0).get("content").asText()).contains("[1] Honey bees");
    assertThat(sent.get("messages").get(sent.get("messages").size() - 1).get("content").asText()).isEqualTo("How do bees find flowers?");
    assertThat(openAi.authorizations.getLast()).isEqualTo("Bearer sk-test-key");
  }

  @Test
  void providerFailuresArriveAsErrorEventsWithTheirCodeAndAreStored() throws Exception {
    var chat = serve(openAiProvider());
    Map<Integer, String> codes = Map.of(401, "llm_unauthorized", 429, "llm_rate_limited", 500, "llm_unavailable");
    for (var expected : codes.entrySet()) {
      openAi.behaviour = FakeOpenAi.Behaviour.STATUS;
      openAi.status = expected.getKey();
      openAi.requests.clear();
      UUID conversation = corpus.conversation(bob);
      List<ChatEvent> events = collect(chat.streamChat(request(conversation, bob, "How do bees find flowers?")));
      assertThat(events.getLast().hasError()).as("HTTP %d", expected.getKey()).isTrue();
      assertThat(events.getLast().getError().getCode()).isEqualTo(expected.getValue());
      assertThat(events.stream().noneMatch(ChatEvent::hasToken)).isTrue();
      // Retried once before any token, and only when retrying can help.
      assertThat(openAi.requests).hasSize(expected.getKey() == 401 ? 1 : 2);
      assertThat(corpus.db.select(CHAT_MESSAGES.STATUS, CHAT_MESSAGES.ERROR_CODE).from(CHAT_MESSAGES)
          .where(CHAT_MESSAGES.CONVERSATION_ID.eq(conversation)).and(CHAT_MESSAGES.ROLE.eq("assistant")).fetchOne().intoList())
          .containsExactly("error", expected.getValue());
    }
    openAi.behaviour = FakeOpenAi.Behaviour.DROP;
    List<ChatEvent> dropped = collect(chat.streamChat(request(corpus.conversation(bob), bob, "How do bees find flowers?")));
    assertThat(dropped.stream().filter(ChatEvent::hasToken)).hasSize(2);
    assertThat(dropped.getLast().getError().getCode()).isEqualTo("llm_stream_broken");
  }

  @Test
  void aCancelledAnswerIsStoredAsPartial() throws Exception {
    openAi.behaviour = FakeOpenAi.Behaviour.SLOW;
    openAi.slowStarted = new java.util.concurrent.CountDownLatch(1);
    openAi.slowClientGone = new java.util.concurrent.CountDownLatch(1);
    var chat = serve(openAiProvider());
    UUID conversation = corpus.conversation(bob);
    Context.CancellableContext call = Context.current().withCancellation();
    List<ChatEvent> received = new ArrayList<>();
    call.run(() -> {
      Iterator<ChatEvent> events = chat.streamChat(request(conversation, bob, "Tell me everything about bees"));
      while (events.hasNext()) {
        received.add(events.next());
        if (received.size() == 4) break;
      }
    });
    call.cancel(null);

    assertThat(received.getFirst().hasStarted()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> corpus.db.fetchExists(CHAT_MESSAGES,
        CHAT_MESSAGES.CONVERSATION_ID.eq(conversation).and(CHAT_MESSAGES.ROLE.eq("assistant"))));
    var stored = corpus.db.selectFrom(CHAT_MESSAGES).where(CHAT_MESSAGES.CONVERSATION_ID.eq(conversation))
        .and(CHAT_MESSAGES.ROLE.eq("assistant")).fetchOne();
    assertThat(stored.getStatus()).isEqualTo("partial");
    assertThat(stored.getContent()).startsWith("word0 word1 word2");
    assertThat(openAi.slowClientGone.await(10, TimeUnit.SECONDS)).as("the model's stream was closed").isTrue();
  }

  @Test
  void titlesComeFromTheModelOrOfflineFromTheKeyWords() throws Exception {
    UUID conversation = corpus.conversation(bob);
    var offline = serve(new ExtractiveProvider());
    assertThat(offline.generateTitle(GenerateTitleRequest.newBuilder().setConversationId(conversation.toString()).setUserId(bob.toString())
        .setMessage("What is the waggle dance of honey bees?").build()).getTitle()).isEqualTo("Waggle dance honey bees");
    stopServer();
    openAi.behaviour = FakeOpenAi.Behaviour.ANSWER;
    openAi.tokens = List.of("\"Honey ", "bee ", "dances\"");
    var online = serve(openAiProvider());
    assertThat(online.generateTitle(GenerateTitleRequest.newBuilder().setConversationId(conversation.toString()).setUserId(bob.toString())
        .setMessage("What is the waggle dance of honey bees?").build()).getTitle()).isEqualTo("Honey bee dances");
    openAi.tokens = List.of("Bees ", "dance ", "[1]", ".");
  }

  @Test
  void invalidSettingsAreRejectedBeforeAnythingIsStored() throws Exception {
    var chat = serve(new ExtractiveProvider());
    UUID conversation = corpus.conversation(bob);
    ChatRequest hot = request(conversation, bob, "hi there").toBuilder()
        .setSettings(dev.opentier.proto.intelligence.v1.ChatSettings.newBuilder().setTemperature(3)).build();
    assertThatThrownBy(() -> collect(chat.streamChat(hot)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(corpus.db.fetchCount(CHAT_MESSAGES, CHAT_MESSAGES.CONVERSATION_ID.eq(conversation))).isZero();
  }

  private static ChatRequest request(UUID conversation, UUID user, String message) {
    return ChatRequest.newBuilder().setConversationId(conversation.toString()).setUserId(user.toString()).setMessage(message).build();
  }

  private static List<ChatEvent> collect(Iterator<ChatEvent> events) {
    List<ChatEvent> all = new ArrayList<>();
    events.forEachRemaining(all::add);
    return all;
  }
}
