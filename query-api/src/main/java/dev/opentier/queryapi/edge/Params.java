package dev.opentier.queryapi.edge;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Reading query and path parameters strictly: a bad value is a 400 that names it, never a 500. */
public final class Params {
  private Params() {}

  /** A page position: the sort key and id of the last row a page ended on, opaque to clients. */
  public record Cursor(String key, String id) {
    public static Cursor of(OffsetDateTime time, Object id) {
      return new Cursor(Long.toString(time.toInstant().getEpochSecond() * 1_000_000 + time.toInstant().getNano() / 1_000), id.toString());
    }

    public String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((key + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The key as the timestamp {@link #of(OffsetDateTime, Object)} stored. */
    public OffsetDateTime time() {
      try {
        long micros = Long.parseLong(key);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L).atOffset(ZoneOffset.UTC);
      } catch (NumberFormatException e) {
        throw invalid("cursor", "is not a cursor this list gave out");
      }
    }

    public UUID uuid() {
      try {
        return UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw invalid("cursor", "is not a cursor this list gave out");
      }
    }
  }

  /** A page of rows fetched with {@code limit + 1}: the first {@code limit}, and the cursor after them when there were more. */
  public record Page<R>(List<R> rows, String nextCursor) {}

  /** Cuts rows fetched with {@code limit + 1} to a page; {@code cursorOf} positions the page's last row. */
  public static <R> Page<R> page(List<R> fetched, int limit, Function<R, Cursor> cursorOf) {
    if (fetched.size() <= limit) return new Page<>(fetched, null);
    List<R> rows = fetched.subList(0, limit);
    return new Page<>(rows, cursorOf.apply(rows.getLast()).encode());
  }

  public static int integer(Context ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return defaultValue;
    try {
      int value = Integer.parseInt(raw.strip());
      if (value < min || value > max) throw new NumberFormatException();
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, "must be a whole number between " + min + " and " + max);
    }
  }

  /** The {@code cursor} query parameter, when given. */
  public static Cursor cursor(Context ctx) {
    String raw = ctx.queryParam("cursor");
    if (raw == null || raw.isBlank()) return null;
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(raw.strip()), StandardCharsets.UTF_8);
      int bar = decoded.indexOf('|');
      if (bar < 1) throw new IllegalArgumentException();
      return new Cursor(decoded.substring(0, bar), decoded.substring(bar + 1));
    } catch (IllegalArgumentException e) {
      throw invalid("cursor", "is not a cursor this list gave out");
    }
  }

  /** A path parameter that must be a UUID; anything else names nothing, so it is a 404. */
  public static UUID uuidPath(Context ctx, String name, String what) {
    try {
      return UUID.fromString(ctx.pathParam(name));
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such " + what);
    }
  }

  /** One of the allowed values of a query parameter, or the default. */
  public static String oneOf(Context ctx, String name, String defaultValue, java.util.Set<String> allowed) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return defaultValue;
    if (!allowed.contains(raw.strip())) throw invalid(name, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
    return raw.strip();
  }

  public static ApiException invalid(String name, String problem) {
    return new ApiException(HttpStatus.BAD_REQUEST, "invalid_input", name + " " + problem);
  }
}
