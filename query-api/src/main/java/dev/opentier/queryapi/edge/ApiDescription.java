package dev.opentier.queryapi.edge;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** The page's own inline script and style, allowed by their hashes and nothing else. */
  private static final String DOCS_POLICY = "default-src 'none'; connect-src 'self'; script-src " + hashes("script")
      + "; style-src " + hashes("style") + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  public static void docs(Context ctx) {
    ctx.header("Content-Security-Policy", DOCS_POLICY);
    ctx.contentType("text/html; charset=utf-8").result(DOCS);
  }

  private static String hashes(String element) {
    Matcher inline = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(new String(DOCS, StandardCharsets.UTF_8));
    StringBuilder sources = new StringBuilder();
    try {
      while (inline.find()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.group(1).getBytes(StandardCharsets.UTF_8));
        sources.append(sources.isEmpty() ? "" : " ").append("'sha256-").append(Base64.getEncoder().encodeToString(digest)).append("'");
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return sources.isEmpty() ? "'none'" : sources.toString();
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
