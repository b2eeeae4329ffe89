package dev.opentier.queryapi.auth;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import java.util.UUID;

/**
 * Who is calling: the user, their role (cached in the session row), the session they use, and the
 * user's row as the authenticating query read it (so {@code me} needs no second query).
 */
public record Principal(UUID userId, String role, UUID sessionId, boolean viaCookie, UsersRecord user) {
  public boolean isAdmin() {
    return "admin".equals(role);
  }
}
