package dev.opentier.queryapi.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Server-Sent Events response: numbered events with JSON data, comments as heartbeats. Written
 * and flushed from the handler's own (virtual) thread. A write to a client that went away throws
 * {@link ClientGone}; a gateway shutting down asks the stream to end ({@link #closing()}) so it can
 * say so with a last event instead of being cut. Opened through {@link SseStreams}.
 */
public final class Sse {
  /** The client closed the connection. */
  public static final class ClientGone extends IOException {
    ClientGone(IOException cause) {
      super("the client closed the stream", cause);
    }
  }

  private final OutputStream out;
  private final ObjectMapper mapper;
  private final SseStreams streams;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Runnable onClosing = () -> {};
  private long nextId = 1;

  Sse(Context ctx, ObjectMapper mapper, SseStreams streams) throws IOException {
    this.mapper = mapper;
    this.streams = streams;
    ctx.status(200);
    ctx.res().setContentType("text/event-stream; charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache, no-transform");
    ctx.res().setHeader("X-Accel-Buffering", "no"); // proxies (nginx) must not buffer the stream
    this.out = ctx.res().getOutputStream();
    try {
      out.write(": stream opened\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new ClientGone(e);
    }
  }

  /** Sends one event; its data is the value as JSON (one line). */
  public synchronized void event(String name, Object data) throws ClientGone {
    String json;
    try {
      json = mapper.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event data is not serialisable: " + e.getOriginalMessage(), e);
    }
    write("id: " + nextId++ + "\nevent: " + name + "\ndata: " + json + "\n\n");
    streams.sent(name);
  }

  /** A comment line: ignored by readers, keeps proxies and clients from timing the stream out. */
  public synchronized void heartbeat() throws ClientGone {
    write(": heartbeat\n\n");
  }

  /** True once the gateway is shutting down: the stream should send its last event and end. */
  public boolean closing() {
    return closing.getCount() == 0;
  }

  /** Waits up to {@code time}; returns true early when the gateway starts shutting down. */
  public boolean awaitClosing(Duration time) throws InterruptedException {
    return closing.await(time.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code action} when the gateway starts shutting down (a stream blocked elsewhere wakes up with it). */
  public void onClosing(Runnable action) {
    this.onClosing = action;
    if (closing()) action.run();
  }

  void close() {
    closing.countDown();
    onClosing.run();
  }

  private void write(String text) throws ClientGone {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      streams.clientGone();
      throw new ClientGone(e);
    }
  }
}
