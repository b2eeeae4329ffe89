package dev.opentier.queryapi.auth;

import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.platform.db.schema.tables.records.SessionsRecord;
import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.Cookies;
import dev.opentier.queryapi.edge.RequestIds;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** {@code /api/auth/…} and {@code /api/account/…}: registering, signing in and out, one's own account and sessions. */
public final class AuthRoutes {
  public record Credentials(String email, String password, String name) {}

  public record PasswordChange(String currentPassword, String newPassword) {}

  public record Confirmation(String password) {}

  public record UserView(UUID id, String email, String name, String role, boolean emailVerified, OffsetDateTime createdAt) {
    public static UserView of(UsersRecord user) {
      return new UserView(user.getId(), user.getEmail(), user.getDisplayName(), user.getRole(), user.getEmailVerifiedAt() != null, user.getCreatedAt());
    }
  }

  public record LoginResult(String token, OffsetDateTime expiresAt, UserView user) {}

  public record SessionView(UUID id, OffsetDateTime createdAt, OffsetDateTime lastSeenAt, OffsetDateTime expiresAt,
                            String ip, String userAgent, boolean current) {}

  private final Accounts accounts;
  private final Sessions sessions;
  private final AuthSettings settings;
  private final EmailRoutes email;
  private final Cookies cookies;

  public AuthRoutes(Accounts accounts, Sessions sessions, AuthSettings settings, EmailRoutes email, Cookies cookies) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.settings = settings;
    this.email = email;
    this.cookies = cookies;
  }

  public void register(Context ctx) {
    Credentials body = ctx.bodyAsClass(Credentials.class);
    UsersRecord user = accounts.create(body.email(), body.password(), body.name(), "user");
    accounts.audit(user.getId(), "account.register", "user", user.getId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    email.sendVerification(user);
    ctx.status(HttpStatus.CREATED).json(UserView.of(user));
  }

  public void login(Context ctx) {
    Credentials body = ctx.bodyAsClass(Credentials.class);
    UsersRecord user = accounts.authenticate(body.email(), body.password())
        .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "invalid_credentials", "wrong e-mail or password"));
    // A new session on every sign-in: a token planted before sign-in is never promoted (no fixation).
    Sessions.Issued issued = sessions.create(user.getId(), user.getRole(), ClientAddress.of(ctx), ctx.userAgent());
    accounts.audit(user.getId(), "session.login", "session", issued.sessionId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    setCookie(ctx, issued.token(), settings.absoluteTimeout());
    ctx.json(new LoginResult(issued.token(), issued.expiresAt(), UserView.of(user)));
  }

  public void logout(Context ctx) {
    Principal principal = principal(ctx);
    sessions.revoke(principal.userId(), principal.sessionId());
    setCookie(ctx, "", Duration.ZERO);
    ctx.status(HttpStatus.NO_CONTENT);
  }

  public void me(Context ctx) {
    ctx.json(UserView.of(principal(ctx).user()));
  }

  public void changePassword(Context ctx) {
    Principal principal = principal(ctx);
    PasswordChange body = ctx.bodyAsClass(PasswordChange.class);
    UsersRecord user = accounts.byId(principal.userId()).orElseThrow();
    if (accounts.authenticate(user.getEmail(), body.currentPassword()).isEmpty()) {
      throw new ApiException(HttpStatus.FORBIDDEN, "invalid_credentials", "the current password is wrong");
    }
    accounts.changePassword(principal.userId(), principal.sessionId(), body.newPassword());
    accounts.audit(principal.userId(), "account.password_change", "user", principal.userId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  public void listSessions(Context ctx) {
    Principal principal = principal(ctx);
    List<SessionView> views = sessions.of(principal.userId()).stream()
        .map(s -> view(s, principal.sessionId()))
        .toList();
    ctx.json(views);
  }

  public void revokeSession(Context ctx) {
    Principal principal = principal(ctx);
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such session");
    }
    if (!sessions.revoke(principal.userId(), id)) throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such session");
    ctx.status(HttpStatus.NO_CONTENT);
  }

  public void deleteAccount(Context ctx) {
    Principal principal = principal(ctx);
    Confirmation body = ctx.bodyAsClass(Confirmation.class);
    UsersRecord user = accounts.byId(principal.userId()).orElseThrow();
    if (accounts.authenticate(user.getEmail(), body.password()).isEmpty()) {
      throw new ApiException(HttpStatus.FORBIDDEN, "invalid_credentials", "the password is wrong");
    }
    accounts.delete(principal.userId());
    accounts.audit(principal.userId(), "account.delete", "user", principal.userId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    setCookie(ctx, "", Duration.ZERO);
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private static SessionView view(SessionsRecord s, UUID current) {
    return new SessionView(s.getId(), s.getCreatedAt(), s.getLastSeenAt(), s.getExpiresAt(), s.getIp(), s.getUserAgent(), s.getId().equals(current));
  }

  private void setCookie(Context ctx, String token, Duration maxAge) {
    cookies.set(ctx, AuthGuard.COOKIE, token, maxAge);
  }
}
