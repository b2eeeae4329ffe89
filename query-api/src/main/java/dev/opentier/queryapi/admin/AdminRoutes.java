package dev.opentier.queryapi.admin;

import static dev.opentier.platform.db.schema.Tables.AUDIT_LOG;
import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.AuthRoutes.UserView;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.RequestIds;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@code /api/admin/…}: users (search, view, role, disable, delete) and the audit log. Every change is audited. */
public final class AdminRoutes {
  public record UserChange(String role, Boolean disabled) {}

  public record AdminUserView(UserView user, OffsetDateTime disabledAt, int sessions) {}

  public record AuditEntry(long id, OffsetDateTime at, UUID actor, String action, String targetType, String targetId,
                           String ip, String requestId) {}

  private final DSLContext db;
  private final Accounts accounts;

  public AdminRoutes(DSLContext db, Accounts accounts) {
    this.db = db;
    this.accounts = accounts;
  }

  public void listUsers(Context ctx) {
    String query = ctx.queryParam("q");
    int limit = boundedInt(ctx, "limit", 50, 1, 200);
    int offset = boundedInt(ctx, "offset", 0, 0, 1_000_000);
    Condition matches = query == null || query.isBlank() ? DSL.trueCondition()
        : USERS.EMAIL.containsIgnoreCase(query.strip()).or(USERS.DISPLAY_NAME.containsIgnoreCase(query.strip()));
    List<AdminUserView> users = db.selectFrom(USERS).where(matches).orderBy(USERS.CREATED_AT, USERS.ID)
        .limit(limit).offset(offset).fetch(this::view);
    ctx.json(Map.of("users", users, "limit", limit, "offset", offset));
  }

  public void getUser(Context ctx) {
    ctx.json(view(user(ctx)));
  }

  /** Changes role and/or disabled state; a role change reaches the user's live sessions at once, disabling ends them. */
  public void changeUser(Context ctx) {
    Principal admin = principal(ctx);
    UsersRecord user = user(ctx);
    UserChange change = ctx.bodyAsClass(UserChange.class);
    if (change.role() != null && !List.of("user", "admin").contains(change.role())) {
      throw new Accounts.InvalidInput("role must be user or admin");
    }
    if (user.getId().equals(admin.userId()) && (Boolean.TRUE.equals(change.disabled()) || "user".equals(change.role()))) {
      throw new ApiException(HttpStatus.CONFLICT, "conflict", "an admin cannot demote or disable themselves");
    }
    db.transaction(tx -> {
      DSLContext t = tx.dsl();
      if (change.role() != null) {
        t.update(USERS).set(USERS.ROLE, change.role()).set(USERS.UPDATED_AT, OffsetDateTime.now()).where(USERS.ID.eq(user.getId())).execute();
        t.update(SESSIONS).set(SESSIONS.ROLE, change.role()).where(SESSIONS.USER_ID.eq(user.getId())).execute();
      }
      if (change.disabled() != null) {
        t.update(USERS).set(USERS.DISABLED_AT, change.disabled() ? OffsetDateTime.now() : null).where(USERS.ID.eq(user.getId())).execute();
        if (change.disabled()) t.deleteFrom(SESSIONS).where(SESSIONS.USER_ID.eq(user.getId())).execute();
      }
    });
    String action = change.role() != null ? "admin.user.role:" + change.role() : "";
    if (change.disabled() != null) action += (action.isEmpty() ? "" : ",") + (change.disabled() ? "admin.user.disable" : "admin.user.enable");
    accounts.audit(admin.userId(), action.isEmpty() ? "admin.user.noop" : action, "user", user.getId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.json(view(accounts.byId(user.getId()).orElseThrow()));
  }

  public void deleteUser(Context ctx) {
    Principal admin = principal(ctx);
    UsersRecord user = user(ctx);
    if (user.getId().equals(admin.userId())) throw new ApiException(HttpStatus.CONFLICT, "conflict", "an admin cannot delete themselves here");
    accounts.delete(user.getId());
    accounts.audit(admin.userId(), "admin.user.delete", "user", user.getId().toString(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  public void audit(Context ctx) {
    int limit = boundedInt(ctx, "limit", 100, 1, 500);
    String before = ctx.queryParam("before");
    Condition older = before == null ? DSL.trueCondition() : AUDIT_LOG.ID.lt(Long.parseLong(requireDigits(before)));
    ctx.json(db.selectFrom(AUDIT_LOG).where(older).orderBy(AUDIT_LOG.ID.desc()).limit(limit).fetch(r -> new AuditEntry(
        r.getId(), r.getAt(), r.getActorUserId(), r.getAction(), r.getTargetType(), r.getTargetId(), r.getIp(), r.getRequestId())));
  }

  private UsersRecord user(Context ctx) {
    try {
      return accounts.byId(UUID.fromString(ctx.pathParam("id")))
          .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such user"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such user");
    }
  }

  private AdminUserView view(UsersRecord user) {
    return new AdminUserView(UserView.of(user), user.getDisabledAt(), db.fetchCount(SESSIONS, SESSIONS.USER_ID.eq(user.getId())));
  }

  private static int boundedInt(Context ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null) return defaultValue;
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) throw new NumberFormatException();
      return value;
    } catch (NumberFormatException e) {
      throw new Accounts.InvalidInput(name + " must be a whole number between " + min + " and " + max);
    }
  }

  private static String requireDigits(String value) {
    if (!value.matches("\\d{1,18}")) throw new Accounts.InvalidInput("before must be an audit entry id");
    return value;
  }
}
