package dev.opentier.queryapi.edge;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Duration;

/**
 * The gateway's cookies: HttpOnly, SameSite=Lax, path /, and Secure whenever users reach OpenTier
 * over HTTPS (the public URL says so, or the request itself came over TLS), so a TLS-terminating
 * proxy in front does not make them travel in the clear.
 */
public final class Cookies {
  private final boolean publicUrlIsHttps;

  public Cookies(String publicUrl) {
    this.publicUrlIsHttps = publicUrl.startsWith("https://");
  }

  /** Sets a cookie; {@code maxAge} zero deletes it. */
  public void set(Context ctx, String name, String value, Duration maxAge) {
    Cookie cookie = new Cookie(name, value, "/", (int) maxAge.toSeconds(), publicUrlIsHttps || "https".equals(ctx.scheme()), true);
    cookie.setSameSite(SameSite.LAX);
    ctx.cookie(cookie);
  }
}
