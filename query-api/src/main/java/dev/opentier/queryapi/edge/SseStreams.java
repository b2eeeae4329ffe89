package dev.opentier.queryapi.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every open event stream of the gateway: counted for /metrics, and told to end when the gateway
 * shuts down, which then waits (bounded) for them to send their last event.
 */
public final class SseStreams {
  /** A stream's body: it owns the {@link Sse} until it returns. */
  public interface Body {
    void run(Sse sse) throws IOException, InterruptedException;
  }

  private final Set<Sse> open = ConcurrentHashMap.newKeySet();
  private final ObjectMapper mapper;
  private final MeterRegistry registry;
  private final Counter disconnects;
  private volatile boolean closing;

  public SseStreams(ObjectMapper mapper, MeterRegistry registry) {
    this.mapper = mapper;
    this.registry = registry;
    Gauge.builder("opentier_sse_streams_open", open, Set::size).description("event streams open now").register(registry);
    this.disconnects = Counter.builder("opentier_sse_client_disconnects").description("streams the client closed before their end").register(registry);
  }

  /** Opens an event stream on {@code ctx} and runs {@code body} with it; a client that goes away ends it quietly. */
  public void stream(Context ctx, Body body) throws InterruptedException {
    if (closing) throw new ApiException(io.javalin.http.HttpStatus.SERVICE_UNAVAILABLE, "shutting_down", "the gateway is shutting down; try again");
    Sse sse;
    try {
      sse = new Sse(ctx, mapper, this);
    } catch (Sse.ClientGone e) {
      return;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    open.add(sse);
    try {
      if (closing) sse.close();
      body.run(sse);
    } catch (Sse.ClientGone e) {
      // the client left; the body has already released what it held
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      open.remove(sse);
    }
  }

  void sent(String event) {
    registry.counter("opentier_sse_events", "event", event).increment();
  }

  void clientGone() {
    disconnects.increment();
  }

  public int openCount() {
    return open.size();
  }

  /** Asks every open stream to end, and waits up to {@code grace} for them to do so. */
  public void closeAll(Duration grace) throws InterruptedException {
    closing = true;
    open.forEach(Sse::close);
    long deadline = System.nanoTime() + grace.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20); // bounded wait for handler threads to write their last event
    }
  }
}
