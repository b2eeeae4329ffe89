package dev.opentier.queryapi.auth;

import java.util.UUID;

/** Who is calling: the user, their role (cached in the session row) and the session they use. */
public record Principal(UUID userId, String role, UUID sessionId, boolean viaCookie) {
  public boolean isAdmin() {
    return "admin".equals(role);
  }
}
