package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.ACCOUNT_TOKENS;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Single-use, expiring tokens for e-mail verification and password reset; only their hash is stored. */
public final class AccountTokens {
  public enum Purpose { VERIFY_EMAIL, RESET_PASSWORD }

  private final DSLContext db;

  public AccountTokens(DSLContext db) {
    this.db = db;
  }

  /** Issues a token; earlier unused tokens of the same purpose for the user stop working. */
  public String issue(UUID userId, Purpose purpose, Duration validity) {
    String token = SessionToken.generate();
    String kind = purpose.name().toLowerCase();
    db.transaction(tx -> {
      tx.dsl().deleteFrom(ACCOUNT_TOKENS).where(ACCOUNT_TOKENS.USER_ID.eq(userId)).and(ACCOUNT_TOKENS.PURPOSE.eq(kind))
          .and(ACCOUNT_TOKENS.USED_AT.isNull()).execute();
      tx.dsl().insertInto(ACCOUNT_TOKENS)
          .set(ACCOUNT_TOKENS.USER_ID, userId)
          .set(ACCOUNT_TOKENS.PURPOSE, kind)
          .set(ACCOUNT_TOKENS.TOKEN_HASH, SessionToken.hash(token))
          .set(ACCOUNT_TOKENS.EXPIRES_AT, OffsetDateTime.now().plus(validity))
          .execute();
    });
    return token;
  }

  /** Uses a token once: the user it was for, when it is valid, unexpired and unused. */
  public Optional<UUID> consume(String token, Purpose purpose) {
    if (!SessionToken.wellFormed(token)) return Optional.empty();
    return db.update(ACCOUNT_TOKENS)
        .set(ACCOUNT_TOKENS.USED_AT, OffsetDateTime.now())
        .where(ACCOUNT_TOKENS.TOKEN_HASH.eq(SessionToken.hash(token)))
        .and(ACCOUNT_TOKENS.PURPOSE.eq(purpose.name().toLowerCase()))
        .and(ACCOUNT_TOKENS.USED_AT.isNull())
        .and(ACCOUNT_TOKENS.EXPIRES_AT.gt(OffsetDateTime.now()))
        .returning(ACCOUNT_TOKENS.USER_ID)
        .fetchOptional(ACCOUNT_TOKENS.USER_ID);
  }
}
