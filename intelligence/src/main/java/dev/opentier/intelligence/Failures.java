package dev.opentier.intelligence;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a service method throws into the call's status: a {@link StatusRuntimeException}
 * keeps its status and description (grpc-java would otherwise answer UNKNOWN); anything else is a
 * bug, logged here with its stack trace and answered INTERNAL without one.
 */
public final class Failures implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> listener = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(super::onHalfClose);
      }

      private void guard(Runnable step) {
        try {
          step.run();
        } catch (StatusRuntimeException e) {
          close(e.getStatus(), e.getTrailers());
        } catch (RuntimeException e) {
          log.error("{} failed", call.getMethodDescriptor().getFullMethodName(), e);
          close(Status.INTERNAL.withDescription("internal error"), null);
        }
      }

      private void close(Status status, Metadata trailers) {
        try {
          call.close(status, trailers == null ? new Metadata() : trailers);
        } catch (IllegalStateException alreadyClosed) {
          // the handler had closed the call before it threw: nothing more to tell the caller
        }
      }
    };
  }
}
