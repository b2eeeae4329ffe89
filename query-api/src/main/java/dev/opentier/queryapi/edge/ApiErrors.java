package dev.opentier.queryapi.edge;

import com.fasterxml.jackson.core.JacksonException;
import dev.opentier.queryapi.auth.Accounts;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure leaves the gateway as {@code {"error": code, "message": text, "request_id": id}}
 * with the right status: never a stack trace, never 200.
 */
public final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  /** The JSON body of every error response. */
  public record ErrorBody(String error, String message, String requestId) {}

  private ApiErrors() {}

  public static void install(JavalinConfig config) {
    config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.code(), e.getMessage()));
    config.routes.exception(Accounts.InvalidInput.class, (e, ctx) -> respond(ctx, HttpStatus.BAD_REQUEST, "invalid_input", e.getMessage()));
    config.routes.exception(Accounts.EmailTaken.class, (e, ctx) -> respond(ctx, HttpStatus.CONFLICT, "email_taken", e.getMessage()));
    config.routes.exception(JacksonException.class, (e, ctx) ->
        respond(ctx, HttpStatus.BAD_REQUEST, "invalid_json", "the body is not the JSON this route takes: " + e.getOriginalMessage()));
    config.routes.exception(HttpResponseException.class, (e, ctx) -> {
      HttpStatus status = HttpStatus.forStatus(e.getStatus());
      respond(ctx, status, codeOf(status), e.getMessage());
    });
    config.routes.exception(Exception.class, (e, ctx) -> {
      log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
      respond(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.");
    });
    config.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
      if (!isErrorBody(ctx)) respond(ctx, HttpStatus.NOT_FOUND, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
    });
    config.routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), "*", ctx -> {
      if (!isErrorBody(ctx)) respond(ctx, HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
    });
  }

  private static void respond(Context ctx, HttpStatus status, String code, String message) {
    ctx.status(status).json(new ErrorBody(code, message, RequestIds.of(ctx)));
  }

  private static boolean isErrorBody(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("application/json") && ctx.result() != null && ctx.result().contains("\"error\"");
  }

  private static String codeOf(HttpStatus status) {
    return status.getMessage().toLowerCase().replace(' ', '_');
  }
}
