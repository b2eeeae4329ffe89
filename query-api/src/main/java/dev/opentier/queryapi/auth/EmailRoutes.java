package dev.opentier.queryapi.auth;

import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.RequestIds;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * E-mail verification and password reset by single-use, expiring links. The reset request answers
 * the same whether or not the address has an account.
 */
public final class EmailRoutes {
  public record EmailOnly(String email) {}

  public record TokenOnly(String token) {}

  public record Reset(String token, String newPassword) {}

  private static final Duration VERIFY_VALIDITY = Duration.ofHours(24);
  private static final Duration RESET_VALIDITY = Duration.ofHours(1);
  private static final Map<String, String> ACCEPTED = Map.of("status", "accepted",
      "message", "if the address has an account, a message is on its way");

  private final Accounts accounts;
  private final AccountTokens tokens;
  private final Mailer mailer;
  private final String publicUrl;

  public EmailRoutes(Accounts accounts, AccountTokens tokens, Mailer mailer, String publicUrl) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.mailer = mailer;
    this.publicUrl = publicUrl.replaceAll("/+$", "");
  }

  /** Sends the verification link to a (new) account. */
  public void sendVerification(UsersRecord user) {
    String token = tokens.issue(user.getId(), AccountTokens.Purpose.VERIFY_EMAIL, VERIFY_VALIDITY);
    mailer.send(user.getEmail(), "Confirm your e-mail address for OpenTier",
        "Open this link within 24 hours to confirm your address:\n\n" + link("verify", token)
            + "\n\nIf you did not create an OpenTier account, ignore this message.");
  }

  public void requestVerification(Context ctx) {
    UsersRecord user = accounts.byId(principal(ctx).userId()).orElseThrow();
    if (user.getEmailVerifiedAt() == null) sendVerification(user);
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("status", "accepted"));
  }

  public void verify(Context ctx) {
    UUID user = tokens.consume(ctx.bodyAsClass(TokenOnly.class).token(), AccountTokens.Purpose.VERIFY_EMAIL)
        .orElseThrow(() -> new ApiException(HttpStatus.BAD_REQUEST, "invalid_token", "the link is invalid, used or expired"));
    accounts.markEmailVerified(user);
    accounts.audit(user, "account.email_verified", "user", user.toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  public void requestReset(Context ctx) {
    String email = ctx.bodyAsClass(EmailOnly.class).email();
    if (email != null) {
      accounts.byEmail(email).filter(u -> u.getDisabledAt() == null).ifPresent(user -> {
        String token = tokens.issue(user.getId(), AccountTokens.Purpose.RESET_PASSWORD, RESET_VALIDITY);
        mailer.send(user.getEmail(), "Reset your OpenTier password",
            "Open this link within an hour to choose a new password:\n\n" + link("reset-password", token)
                + "\n\nIf you did not ask for this, ignore this message; your password stays as it is.");
      });
    }
    ctx.status(HttpStatus.ACCEPTED).json(ACCEPTED);
  }

  public void reset(Context ctx) {
    Reset body = ctx.bodyAsClass(Reset.class);
    Accounts.validPassword(body.newPassword());
    UUID user = tokens.consume(body.token(), AccountTokens.Purpose.RESET_PASSWORD)
        .orElseThrow(() -> new ApiException(HttpStatus.BAD_REQUEST, "invalid_token", "the link is invalid, used or expired"));
    accounts.resetPassword(user, body.newPassword());
    accounts.audit(user, "account.password_reset", "user", user.toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private String link(String page, String token) {
    return publicUrl + "/" + page + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }
}
