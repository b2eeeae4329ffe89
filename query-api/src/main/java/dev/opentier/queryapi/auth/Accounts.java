package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.AUDIT_LOG;
import static dev.opentier.platform.db.schema.Tables.OAUTH_ACCOUNTS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import java.net.IDN;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * User accounts and the one writer of {@code users}, {@code oauth_accounts} and {@code audit_log}:
 * creation, password checks and changes, verification, role, disabling, deletion, and links to
 * sign-in providers. Each change keeps the account's invariants in one transaction with the
 * sessions it touches ({@link Sessions}): a disabled or deleted user has no live session, a role
 * change reaches live sessions, a new password ends the other sessions. Handlers only parse, call
 * and respond.
 */
public final class Accounts {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");

  private final DSLContext db;
  private final PasswordHasher hasher;
  private final Sessions sessions;

  public Accounts(DSLContext db, PasswordHasher hasher, Sessions sessions) {
    this.db = db;
    this.hasher = hasher;
    this.sessions = sessions;
  }

  /**
   * Validates an e-mail address and returns it in one canonical form, or throws a clear message. The
   * part before the @ must be ASCII (NFKC first, so full-width letters become plain ones); the domain
   * is kept in its ASCII (punycode) form and lower case, so a look-alike such as {@code exаmple.test}
   * with a Cyrillic "а" is stored, shown and compared as {@code xn--exmple-4nf.test}, never as a
   * second spelling of {@code example.test}. Invisible formatting characters are refused.
   */
  public static String validEmail(String email) {
    if (email == null || email.isBlank()) throw new InvalidInput("email is required");
    String trimmed = Normalizer.normalize(email.strip(), Normalizer.Form.NFKC);
    if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) throw new InvalidInput("email is not a valid e-mail address");
    int at = trimmed.lastIndexOf('@');
    String local = trimmed.substring(0, at);
    if (!local.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidInput("email: only ASCII letters, digits and punctuation are accepted before the @");
    }
    String domain;
    try {
      domain = IDN.toASCII(trimmed.substring(at + 1), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("email is not a valid e-mail address (its domain cannot be written in ASCII)");
    }
    String canonical = local + "@" + domain;
    if (canonical.length() > 254 || !EMAIL.matcher(canonical).matches()) throw new InvalidInput("email is not a valid e-mail address");
    return canonical;
  }

  /** The form addresses are compared in: canonical and in lower case; null when it is not an address. */
  public static String comparable(String email) {
    try {
      return validEmail(email).toLowerCase(Locale.ROOT);
    } catch (InvalidInput e) {
      return null;
    }
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
    String comparable = comparable(email);
    if (comparable == null) return Optional.empty();
    return db.selectFrom(USERS).where(DSL.lower(USERS.EMAIL).eq(comparable)).fetchOptional();
  }

