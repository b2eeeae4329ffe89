package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.AUDIT_LOG;
import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/** User accounts: creation, password checks and changes, deletion. Writes users and audit_log. */
public final class Accounts {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");

  private final DSLContext db;
  private final PasswordHasher hasher;

  public Accounts(DSLContext db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  /** Validates an e-mail address and returns it trimmed, or throws a clear message. */
  public static String validEmail(String email) {
    if (email == null || email.isBlank()) throw new InvalidInput("email is required");
    String trimmed = email.strip();
    if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) throw new InvalidInput("email is not a valid e-mail address");
    return trimmed;
  }

  /** OWASP: at least 8 characters (we ask for 10), long passphrases allowed, no composition rules. */
  public static String validPassword(String password) {
    if (password == null || password.length() < 10) throw new InvalidInput("password must be at least 10 characters");
    if (password.length() > 256) throw new InvalidInput("password must be at most 256 characters");
    return password;
  }

  public UsersRecord create(String email, String password, String displayName, String role) {
    String name = displayName == null ? null : displayName.strip();
    if (name != null && name.length() > 120) throw new InvalidInput("name must be at most 120 characters");
    try {
      return db.insertInto(USERS)
          .set(USERS.EMAIL, validEmail(email))
          .set(USERS.PASSWORD_HASH, hasher.hash(validPassword(password)))
          .set(USERS.DISPLAY_NAME, name == null || name.isEmpty() ? null : name)
          .set(USERS.ROLE, role)
          .returning()
          .fetchOne();
    } catch (IntegrityConstraintViolationException e) {
      throw new EmailTaken();
    }
  }

  public Optional<UsersRecord> byId(UUID id) {
    return db.selectFrom(USERS).where(USERS.ID.eq(id)).fetchOptional();
  }

  public Optional<UsersRecord> byEmail(String email) {
    return db.selectFrom(USERS).where(DSL.lower(USERS.EMAIL).eq(email.strip().toLowerCase(Locale.ROOT))).fetchOptional();
  }

  /** The account when the password is right and it is not disabled; the same time is spent either way. */
  public Optional<UsersRecord> authenticate(String email, String password) {
    Optional<UsersRecord> user = email == null ? Optional.empty() : byEmail(email);
    boolean matches = hasher.verify(password == null ? "" : password, user.map(UsersRecord::getPasswordHash).orElse(null));
    return matches && user.get().getDisabledAt() == null ? user : Optional.empty();
  }

  /** Sets a new password and ends every other session of the user (all of them when keepSession is null), in one transaction. */
  public void changePassword(UUID userId, UUID keepSession, String newPassword) {
    String hash = hasher.hash(validPassword(newPassword));
    db.transaction(tx -> {
      tx.dsl().update(USERS).set(USERS.PASSWORD_HASH, hash).set(USERS.UPDATED_AT, OffsetDateTime.now()).where(USERS.ID.eq(userId)).execute();
      tx.dsl().deleteFrom(SESSIONS).where(SESSIONS.USER_ID.eq(userId))
          .and(keepSession == null ? DSL.trueCondition() : SESSIONS.ID.ne(keepSession)).execute();
    });
  }

  public void markEmailVerified(UUID userId) {
    db.update(USERS).set(USERS.EMAIL_VERIFIED_AT, OffsetDateTime.now()).where(USERS.ID.eq(userId)).and(USERS.EMAIL_VERIFIED_AT.isNull()).execute();
  }

  /** Deletes the account; its sessions, OAuth links and conversations go with it (foreign keys). */
  public void delete(UUID userId) {
    db.deleteFrom(USERS).where(USERS.ID.eq(userId)).execute();
  }

  public void audit(UUID actor, String action, String targetType, String targetId, String ip, String requestId) {
    db.insertInto(AUDIT_LOG)
        .set(AUDIT_LOG.ACTOR_USER_ID, actor)
        .set(AUDIT_LOG.ACTION, action)
        .set(AUDIT_LOG.TARGET_TYPE, targetType)
        .set(AUDIT_LOG.TARGET_ID, targetId)
        .set(AUDIT_LOG.IP, ip)
        .set(AUDIT_LOG.REQUEST_ID, requestId)
        .set(AUDIT_LOG.DETAILS, JSONB.valueOf("{}"))
        .execute();
  }

  /** Bad input from a caller, with a message for them. */
  public static final class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
      super(message);
    }
  }

  /** Registration with an e-mail that has an account. */
  public static final class EmailTaken extends RuntimeException {
    public EmailTaken() {
      super("an account with this e-mail already exists");
    }
  }
}
