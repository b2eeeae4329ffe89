package dev.opentier.queryapi.intelligence;

import dev.opentier.queryapi.edge.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.javalin.http.HttpStatus;

/** What a failed call to intelligence means for the HTTP caller: a status and a stable code. */
public final class GrpcErrors {
  private GrpcErrors() {}

  public static ApiException toApi(StatusRuntimeException e) {
    Status status = e.getStatus();
    String detail = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case NOT_FOUND -> new ApiException(HttpStatus.NOT_FOUND, "not_found", detail.isEmpty() ? "not found" : detail);
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new ApiException(HttpStatus.BAD_REQUEST, "invalid_input", detail);
      case UNAUTHENTICATED -> new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", detail);
      case PERMISSION_DENIED -> new ApiException(HttpStatus.FORBIDDEN, "forbidden", detail);
      case RESOURCE_EXHAUSTED -> new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", detail);
      case DEADLINE_EXCEEDED -> new ApiException(HttpStatus.GATEWAY_TIMEOUT, "intelligence_timeout", "intelligence did not answer in time");
      case UNAVAILABLE -> unavailable();
      case CANCELLED -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "cancelled", "the call was cancelled");
      default -> new ApiException(HttpStatus.BAD_GATEWAY, "intelligence_error", "intelligence failed to answer");
    };
  }

  public static ApiException unavailable() {
    return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "intelligence_unavailable",
        "the intelligence service is not reachable right now; try again shortly");
  }
}
