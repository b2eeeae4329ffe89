package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.opentier.platform.db.schema.tables.records.SessionsRecord;
import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Opaque sessions in PostgreSQL (revocation is a row delete). One indexed query authenticates a
 * request: the token's hash finds the row, which caches the user's role. The only writer of
 * {@code sessions}: {@link Accounts} ends sessions and changes their role through it, inside its own
 * transactions, so a disabled user has no live session and a role change reaches live sessions.
 *
 * <p>An authenticated session is remembered for {@link AuthSettings#sessionCache()} (2 s by
 * default), so a burst of requests (a page's calls, a chat and its follow-ups) costs one query: on
 * a 2-core machine the lookup was 1.5 ms of each request. Whatever this process changes is
 * forgotten at once: a revoked session, and every session of a user whose account changed
 * ({@link #forgetUser}). A change made elsewhere (another gateway instance, SQL by hand) takes
 * effect within that time; so does a revocation that races a lookup already under way.
 */
public final class Sessions {
  /** last_seen_at is written at most this often per session, so reads stay reads. */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final int REMEMBERED = 10_000;

  private final DSLContext db;
  private final AuthSettings settings;
  /** By token hash (hex): the session as its last query found it. */
  private final Cache<String, Live> recent;

  public Sessions(DSLContext db, AuthSettings settings) {
    this.db = db;
    this.settings = settings;
    this.recent = Caffeine.newBuilder().expireAfterWrite(settings.sessionCache()).maximumSize(REMEMBERED).build();
  }

  /** A new session for the user; returns the token (shown to the client once, never stored). */
  public Issued create(UUID userId, String role, String ip, String userAgent) {
    String token = SessionToken.generate();
    OffsetDateTime expires = OffsetDateTime.now().plus(settings.absoluteTimeout());
    UUID id = db.insertInto(SESSIONS)
        .set(SESSIONS.TOKEN_HASH, SessionToken.hash(token))
        .set(SESSIONS.USER_ID, userId)
        .set(SESSIONS.ROLE, role)
        .set(SESSIONS.EXPIRES_AT, expires)
        .set(SESSIONS.IP, ip)
        .set(SESSIONS.USER_AGENT, userAgent == null ? null : userAgent.substring(0, Math.min(400, userAgent.length())))
        .returning(SESSIONS.ID)
        .fetchOne(SESSIONS.ID);
    return new Issued(id, token, expires);
  }

  public record Issued(UUID sessionId, String token, OffsetDateTime expiresAt) {}

  /** A live session and its user, as one query finds them. */
  public record Live(SessionsRecord session, UsersRecord user) {}

  /**
   * The live session of a token and its (enabled) user, in one indexed query: not expired
   * (absolute or idle); touches last_seen_at at most once a minute.
   */
  public Optional<Live> authenticate(String token) {
    if (!SessionToken.wellFormed(token)) return Optional.empty();
    OffsetDateTime now = OffsetDateTime.now();
    byte[] hash = SessionToken.hash(token);
    String key = HexFormat.of().formatHex(hash);
    Live remembered = settings.sessionCache().isZero() ? null : recent.getIfPresent(key);
    if (remembered != null && remembered.session().getExpiresAt().isAfter(now)) return Optional.of(remembered);
    Optional<Live> live = db.select(SESSIONS.asterisk(), USERS.asterisk()).from(SESSIONS)
        .join(USERS).on(USERS.ID.eq(SESSIONS.USER_ID))
        .where(SESSIONS.TOKEN_HASH.eq(hash))
        .and(SESSIONS.EXPIRES_AT.gt(now))
        .and(SESSIONS.LAST_SEEN_AT.gt(now.minus(settings.idleTimeout())))
        .and(USERS.DISABLED_AT.isNull())
        .fetchOptional(r -> new Live(r.into(SESSIONS), r.into(USERS)));
    live.map(Live::session).filter(s -> s.getLastSeenAt().isBefore(now.minus(TOUCH_EVERY))).ifPresent(s ->
        db.update(SESSIONS).set(SESSIONS.LAST_SEEN_AT, now).where(SESSIONS.ID.eq(s.getId())).execute());
    if (!settings.sessionCache().isZero()) live.ifPresent(found -> recent.put(key, found));
    return live;
  }

  /**
   * Forgets what is remembered of the user's sessions. Call it after changing the account in a way
   * a session must see at once: role, disabled, password (which ends other sessions), deletion.
   */
  public void forgetUser(UUID userId) {
    recent.asMap().values().removeIf(live -> live.session().getUserId().equals(userId));
  }

  /**
   * Ends the user's sessions (all, or all but {@code keep}) inside the caller's transaction. The
   * caller calls {@link #forgetUser} once it has committed.
   */
  void endAll(DSLContext tx, UUID userId, UUID keep) {
    tx.deleteFrom(SESSIONS).where(SESSIONS.USER_ID.eq(userId)).and(keep == null ? DSL.trueCondition() : SESSIONS.ID.ne(keep)).execute();
  }

  /** Gives the user's live sessions a new role inside the caller's transaction (they carry the role they act with). */
  void changeRole(DSLContext tx, UUID userId, String role) {
    tx.update(SESSIONS).set(SESSIONS.ROLE, role).where(SESSIONS.USER_ID.eq(userId)).execute();
  }

  public List<SessionsRecord> of(UUID userId) {
    return db.selectFrom(SESSIONS).where(SESSIONS.USER_ID.eq(userId)).orderBy(SESSIONS.LAST_SEEN_AT.desc()).fetch();
  }

  /** Ends one of the user's sessions; false when the user has no such session. */
  public boolean revoke(UUID userId, UUID sessionId) {
    boolean revoked = db.deleteFrom(SESSIONS).where(SESSIONS.ID.eq(sessionId)).and(SESSIONS.USER_ID.eq(userId)).execute() == 1;
    recent.asMap().values().removeIf(live -> live.session().getId().equals(sessionId));
    return revoked;
  }
}
