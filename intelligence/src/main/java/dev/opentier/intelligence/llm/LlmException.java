package dev.opentier.intelligence.llm;

import io.grpc.Status;

/**
 * A provider failure with a stable code for clients ({@code llm_unauthorized}, {@code
 * llm_rate_limited}, {@code llm_unavailable}, {@code llm_timeout}, {@code llm_stream_broken},
 * {@code llm_bad_request}) and the gRPC status it maps to. Its message is for people and never
 * holds a key or a stack trace.
 */
public final class LlmException extends Exception {
  private final String code;
  private final Status.Code status;
  private final boolean retryable;

  public LlmException(String code, Status.Code status, boolean retryable, String message) {
    super(message);
    this.code = code;
    this.status = status;
    this.retryable = retryable;
  }

  /** An HTTP status from a provider, as a failure. */
  public static LlmException ofHttpStatus(String provider, int httpStatus, String detail) {
    String suffix = detail == null || detail.isBlank() ? "" : ": " + detail;
    return switch (httpStatus) {
      case 401, 403 -> new LlmException("llm_unauthorized", Status.Code.FAILED_PRECONDITION, false,
          provider + " refused the API key (HTTP " + httpStatus + ")" + suffix);
      case 429 -> new LlmException("llm_rate_limited", Status.Code.RESOURCE_EXHAUSTED, true,
          provider + " is rate limiting requests (HTTP 429)" + suffix);
      case 400, 404, 422 -> new LlmException("llm_bad_request", Status.Code.INVALID_ARGUMENT, false,
          provider + " rejected the request (HTTP " + httpStatus + ")" + suffix);
      default -> new LlmException("llm_unavailable", Status.Code.UNAVAILABLE, httpStatus >= 500,
          provider + " failed (HTTP " + httpStatus + ")" + suffix);
    };
  }

  public String code() {
    return code;
  }

  public Status.Code status() {
    return status;
  }

  /** Worth one more try, if no token has been sent yet. */
  public boolean retryable() {
    return retryable;
  }
}
