package dev.opentier.queryapi.edge;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether a request path is the API's, however it is spelled: letter case, doubled slashes and
 * percent-encoding do not move a path out of {@code /api}, so such a path never falls through to
 * the web app's page or to a rule meant for something else.
 */
public final class ApiPaths {
  private ApiPaths() {}

  /**
   * The template of the route the request matched ({@code /api/conversations/{id}}), however its
   * path was spelt; null before matching or when nothing matched. Before-handlers see their own
   * endpoint as {@code ctx.endpoint()}, so this asks for the matched HTTP endpoint.
   */
  public static String matchedRoute(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    return matched == null ? null : matched.path;
  }

  public static boolean isApi(String path) {
    String canonical = canonical(path);
    return canonical.equals("/api") || canonical.startsWith("/api/");
  }

  /** The path decoded, in lower case, with runs of slashes as one and no trailing slash. */
  static String canonical(String path) {
    String decoded;
    try {
      decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = path;
    }
    String collapsed = decoded.replace('\\', '/').replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
    return collapsed.length() > 1 && collapsed.endsWith("/") ? collapsed.substring(0, collapsed.length() - 1) : collapsed;
  }
}