  /** Accounts whose e-mail or name contains {@code query} (all when blank), oldest first, a page at a time. */
  public List<UsersRecord> search(String query, int limit, int offset) {
    org.jooq.Condition matches = query == null || query.isBlank() ? DSL.trueCondition()
        : USERS.EMAIL.containsIgnoreCase(query.strip()).or(USERS.DISPLAY_NAME.containsIgnoreCase(query.strip()));
    return db.selectFrom(USERS).where(matches).orderBy(USERS.CREATED_AT, USERS.ID).limit(limit).offset(offset).fetch();
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
      sessions.endAll(tx.dsl(), userId, keepSession);
    });
    sessions.forgetUser(userId);
  }

  /**
   * A password reset from an e-mailed link: the new password, every session ended, and the address
   * verified (following the link proved control of it). Whoever registered the address before its
   * owner loses the password they chose.
   */
  public void resetPassword(UUID userId, String newPassword) {
    String hash = hasher.hash(validPassword(newPassword));
    db.transaction(tx -> {
      OffsetDateTime now = OffsetDateTime.now();
      tx.dsl().update(USERS).set(USERS.PASSWORD_HASH, hash).set(USERS.UPDATED_AT, now)
          .set(USERS.EMAIL_VERIFIED_AT, DSL.coalesce(USERS.EMAIL_VERIFIED_AT, DSL.val(now))).where(USERS.ID.eq(userId)).execute();
      sessions.endAll(tx.dsl(), userId, null);
    });
    sessions.forgetUser(userId);
  }

  public void markEmailVerified(UUID userId) {
    db.update(USERS).set(USERS.EMAIL_VERIFIED_AT, OffsetDateTime.now()).where(USERS.ID.eq(userId)).and(USERS.EMAIL_VERIFIED_AT.isNull()).execute();
    sessions.forgetUser(userId);
  }

  /** A new role, on the account and on its live sessions at once. */
  public void changeRole(UUID userId, String role) {
    if (!List.of("user", "admin").contains(role)) throw new InvalidInput("role must be user or admin");
    db.transaction(tx -> {
      tx.dsl().update(USERS).set(USERS.ROLE, role).set(USERS.UPDATED_AT, OffsetDateTime.now()).where(USERS.ID.eq(userId)).execute();
      sessions.changeRole(tx.dsl(), userId, role);
    });
    sessions.forgetUser(userId);
  }

  /** Disables (ending every session in the same transaction) or enables the account. */
  public void setDisabled(UUID userId, boolean disabled) {
    db.transaction(tx -> {
      tx.dsl().update(USERS).set(USERS.DISABLED_AT, disabled ? OffsetDateTime.now() : null).set(USERS.UPDATED_AT, OffsetDateTime.now())
          .where(USERS.ID.eq(userId)).execute();
      if (disabled) sessions.endAll(tx.dsl(), userId, null);
    });
    sessions.forgetUser(userId);
  }

  /** Deletes the account; its sessions, OAuth links and conversations go with it (foreign keys). */
  public void delete(UUID userId) {
    db.deleteFrom(USERS).where(USERS.ID.eq(userId)).execute();
    sessions.forgetUser(userId);
  }

  /** Who a sign-in provider says the user is. */
  public record ProviderIdentity(String provider, String subject, String email, boolean emailVerified, String name) {}

  /** The outcome of a provider sign-in: the account, or why there is none. */
  public sealed interface ProviderSignIn {
    record SignedIn(UsersRecord user) implements ProviderSignIn {}

    /** The provider has not verified the address, and an OpenTier account has it. */
    record ProviderUnverified() implements ProviderSignIn {}

    /** An OpenTier account has the address but never proved it owns it: linking could hand it to whoever registered it. */
    record AccountUnverified() implements ProviderSignIn {}

    record NoEmail() implements ProviderSignIn {}
  }

  /**
   * The account for a provider identity: the one already linked to it; else a new account; else an
   * existing account with the same address, linked only when both sides have verified the address
   * (OWASP's account-linking guidance: a provider's word alone never takes over an account whose
   * owner has not proved the address, the pre-account takeover).
   */
  public ProviderSignIn signInWithProvider(ProviderIdentity identity) {
    return db.transactionResult(tx -> {
      DSLContext t = tx.dsl();
      var linked = t.select(USERS.fields()).from(OAUTH_ACCOUNTS).join(USERS).on(USERS.ID.eq(OAUTH_ACCOUNTS.USER_ID))
          .where(OAUTH_ACCOUNTS.PROVIDER.eq(identity.provider())).and(OAUTH_ACCOUNTS.PROVIDER_USER_ID.eq(identity.subject()))
          .fetchOptional(r -> r.into(USERS));
      if (linked.isPresent()) {
        t.update(OAUTH_ACCOUNTS).set(OAUTH_ACCOUNTS.LAST_LOGIN_AT, OffsetDateTime.now())
            .where(OAUTH_ACCOUNTS.PROVIDER.eq(identity.provider())).and(OAUTH_ACCOUNTS.PROVIDER_USER_ID.eq(identity.subject())).execute();
        return new ProviderSignIn.SignedIn(linked.get());
      }
      String email = comparable(identity.email());
      if (email == null) return new ProviderSignIn.NoEmail();
      var existing = t.selectFrom(USERS).where(DSL.lower(USERS.EMAIL).eq(email)).forUpdate().fetchOptional();
      if (existing.isPresent() && !identity.emailVerified()) return new ProviderSignIn.ProviderUnverified();
      if (existing.isPresent() && existing.get().getEmailVerifiedAt() == null) return new ProviderSignIn.AccountUnverified();
      UsersRecord user = existing.orElseGet(() -> t.insertInto(USERS)
          .set(USERS.EMAIL, validEmail(identity.email()))
          .set(USERS.DISPLAY_NAME, identity.name() == null ? null : identity.name().strip().substring(0, Math.min(120, identity.name().strip().length())))
          .set(USERS.ROLE, "user")
          .set(USERS.EMAIL_VERIFIED_AT, identity.emailVerified() ? OffsetDateTime.now() : null)
          .returning().fetchOne());
      t.insertInto(OAUTH_ACCOUNTS)
          .set(OAUTH_ACCOUNTS.PROVIDER, identity.provider())
          .set(OAUTH_ACCOUNTS.PROVIDER_USER_ID, identity.subject())
          .set(OAUTH_ACCOUNTS.USER_ID, user.getId())
          .set(OAUTH_ACCOUNTS.EMAIL, identity.email())
          .set(OAUTH_ACCOUNTS.EMAIL_VERIFIED, identity.emailVerified())
          .set(OAUTH_ACCOUNTS.LAST_LOGIN_AT, OffsetDateTime.now())
          .execute();
      return new ProviderSignIn.SignedIn(user);
    });
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
