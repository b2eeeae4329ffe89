package dev.opentier.queryapi.oauth;

import static dev.opentier.platform.db.schema.Tables.OAUTH_STATES;

import dev.opentier.platform.db.schema.tables.records.OauthStatesRecord;
import dev.opentier.queryapi.auth.SessionToken;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Sign-ins under way with a provider, the one writer of {@code oauth_states}: each has a single-use
 * state (only its hash is stored), the PKCE verifier and the OIDC nonce, and expires.
 */
public final class OAuthFlows {
  /** A sign-in that came back: what was kept for it. */
  public record Flow(String codeVerifier, String nonce) {}

  private final DSLContext db;

  public OAuthFlows(DSLContext db) {
    this.db = db;
  }

  /** Starts a flow (and clears expired ones). */
  void begin(String state, String provider, String codeVerifier, String nonce, Duration validity) {
    db.deleteFrom(OAUTH_STATES).where(OAUTH_STATES.EXPIRES_AT.lt(OffsetDateTime.now())).execute();
    db.insertInto(OAUTH_STATES)
        .set(OAUTH_STATES.STATE_HASH, SessionToken.hash(state))
        .set(OAUTH_STATES.PROVIDER, provider)
        .set(OAUTH_STATES.CODE_VERIFIER, codeVerifier)
        .set(OAUTH_STATES.NONCE, nonce)
        .set(OAUTH_STATES.EXPIRES_AT, OffsetDateTime.now().plus(validity))
        .execute();
  }

  /** Takes the flow of a state once: the row is deleted as it is read, so a replayed callback finds nothing. */
  Optional<Flow> take(String state, String provider) {
    OauthStatesRecord row = db.deleteFrom(OAUTH_STATES)
        .where(OAUTH_STATES.STATE_HASH.eq(SessionToken.hash(state)))
        .and(OAUTH_STATES.PROVIDER.eq(provider))
        .and(OAUTH_STATES.EXPIRES_AT.gt(OffsetDateTime.now()))
        .returning()
        .fetchOne();
    return Optional.ofNullable(row).map(r -> new Flow(r.getCodeVerifier(), r.getNonce()));
  }
}
