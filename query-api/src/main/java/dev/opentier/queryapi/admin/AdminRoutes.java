package dev.opentier.queryapi.admin;

import static dev.opentier.platform.db.schema.Tables.AUDIT_LOG;
import static dev.opentier.platform.db.schema.Tables.CHAT_MESSAGES;
import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.CONVERSATIONS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOBS;
import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.AuthRoutes.UserView;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.auth.Sessions;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.edge.RequestIds;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@code /api/admin/…}: users (search, view, role, disable, delete), the audit log, and counts of what the platform holds. Every change is audited. */
public final class AdminRoutes {
  public record UserChange(String role, Boolean disabled) {}

  public record AdminUserView(UserView user, OffsetDateTime disabledAt, int sessions) {}

  public record AuditEntry(long id, OffsetDateTime at, UUID actor, String action, String targetType, String targetId,
                           String ip, String requestId) {}

  /** Documents by status. */
  public record DocumentCounts(long total, long indexed, long rejected, long duplicate, long failed) {}

  /** What {@code /api/admin/stats} counts, each from the table that holds it. */
  public record Stats(long users, long activeSessions, long conversations, long messages, DocumentCounts documents, long chunks,
                      long ingestionJobs) {}

  private final DSLContext db;
  private final Accounts accounts;
  private final Sessions sessions;
  private final Duration sessionIdle;

  /** Users and sessions through their owners ({@link Accounts}, {@link Sessions}); db only for counts and the audit log. */
  public AdminRoutes(DSLContext db, Accounts accounts, Sessions sessions, Duration sessionIdle) {
    this.db = db;
    this.accounts = accounts;
    this.sessions = sessions;
    this.sessionIdle = sessionIdle;
  }

  /** Counts of the real tables; a session is active when neither its absolute nor its idle expiry has passed. */
  public void stats(Context ctx) {
    OffsetDateTime now = OffsetDateTime.now();
    Map<String, Long> byStatus = db.select(DOCUMENTS.STATUS, DSL.count()).from(DOCUMENTS).groupBy(DOCUMENTS.STATUS)
        .fetchMap(r -> r.value1(), r -> r.value2().longValue());
    long documents = byStatus.values().stream().mapToLong(Long::longValue).sum();
    ctx.json(new Stats(
        db.fetchCount(USERS),
        db.fetchCount(SESSIONS, SESSIONS.EXPIRES_AT.gt(now).and(SESSIONS.LAST_SEEN_AT.gt(now.minus(sessionIdle)))),
        db.fetchCount(CONVERSATIONS),
        db.fetchCount(CHAT_MESSAGES),
        new DocumentCounts(documents, byStatus.getOrDefault("indexed", 0L), byStatus.getOrDefault("rejected", 0L),
            byStatus.getOrDefault("duplicate", 0L), byStatus.getOrDefault("failed", 0L)),
        db.fetchCount(CHUNKS),
        db.fetchCount(INGESTION_JOBS)));
  }

  public void listUsers(Context ctx) {
    String query = ctx.queryParam("q");
    int limit = Params.integer(ctx, "limit", 50, 1, 200);
    int offset = Params.integer(ctx, "offset", 0, 0, 1_000_000);
    List<AdminUserView> users = accounts.search(query, limit, offset).stream().map(this::view).toList();
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
    if (change.role() != null) accounts.changeRole(user.getId(), change.role());
    if (change.disabled() != null) accounts.setDisabled(user.getId(), change.disabled());
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
    int limit = Params.integer(ctx, "limit", 100, 1, 500);
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
    return new AdminUserView(UserView.of(user), user.getDisabledAt(), sessions.of(user.getId()).size());
  }

  private static String requireDigits(String value) {
    if (!value.matches("\\d{1,18}")) throw new Accounts.InvalidInput("before must be an audit entry id");
    return value;
  }
}
