package dev.opentier.queryapi.edge;

import dev.opentier.platform.service.RequestId;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request an id ({@code X-Request-Id} in and out, generated when absent or malformed),
 * puts it in the logging context, and logs one line per request.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String ATTRIBUTE = "opentier.request_id";
  private static final Logger log = LoggerFactory.getLogger("http");

  private RequestIds() {}

  public static void install(JavalinConfig config) {
    config.routes.before(RequestIds::assign);
    config.requestLogger.http((ctx, millis) -> {
      log.info("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis));
      MDC.remove(RequestId.MDC_KEY);
    });
  }

  /** The id of the request being handled. */
  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id != null ? id : assign(ctx);
  }

  private static String assign(Context ctx) {
    String existing = ctx.attribute(ATTRIBUTE);
    if (existing != null) return existing;
    String id = RequestId.acceptOrGenerate(ctx.header(HEADER));
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    MDC.put(RequestId.MDC_KEY, id);
    return id;
  }
}
