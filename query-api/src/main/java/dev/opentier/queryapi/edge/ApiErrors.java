package dev.opentier.queryapi.edge;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.opentier.queryapi.auth.Accounts;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.ServletException;
import org.eclipse.jetty.http.BadMessageException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.SQLStateClass;
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
    config.routes.exception(JacksonException.class, (e, ctx) -> respond(ctx, HttpStatus.BAD_REQUEST, "invalid_json", describe(e)));
    config.routes.exception(DataAccessException.class, (e, ctx) -> {
      if (e.sqlStateClass() == SQLStateClass.C22_DATA_EXCEPTION) {
        // Text PostgreSQL cannot store (a NUL character) or a value out of its range: the caller's input.
        log.info("refused input on {} {}: {}", ctx.method(), ctx.path(), e.sqlState());
        respond(ctx, HttpStatus.BAD_REQUEST, "invalid_input", "the request holds a value that cannot be stored (for example a NUL character)");
      } else {
        log.error("database error on {} {}", ctx.method(), ctx.path(), e);
        respond(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.");
      }
    });
    config.routes.exception(HttpResponseException.class, (e, ctx) -> {
      HttpStatus status = HttpStatus.forStatus(e.getStatus());
      respond(ctx, status, codeOf(status), e.getMessage());
    });
    config.routes.exception(ServletException.class, (e, ctx) -> {
      // Jetty refuses a malformed request body (a multipart part header with a NUL, a broken
      // boundary) while a handler reads it: the caller's error, said as such.
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof BadMessageException bad) {
          HttpStatus status = HttpStatus.forStatus(bad.getCode());
          respond(ctx, status, status == HttpStatus.BAD_REQUEST ? "malformed_request" : codeOf(status),
              "the request's body cannot be read: " + (bad.getReason() == null ? "malformed" : bad.getReason()));
          return;
        }
      }
      log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
      respond(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.");
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

  /**
   * What was wrong with a JSON body, by position and field, without the names of the gateway's own
   * classes that Jackson's messages carry.
   */
  static String describe(JacksonException e) {
    if (e instanceof StreamReadException read && !(e instanceof MismatchedInputException)) {
      var at = read.getLocation();
      return "the body is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = mapping.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
      return "the body's field '" + field + "' does not have the type this route takes";
    }
    return "the body is not the JSON object this route takes";
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
