package dev.opentier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.ingest.source.JsonlSource;
import dev.opentier.ingest.source.SourceDocument;
import dev.opentier.proto.intelligence.v1.ChatEvent;
import dev.opentier.proto.intelligence.v1.ChatRequest;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.InternalCalls;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./opentier bench gateway [STREAMS] [SAMPLES]}, with the platform up (extractive answers):
 * <ol>
 *   <li>uploads SciFact abstracts through the API (private to a bench user) and waits for the job;
 *   <li>time to first token added by the gateway: SAMPLES questions asked one at a time, alternately
 *       over HTTP + SSE and straight to intelligence's StreamChat over gRPC;
 *   <li>STREAMS concurrent SSE chat streams held to completion: errors, time to first token, and
 *       query-api's memory (resident set and JVM heap, sampled while they run).
 * </ol>
 */
public final class BenchGateway {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DOCUMENTS = 200;

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String token;
  private String userId;
  private CallCredentials caller;

  private BenchGateway(String base) {
    this.base = base;
  }

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    String port = System.getenv().getOrDefault("OPENTIER_HTTP_PORT", "8080");
    String intelligence = System.getenv().getOrDefault("OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:50051");
    Path corpus = BenchChunks.locateCorpus();
    BenchGateway bench = new BenchGateway("http://127.0.0.1:" + port);
    bench.signIn();
    bench.uploadCorpus(corpus);
    List<String> questions = questions(corpus.resolveSibling("queries.jsonl"));
    System.out.printf("machine: %d cores; query-api, intelligence, curation-streams, Kafka and PostgreSQL on it too%n",
        Runtime.getRuntime().availableProcessors());
    // Calls intelligence as the gateway does: its credentials (./opentier bench passes them), acting for the bench's user.
    InternalCalls calls = InternalCalls.from(Settings.fromEnvironment(), "bench");
    ManagedChannel channel = NettyChannelBuilder.forTarget(intelligence, calls.channelCredentials()).build();
    bench.caller = calls.actingFor(UUID.fromString(bench.userId));
    try {
      bench.overhead(channel, questions, samples);
    } finally {
      channel.shutdownNow();
    }
    bench.concurrent(questions, streams);
  }

  private void signIn() throws Exception {
    String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    String password = "bench password " + UUID.randomUUID();
    send("POST", "/api/auth/register", Map.of("email", email, "password", password));
    HttpResponse<String> login = send("POST", "/api/auth/login", Map.of("email", email, "password", password));
    if (login.statusCode() != 200) throw new IllegalStateException("sign-in failed: " + login.body());
    token = JSON.readTree(login.body()).get("token").asText();
    HttpResponse<String> me = send("GET", "/api/auth/me", null);
    if (me.statusCode() == 429) {
      throw new IllegalStateException("rate-limited: start the platform with OPENTIER_RATE_DEFAULT_PER_MINUTE=1000000 OPENTIER_RATE_CHAT_PER_MINUTE=1000000");
    }
    userId = JSON.readTree(me.body()).get("id").asText();
  }

  /** The first abstracts of the corpus, uploaded as text files in one request; waits until the pipeline has concluded them. */
  private void uploadCorpus(Path corpus) throws Exception {
    String boundary = "bench-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    AtomicInteger count = new AtomicInteger();
    new JsonlSource(corpus, "scifact", 32L * 1024 * 1024).forEach(document -> {
      if (count.getAndIncrement() >= DOCUMENTS) return;
      part(body, boundary, "files", "scifact/" + document.documentId() + ".txt", document);
    });
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/documents"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    if (submitted.statusCode() != 202) throw new IllegalStateException("upload failed: " + submitted.body());
    String job = JSON.readTree(submitted.body()).get("job_id").asText();
    long started = System.nanoTime();
    JsonNode progress;
    do {
      Thread.sleep(500); // polling the job's progress row
      progress = JSON.readTree(send("GET", "/api/ingestion/jobs/" + job, null).body());
    } while (!progress.get("job").get("finished").asBoolean() && System.nanoTime() - started < Duration.ofMinutes(10).toNanos());
    System.out.printf("corpus: %d SciFact abstracts uploaded and concluded in %.1f s (%d indexed)%n", DOCUMENTS,
        (System.nanoTime() - started) / 1e9, progress.get("job").get("outcomes").get("indexed").asInt());
  }

  private static void part(ByteArrayOutputStream body, String boundary, String field, String name, SourceDocument document) {
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name
        + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(document.content());
    body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
  }

  /** Time to first token over the gateway and straight to intelligence, one request at a time, alternating. */
  private void overhead(ManagedChannel channel, List<String> questions, int samples) throws Exception {
    String conversation = conversation();
    List<Double> viaGateway = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    List<Double> added = new ArrayList<>();
    int warmup = Math.max(10, samples / 10);
    try (CloseableHttpClient client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build()).build())
        .build()) {
      for (int i = 0; i < samples + warmup; i++) {
        String question = questions.get(i % questions.size());
        double g = sequentialFirstToken(client, conversation, question);
        double d = directFirstToken(channel, conversation, question);
        if (i >= warmup) {
          viaGateway.add(g);
          direct.add(d);
          added.add(g - d);
        }
      }
    }
    System.out.printf("time to first token, %d questions one at a time (after %d warm-up):%n", samples, warmup);
    System.out.printf("  via gateway (HTTP + SSE + gRPC): p50 %.1f ms  p90 %.1f ms  p99 %.1f ms%n",
        percentile(viaGateway, 50), percentile(viaGateway, 90), percentile(viaGateway, 99));
    System.out.printf("  straight to intelligence (gRPC): p50 %.1f ms  p90 %.1f ms  p99 %.1f ms%n",
        percentile(direct, 50), percentile(direct, 90), percentile(direct, 99));
    System.out.printf("  added by the gateway: p50 %.1f ms (goal <= 5 ms); median of the paired differences %.1f ms%n",
        percentile(viaGateway, 50) - percentile(direct, 50), percentile(added, 50));
  }

  private double directFirstToken(ManagedChannel channel, String conversation, String question) {
    long started = System.nanoTime();
    Iterator<ChatEvent> events = ChatServiceGrpc.newBlockingStub(channel).withCallCredentials(caller).streamChat(ChatRequest.newBuilder()
        .setConversationId(conversation).setUserId(userId).setMessage(question).build());
    double first = -1;
    while (events.hasNext()) {
      ChatEvent event = events.next();
      if (first < 0 && event.hasToken()) first = (System.nanoTime() - started) / 1e6;
    }
    return first;
  }

  /**
   * One chat over HTTP + SSE with Apache HttpClient's classic (blocking) client: it writes and reads
   * on the calling thread with TCP_NODELAY, as curl and browsers do, so the figure is the gateway's
   * rather than a client's thread hand-offs. (java.net.http's client passes every read through its
   * selector thread and an executor; on a 2-core machine that added about 4 ms to each first
   * token.) The connection is kept for the next question.
   */
  private double sequentialFirstToken(CloseableHttpClient client, String conversation, String question) throws IOException {
    HttpPost post = new HttpPost(base + "/api/conversations/" + conversation + "/messages");
    post.setHeader("Authorization", "Bearer " + token);
    post.setHeader("Accept", "text/event-stream");
    post.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(Map.of("message", question)), ContentType.APPLICATION_JSON));
    long started = System.nanoTime();
    Stream stream = client.execute(post, response -> {
      if (response.getCode() != 200) throw new IOException("HTTP " + response.getCode() + " for a chat message");
      return readToEnd(response.getEntity().getContent(), started);
    });
    if (stream.failure() != null) throw new IOException(stream.failure());
    return stream.firstTokenMs();
  }

  record Stream(double firstTokenMs, double totalMs, String failure) {}

  /** One chat over HTTP + SSE, read to its end: when its first token and its end arrived, or why it failed. */
  private Stream gatewayFirstToken(String conversation, String question) {
    long started = System.nanoTime();
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/conversations/" + conversation + "/messages"))
          .header("Authorization", "Bearer " + token)
          .header("Accept", "text/event-stream")
          .header("Content-Type", "application/json")
          .timeout(Duration.ofMinutes(10))
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("message", question))))
          .build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        return new Stream(-1, -1, "HTTP " + response.statusCode() + " " + body);
      }
      return readToEnd(response.body(), started);
    } catch (IOException | InterruptedException e) {
      return new Stream(-1, -1, e.toString());
    }
  }

  /**
   * Reads a chat's event stream to its end (the server ends it after done or error), as a browser
   * does: a body left unread makes a client close the connection instead of reusing it. Times are
   * from {@code started}.
   */
  private static Stream readToEnd(InputStream body, long started) throws IOException {
    double first = -1;
    String failure = "the stream ended without a done event";
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (first < 0 && line.equals("event: token")) first = (System.nanoTime() - started) / 1e6;
        if (line.equals("event: done")) failure = null;
        if (line.equals("event: error")) failure = "error event: " + lines.readLine();
      }
    }
    return new Stream(first, (System.nanoTime() - started) / 1e6, failure);
  }

  /** STREAMS chats started together over SSE, each in its own conversation, held to their end. */
  private void concurrent(List<String> questions, int streams) throws Exception {
    List<String> conversations = new ArrayList<>();
    for (int i = 0; i < streams; i++) conversations.add(conversation());
    Memory memory = new Memory(base);
    long baseline = memory.residentBytes();
    List<Stream> results = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    long started;
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < streams; i++) {
        String conversation = conversations.get(i);
        String question = questions.get(i % questions.size());
        clients.submit(() -> {
          go.await();
          results.add(gatewayFirstToken(conversation, question));
          return null;
        });
      }
      memory.start();
      started = System.nanoTime();
      go.countDown();
    }
    double wall = (System.nanoTime() - started) / 1e9;
    memory.stop();
    List<Stream> failed = results.stream().filter(r -> r.failure() != null).toList();
    List<Double> firstTokens = results.stream().filter(r -> r.failure() == null).map(Stream::firstTokenMs).toList();
    List<Double> totals = results.stream().filter(r -> r.failure() == null).map(Stream::totalMs).toList();
    System.out.printf("%d concurrent SSE chat streams: %d completed, %d errors, all done in %.1f s%n", streams, streams - failed.size(),
        failed.size(), wall);
    failed.stream().limit(5).forEach(f -> System.out.println("  error: " + f.failure()));
    System.out.printf("  time to first token: p50 %.0f ms  p99 %.0f ms; whole answer: p50 %.0f ms  p99 %.0f ms%n",
        percentile(firstTokens, 50), percentile(firstTokens, 99), percentile(totals, 50), percentile(totals, 99));
    System.out.printf("  query-api memory: resident %d MiB before, %d MiB at peak; JVM heap used at peak %d MiB%n",
        baseline / (1024 * 1024), memory.peakResident.get() / (1024 * 1024), memory.peakHeap.get() / (1024 * 1024));
  }

  /** Samples query-api's resident set (from /proc, by its pid file) and heap (from its /metrics) while the streams run. */
  private static final class Memory {
    final AtomicLong peakResident = new AtomicLong();
    final AtomicLong peakHeap = new AtomicLong();
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean running;
    private Thread thread;

    Memory(String base) {
      this.base = base;
    }

    void start() {
      running = true;
      thread = Thread.ofPlatform().daemon().start(() -> {
        while (running) {
          peakResident.accumulateAndGet(residentBytes(), Math::max);
          peakHeap.accumulateAndGet(heapBytes(), Math::max);
          try {
            Thread.sleep(200); // sampling interval
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    long residentBytes() {
      try {
        Path pidFile = Path.of(System.getenv().getOrDefault("OPENTIER_VAR_DIR", "var"), "run", "query-api.pid");
        String pid = Files.readString(pidFile).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
          if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      } catch (IOException | RuntimeException e) {
        return 0;
      }
      return 0;
    }

    long heapBytes() {
      try {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        long heap = 0;
        for (String line : metrics.split("\n")) {
          if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
            heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
        return heap;
      } catch (IOException | InterruptedException | RuntimeException e) {
        return 0;
      }
    }
  }

  private String conversation() throws Exception {
    HttpResponse<String> created = send("POST", "/api/conversations", Map.of());
    if (created.statusCode() == 429) throw new IllegalStateException("rate-limited: start the platform with OPENTIER_RATE_DEFAULT_PER_MINUTE=1000000 OPENTIER_RATE_CHAT_PER_MINUTE=1000000");
    return JSON.readTree(created.body()).get("id").asText();
  }

  private HttpResponse<String> send(String method, String path, Object body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> questions(Path file) throws IOException {
    List<String> questions = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) questions.add(JSON.readTree(line).get("text").asText());
    }
    return questions;
  }

  private static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
