package dev.opentier.systemtests.gateway;

import static dev.opentier.platform.db.schema.Tables.CHAT_MESSAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opentier.intelligence.FakeOpenAi;
import dev.opentier.intelligence.IntelligenceServer;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import dev.opentier.platform.testing.TestSecrets;
import dev.opentier.queryapi.QueryApi;
import dev.opentier.systemtests.FreePort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat stream when things go wrong: a client that leaves, a model that is slow, intelligence
 * going away, the gateway shutting down. Intelligence answers from a local server speaking
 * OpenAI's streaming protocol, which can be made slow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatStreamIT {
  private static final String PASSWORD = "a long enough password";

  private ScratchDatabase scratch;
  private Database database;
  private FakeOpenAi model;
  private Map<String, String> env;
  private IntelligenceServer intelligence;
  private QueryApi gateway;
  private Api api;
  private String token;

  @BeforeAll
  void start() throws Exception {
    scratch = ScratchDatabase.create();
    model = new FakeOpenAi();
    env = new HashMap<>();
    env.put("OPENTIER_DB_URL", scratch.settings().url());
    env.put("OPENTIER_DB_USER", scratch.settings().user());
    env.put("OPENTIER_DB_PASSWORD", scratch.settings().password());
    env.put("OPENTIER_KAFKA_BOOTSTRAP", TestBroker.bootstrapServers());
    int intelligencePort = FreePort.find();
    env.put("OPENTIER_INTELLIGENCE_PORT", Integer.toString(intelligencePort));
    env.put("OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:" + intelligencePort);
    env.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    env.putAll(TestSecrets.settings());
    env.put("OPENTIER_RATE_AUTH_PER_MINUTE", "1000");
    env.put("OPENTIER_LLM_PROVIDER", "openai");
    env.put("OPENTIER_OPENAI_BASE_URL", model.baseUrl());
    env.put("OPENTIER_OPENAI_API_KEY", "sk-test");
    env.put("OPENTIER_SSE_HEARTBEAT_SECONDS", "1");
    gateway = QueryApi.start(Settings.of(env));
    intelligence = IntelligenceServer.start(Settings.of(env));
    database = scratch.connect();
    api = new Api("http://127.0.0.1:" + gateway.port());
    token = api.signIn("carol@example.org", PASSWORD);
  }

  @AfterEach
  void answerNormallyAgain() {
    model.behaviour = FakeOpenAi.Behaviour.ANSWER;
    model.slowFirstTokenDelayMs = 0;
    model.slowStarted = new CountDownLatch(1);
    model.slowClientGone = new CountDownLatch(1);
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
    if (intelligence != null) intelligence.close();
    model.close();
    database.close();
    scratch.close();
  }

  @Test
  void aClientThatDisconnectsCancelsTheAnswerWhichIsKeptAsPartial() throws Exception {
    model.behaviour = FakeOpenAi.Behaviour.SLOW;
    String conversation = conversation();
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      BufferedReader reader = post(socket, "/api/conversations/" + conversation + "/messages", "{\"message\":\"count slowly\"}");
      assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
      int tokens = 0;
      for (String line = reader.readLine(); line != null && tokens < 3; line = reader.readLine()) {
        if (line.equals("event: token")) tokens++;
      }
      assertThat(tokens).isEqualTo(3);
    } // the client goes away mid-answer

    // intelligence stopped asking the model (its call was cancelled) and stored what it had
    assertThat(model.slowClientGone.await(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var answer = database.dsl().selectFrom(CHAT_MESSAGES)
          .where(CHAT_MESSAGES.CONVERSATION_ID.eq(UUID.fromString(conversation))).and(CHAT_MESSAGES.ROLE.eq("assistant")).fetchOne();
      assertThat(answer).isNotNull();
      assertThat(answer.getStatus()).isEqualTo("partial");
      assertThat(answer.getContent()).startsWith("word0 word1 word2");
    });
    JsonNode stored = Api.json(api.send("GET", "/api/conversations/" + conversation, null, token));
    assertThat(stored.get("messages").get(1).get("partial").asBoolean()).isTrue();
  }

  @Test
  void aSlowModelGetsHeartbeatsUntilItsFirstToken() throws Exception {
    model.behaviour = FakeOpenAi.Behaviour.SLOW;
    model.slowFirstTokenDelayMs = 3_000;
    String conversation = conversation();
    HttpResponse<Stream<String>> response = api.stream("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "think first"), token);
    int[] comments = new int[1];
    List<Api.Event> events;
    try (Stream<String> lines = response.body()) {
      events = Api.read(lines.iterator(), List.of("token"), comments);
    }
    assertThat(events.getFirst().name()).isEqualTo("start");
    assertThat(events.getLast().name()).isEqualTo("token");
    // ": stream opened" plus at least one heartbeat while the model was thinking
    assertThat(comments[0]).isGreaterThanOrEqualTo(2);
  }

  @Test
  void whenIntelligenceIsDownChatAnswers503AtOnceAndRecoversWhenItReturns() throws Exception {
    String conversation = conversation();
    intelligence.close();
    intelligence = null;

    HttpResponse<String> refused = api.send("POST", "/api/conversations/" + conversation + "/messages", Map.of("message", "anyone?"), token);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(Api.json(refused).get("error").asText()).isEqualTo("intelligence_unavailable");
    HttpResponse<Stream<String>> refusedStream = api.stream("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "anyone?"), token);
    assertThat(refusedStream.statusCode()).isEqualTo(503);
    refusedStream.body().close();
    assertThat(api.send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(api.send("GET", "/api/conversations", null, token).statusCode()).isEqualTo(200);

    intelligence = IntelligenceServer.start(Settings.of(env));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        api.send("POST", "/api/conversations/" + conversation + "/messages", Map.of("message", "back?"), token).statusCode() == 200);
    assertThat(Api.json(api.send("GET", "/api/conversations/" + conversation, null, token)).get("messages")).hasSize(2);
  }

  @Test
  void aGatewayShuttingDownEndsOpenStreamsWithAnErrorEvent() throws Exception {
    Map<String, String> second = new HashMap<>(env);
    second.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    QueryApi leaving = QueryApi.start(Settings.of(second));
    Api other = new Api("http://127.0.0.1:" + leaving.port());
    model.behaviour = FakeOpenAi.Behaviour.SLOW;
    String conversation = conversation();
    HttpResponse<Stream<String>> response = other.stream("POST", "/api/conversations/" + conversation + "/messages",
        Map.of("message", "a long answer please"), token);
    List<Api.Event> rest;
    try (Stream<String> lines = response.body()) {
      Iterator<String> iterator = lines.iterator();
      List<Api.Event> first = Api.read(iterator, List.of("token"), new int[1]);
      assertThat(first.getLast().name()).isEqualTo("token");
      Thread closing = Thread.ofVirtual().start(leaving::close);
      rest = Api.read(iterator, List.of("error", "done"), new int[1]);
      closing.join(Duration.ofSeconds(30));
    }
    assertThat(rest.getLast().name()).isEqualTo("error");
    assertThat(rest.getLast().data().get("code").asText()).isEqualTo("shutting_down");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(database.dsl().selectFrom(CHAT_MESSAGES)
        .where(CHAT_MESSAGES.CONVERSATION_ID.eq(UUID.fromString(conversation))).and(CHAT_MESSAGES.ROLE.eq("assistant"))
        .fetchOne(CHAT_MESSAGES.STATUS)).isEqualTo("partial"));
  }

  private String conversation() throws Exception {
    return Api.json(api.send("POST", "/api/conversations", Map.of(), token)).get("id").asText();
  }

  /** Sends a streaming chat request over a plain socket, so the test controls when the connection closes. */
  private BufferedReader post(Socket socket, String path, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.write(body);
    out.flush();
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }
}
