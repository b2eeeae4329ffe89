package dev.opentier.intelligence.chat;

import static dev.opentier.platform.db.schema.Tables.CHAT_MESSAGES;
import static dev.opentier.platform.db.schema.Tables.CONVERSATIONS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.opentier.intelligence.llm.LlmProvider.Message;
import dev.opentier.platform.kafka.JsonSerde;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Chat messages (intelligence is their only writer) and the ownership of conversations (read only:
 * query-api writes conversations).
 */
public final class ChatStore {
  /** A cited passage as stored with an assistant message. */
  public record StoredSource(int index, String chunkId, String documentId, String title, String uri, List<String> headingPath,
      int startOffset, int endOffset, Integer page, String text) {}

  /** A message as the prompt and GetConversation need it. */
  public record StoredMessage(UUID id, String role, String content, String status, List<StoredSource> sources, Integer promptTokens,
      Integer completionTokens, Integer latencyMs, OffsetDateTime createdAt) {}

  /** The outcome of an answer, written once when the stream ends. */
  public record Answer(UUID id, UUID conversationId, String content, String status, String errorCode, List<StoredSource> sources,
      String model, boolean extractive, Integer promptTokens, Integer completionTokens, int latencyMs, Integer timeToFirstTokenMs) {}

  private static final TypeReference<List<StoredSource>> SOURCES = new TypeReference<>() {};
  private final DSLContext db;

  public ChatStore(DSLContext db) {
    this.db = db;
  }

  /** The conversation's title when the user owns it; null when it does not exist or is someone else's. */
  public String ownedTitle(UUID conversationId, UUID userId) {
    var row = db.select(CONVERSATIONS.TITLE).from(CONVERSATIONS)
        .where(CONVERSATIONS.ID.eq(conversationId)).and(CONVERSATIONS.USER_ID.eq(userId))
        .fetchOne();
    return row == null ? null : row.value1() == null ? "" : row.value1();
  }

  public UUID addUserMessage(UUID conversationId, String content) {
    return db.insertInto(CHAT_MESSAGES)
        .set(CHAT_MESSAGES.CONVERSATION_ID, conversationId)
        .set(CHAT_MESSAGES.ROLE, "user")
        .set(CHAT_MESSAGES.CONTENT, content)
        .returning(CHAT_MESSAGES.ID)
        .fetchOne(CHAT_MESSAGES.ID);
  }

  public void addAnswer(Answer answer) {
    db.insertInto(CHAT_MESSAGES)
        .set(CHAT_MESSAGES.ID, answer.id())
        .set(CHAT_MESSAGES.CONVERSATION_ID, answer.conversationId())
        .set(CHAT_MESSAGES.ROLE, "assistant")
        .set(CHAT_MESSAGES.CONTENT, answer.content())
        .set(CHAT_MESSAGES.STATUS, answer.status())
        .set(CHAT_MESSAGES.ERROR_CODE, answer.errorCode())
        .set(CHAT_MESSAGES.SOURCES, json(answer.sources()))
        .set(CHAT_MESSAGES.MODEL, answer.model())
        .set(CHAT_MESSAGES.EXTRACTIVE, answer.extractive())
        .set(CHAT_MESSAGES.PROMPT_TOKENS, answer.promptTokens())
        .set(CHAT_MESSAGES.COMPLETION_TOKENS, answer.completionTokens())
        .set(CHAT_MESSAGES.LATENCY_MS, answer.latencyMs())
        .set(CHAT_MESSAGES.TIME_TO_FIRST_TOKEN_MS, answer.timeToFirstTokenMs())
        .execute();
  }

  /**
   * The latest turns that can go into a prompt (answered or partial, not failed), oldest first:
   * only role and text are read, however long the conversation.
   */
  public List<Message> recentTurns(UUID conversationId, int limit) {
    List<Message> turns = new java.util.ArrayList<>(db.select(CHAT_MESSAGES.ROLE, CHAT_MESSAGES.CONTENT)
        .from(CHAT_MESSAGES)
        .where(CHAT_MESSAGES.CONVERSATION_ID.eq(conversationId))
        .and(CHAT_MESSAGES.STATUS.ne("error"))
        .and(CHAT_MESSAGES.CONTENT.ne(""))
        .orderBy(CHAT_MESSAGES.CREATED_AT.desc(), CHAT_MESSAGES.ID.desc())
        .limit(limit)
        .fetch(r -> new Message(r.value1(), r.value2())));
    java.util.Collections.reverse(turns);
    return turns;
  }

  /** The conversation's messages, oldest first. */
  public List<StoredMessage> messages(UUID conversationId) {
    return db.selectFrom(CHAT_MESSAGES)
        .where(CHAT_MESSAGES.CONVERSATION_ID.eq(conversationId))
        .orderBy(CHAT_MESSAGES.CREATED_AT, CHAT_MESSAGES.ID)
        .fetch(r -> new StoredMessage(r.getId(), r.getRole(), r.getContent(), r.getStatus(), sources(r.getSources()),
            r.getPromptTokens(), r.getCompletionTokens(), r.getLatencyMs(), r.getCreatedAt()));
  }

  private static JSONB json(List<StoredSource> sources) {
    try {
      return JSONB.valueOf(JsonSerde.MAPPER.writeValueAsString(sources));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("sources must serialise", e);
    }
  }

  private static List<StoredSource> sources(JSONB json) {
    try {
      return json == null ? List.of() : JsonSerde.MAPPER.readValue(json.data(), SOURCES);
    } catch (JsonProcessingException e) {
      return List.of();
    }
  }
}
