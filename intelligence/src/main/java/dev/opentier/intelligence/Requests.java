package dev.opentier.intelligence;

import dev.opentier.platform.service.InternalCalls;
import io.grpc.Status;
import java.util.UUID;

/** Checks shared by every RPC: the user the calling service asserted ({@link InternalCalls}). */
public final class Requests {
  private Requests() {}

  /**
   * The user the call acts for, as the signed assertion names it; null for an anonymous caller, who
   * sees public documents only. A {@code user_id} in the request must be that user: it is never
   * taken on its own word.
   */
  public static UUID caller(String requestedUserId) {
    InternalCalls.Caller caller = InternalCalls.caller()
        .orElseThrow(() -> Status.UNAUTHENTICATED.withDescription("the call carries no assertion of its caller").asRuntimeException());
    UUID requested = userId(requestedUserId);
    if (requested != null && !requested.equals(caller.user())) {
      throw Status.PERMISSION_DENIED.withDescription("user_id is not the user the call was asserted for").asRuntimeException();
    }
    return caller.user();
  }

  private static UUID userId(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription("user_id must be a UUID").asRuntimeException();
    }
  }
}
