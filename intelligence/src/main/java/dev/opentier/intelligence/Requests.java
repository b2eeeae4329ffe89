package dev.opentier.intelligence;

import io.grpc.Status;
import java.util.UUID;

/** Checks shared by every RPC: the user id query-api vouches for. */
public final class Requests {
  private Requests() {}

  /** The caller's user id; empty means an anonymous caller, who sees public documents only. */
  public static UUID userId(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription("user_id must be a UUID").asRuntimeException();
    }
  }
}
