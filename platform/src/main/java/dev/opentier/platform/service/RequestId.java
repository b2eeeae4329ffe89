package dev.opentier.platform.service;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Request ids that follow a request across processes ({@code X-Request-Id} over HTTP,
 * {@code x-request-id} metadata over gRPC), and the logging-context key they live under.
 */
public final class RequestId {
  /** The key of the request id in the SLF4J MDC (the log pattern prints it as {@code rid=}). */
  public static final String MDC_KEY = "request_id";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestId() {}

  /** The id a caller offered when it is well-formed, otherwise a fresh one. */
  public static String acceptOrGenerate(String offered) {
    return offered != null && ACCEPTED.matcher(offered).matches() ? offered : generate();
  }

  /** 96 random bits as 24 hex characters. */
  public static String generate() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
