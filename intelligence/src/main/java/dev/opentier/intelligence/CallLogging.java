package dev.opentier.intelligence;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import dev.opentier.platform.service.RequestId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs one line per gRPC call (method, status, duration) with the caller's request id, taken from
 * {@code x-request-id} metadata (the gateway sends it) or generated, and echoed back in the headers.
 */
final class CallLogging implements ServerInterceptor {
  static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Logger log = LoggerFactory.getLogger("grpc");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String requestId = RequestId.acceptOrGenerate(headers.get(REQUEST_ID));
    long started = System.nanoTime();
    String method = call.getMethodDescriptor().getFullMethodName();
    ServerCall<Q, R> logged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendHeaders(Metadata responseHeaders) {
        responseHeaders.put(REQUEST_ID, requestId);
        super.sendHeaders(responseHeaders);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        MDC.put(RequestId.MDC_KEY, requestId);
        try {
          log.info("{} {} {}ms", method, status.getCode(), (System.nanoTime() - started) / 1_000_000);
        } finally {
          MDC.remove(RequestId.MDC_KEY);
        }
        super.close(status, trailers);
      }
    };
    return next.startCall(logged, headers);
  }
}
