package dev.opentier.queryapi.edge;

import io.javalin.http.HttpStatus;

/**
 * A failure a handler reports to the caller: an HTTP status, a stable machine-readable code and a
 * message for people. Mapped to the JSON error body in one place ({@link ApiErrors}).
 */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;

  public ApiException(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }
}
