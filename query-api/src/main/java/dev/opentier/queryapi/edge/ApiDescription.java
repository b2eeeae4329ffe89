package dev.opentier.queryapi.edge;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3 description of every route ({@code /api/openapi.json}, kept beside the code and
 * checked against the app's routes by a test) and a page that renders it ({@code /api/docs}).
 */
public final class ApiDescription {
  private static final byte[] OPENAPI = resource("api/openapi.json");
  private static final byte[] DOCS = resource("api/docs.html");

  private ApiDescription() {}

  public static void openApi(Context ctx) {
    ctx.contentType("application/json").result(OPENAPI);
  }

  public static void docs(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").result(DOCS);
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException(name + " is not on the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
