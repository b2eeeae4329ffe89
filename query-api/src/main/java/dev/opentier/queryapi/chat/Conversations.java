package dev.opentier.queryapi.chat;

import static dev.opentier.platform.db.schema.Tables.CONVERSATIONS;

import dev.opentier.platform.db.schema.tables.records.ConversationsRecord;
import dev.opentier.queryapi.edge.Params;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The conversations table (query-api is its writer). A conversation belongs to one user; every
 * lookup is by id and owner together, so another user's conversation is simply not found. The
 * message count, preview and last activity are kept here as chats pass through the gateway.
 */
public final class Conversations {
  static final int PREVIEW_CHARS = 160;
  static final int MAX_TITLE_CHARS = 200;

  /** A conversation as lists show it. */
  public record View(UUID id, String title, int messageCount, String lastMessagePreview, OffsetDateTime createdAt,
                     OffsetDateTime lastActivityAt) {
    static View of(ConversationsRecord r) {
      return new View(r.getId(), r.getTitle(), r.getMessageCount(), r.getLastMessagePreview(), r.getCreatedAt(), r.getLastActivityAt());
    }
  }

  /** One page of a user's conversations, most recently active first. */
  public record Page(List<View> conversations, String nextCursor) {}

  private final DSLContext db;

  public Conversations(DSLContext db) {
    this.db = db;
  }

  public View create(UUID user, String title) {
    return View.of(db.insertInto(CONVERSATIONS)
        .set(CONVERSATIONS.USER_ID, user)
        .set(CONVERSATIONS.TITLE, title)
        .returning()
        .fetchOne());
  }

  public Optional<ConversationsRecord> owned(UUID id, UUID user) {
    return db.selectFrom(CONVERSATIONS).where(CONVERSATIONS.ID.eq(id)).and(CONVERSATIONS.USER_ID.eq(user)).fetchOptional();
  }

  public Page list(UUID user, int limit, Params.Cursor after) {
    Condition position = after == null ? DSL.trueCondition()
        : DSL.row(CONVERSATIONS.LAST_ACTIVITY_AT, CONVERSATIONS.ID).lt(after.time(), after.uuid());
    List<ConversationsRecord> rows = db.selectFrom(CONVERSATIONS)
        .where(CONVERSATIONS.USER_ID.eq(user)).and(position)
        .orderBy(CONVERSATIONS.LAST_ACTIVITY_AT.desc(), CONVERSATIONS.ID.desc())
        .limit(limit + 1)
        .fetch();
    Params.Page<ConversationsRecord> page = Params.page(rows, limit, last -> Params.Cursor.of(last.getLastActivityAt(), last.getId()));
    return new Page(page.rows().stream().map(View::of).toList(), page.nextCursor());
  }

  public Optional<View> rename(UUID id, UUID user, String title) {
    return db.update(CONVERSATIONS)
        .set(CONVERSATIONS.TITLE, title)
        .set(CONVERSATIONS.UPDATED_AT, OffsetDateTime.now())
        .where(CONVERSATIONS.ID.eq(id)).and(CONVERSATIONS.USER_ID.eq(user))
        .returning()
        .fetchOptional()
        .map(View::of);
  }

  public boolean delete(UUID id, UUID user) {
    return db.deleteFrom(CONVERSATIONS).where(CONVERSATIONS.ID.eq(id)).and(CONVERSATIONS.USER_ID.eq(user)).execute() == 1;
  }

  /** A question and its answer (complete, partial or failed: intelligence stored both); the preview is the answer's start, or the question. */
  void exchanged(UUID id, String question, CharSequence answer) {
    db.update(CONVERSATIONS)
        .set(CONVERSATIONS.MESSAGE_COUNT, CONVERSATIONS.MESSAGE_COUNT.plus(2))
        .set(CONVERSATIONS.LAST_MESSAGE_PREVIEW, preview(answer.isEmpty() ? question : answer, PREVIEW_CHARS))
        .set(CONVERSATIONS.LAST_ACTIVITY_AT, OffsetDateTime.now())
        .where(CONVERSATIONS.ID.eq(id))
        .execute();
  }

  /** Sets a generated title (cut to the title limit) unless the conversation got one meanwhile. */
  void titled(UUID id, String generated) {
    String title = preview(generated, MAX_TITLE_CHARS);
    db.update(CONVERSATIONS).set(CONVERSATIONS.TITLE, title).set(CONVERSATIONS.UPDATED_AT, OffsetDateTime.now())
        .where(CONVERSATIONS.ID.eq(id)).and(CONVERSATIONS.TITLE.isNull())
        .execute();
  }

  /** A title as given: stripped, 1 to 200 characters; null stays null (untitled). */
  static String validTitle(String title, boolean required) {
    if (title == null) {
      if (required) throw Params.invalid("title", "is required");
      return null;
    }
    String stripped = title.replaceAll("\\p{Cf}", "").strip();
    if (stripped.chars().anyMatch(Character::isISOControl)) throw Params.invalid("title", "must not contain control characters");
    if (stripped.isEmpty() || stripped.length() > MAX_TITLE_CHARS) {
      throw Params.invalid("title", "must be 1 to " + MAX_TITLE_CHARS + " characters");
    }
    return stripped;
  }

  /** The text on one line, cut to {@code limit} characters with an ellipsis. */
  static String preview(CharSequence text, int limit) {
    String flat = text.toString().replaceAll("\\s+", " ").strip();
    return flat.length() <= limit ? flat : flat.substring(0, limit - 1) + "…";
  }
}
