package dev.opentier.queryapi.intelligence;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.service.InternalCalls;
import dev.opentier.platform.service.RequestId;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import java.io.IOException;
import java.util.UUID;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The gateway's one connection to intelligence. It connects eagerly at start-up and, when
 * intelligence is not there yet, carries on with a lazy connection (decision 4 of the original):
 * the gateway boots regardless of start-up order, and the channel connects by itself once
 * intelligence comes up. Every call carries the request id as {@code x-request-id} metadata.
 */
public final class IntelligenceChannel implements AutoCloseable {
  public static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Logger log = LoggerFactory.getLogger(IntelligenceChannel.class);
  private static final Duration REQUEST_CONNECT = Duration.ofSeconds(2);

  private final ManagedChannel channel;
  private final InternalCalls calls;

  private IntelligenceChannel(ManagedChannel channel, InternalCalls calls) {
    this.channel = channel;
    this.calls = calls;
  }

  /** Connects with {@code calls}' channel credentials (mutual TLS when configured); each call then names its user ({@link #actingFor}). */
  public static IntelligenceChannel connect(String target, InternalCalls calls, Duration eagerTimeout) {
    ChannelCredentials credentials;
    try {
      credentials = calls.channelCredentials();
    } catch (IOException e) {
      throw new SettingException(InternalCalls.TLS_CERT, "the certificate or key cannot be used: " + e.getMessage(), e);
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(target, credentials)
        // Responses are handed to observers on the transport's own thread, one hand-off less per
        // answer token. So an asynchronous observer must not block: ChatCall only queues, and the
        // title's database write runs on a thread of its own.
        .directExecutor()
        // A name with several addresses (several intelligence instances behind one DNS name, a
        // Kubernetes headless Service) gets its calls spread over all of them; one that stops
        // answering is left out until it is back.
        .defaultLoadBalancingPolicy("round_robin")
        .intercept(new RequestIdInterceptor())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
    IntelligenceChannel intelligence = new IntelligenceChannel(channel, calls);
    if (intelligence.awaitReady(eagerTimeout)) {
      log.info("connected to intelligence at {}", target);
    } else {
      log.warn("intelligence is not reachable at {} yet; continuing with a lazy connection", target);
    }
    return intelligence;
  }

  /**
   * What a call to intelligence on behalf of {@code user} carries ({@code null}: no user): every
   * stub call sets it, and intelligence acts for that user and no other.
   */
  public CallCredentials actingFor(UUID user) {
    return calls.actingFor(user);
  }

  /** The channel the generated stubs use. */
  public Channel channel() {
    return channel;
  }

  /** True when intelligence answers the standard health check with SERVING within {@code timeout}. */
  public boolean isServing(Duration timeout) {
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      // Skip the exponential reconnect back-off: readiness must reflect intelligence as it is now.
      channel.resetConnectBackoff();
    }
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** For a request that needs intelligence now: a 503 {@code intelligence_unavailable} unless it connects within 2 s. */
  public void requireReady() {
    if (!awaitReady(REQUEST_CONNECT)) throw GrpcErrors.unavailable();
  }

  /**
   * Makes sure the channel is connected, waiting at most {@code timeout}: true when it is. A channel
   * in reconnect back-off tries again at once (intelligence may have just come back), and an
   * attempt that is refused ends the wait, so a caller learns quickly that intelligence is down.
   */
  public boolean awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.TRANSIENT_FAILURE) channel.resetConnectBackoff();
    boolean attempted = state != ConnectivityState.TRANSIENT_FAILURE;
    while (state != ConnectivityState.READY) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      if (state == ConnectivityState.TRANSIENT_FAILURE && attempted) return false;
      if (state != ConnectivityState.TRANSIENT_FAILURE) attempted = true;
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        if (!changed.await(left, TimeUnit.NANOSECONDS)) return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      state = channel.getState(true);
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) channel.shutdownNow();
  }

  /** Passes the request id of the HTTP request being handled on to intelligence. */
  private static final class RequestIdInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      String requestId = MDC.get(RequestId.MDC_KEY);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          if (requestId != null) headers.put(REQUEST_ID, requestId);
          super.start(listener, headers);
        }
      };
    }
  }
}
