package dev.opentier.intelligence;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.CONVERSATIONS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_GRANTS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.testing.ScratchDatabase;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * A scratch database with users and indexed documents, written as curation-streams writes them
 * (chunks embedded by the real model), for the intelligence tests.
 */
final class TestCorpus implements AutoCloseable {
  final ScratchDatabase scratch = ScratchDatabase.create();
  final Database database = scratch.connect();
  final DSLContext db = database.dsl();
  final Embedder embedder = Embedder.create(EmbeddingSettings.from(Settings.of(Map.of())));

  TestCorpus() {
    new Migrations(database.dataSource()).apply();
  }

  UUID user(String email) {
    return db.insertInto(USERS).set(USERS.EMAIL, email).set(USERS.EMAIL_VERIFIED_AT, java.time.OffsetDateTime.now()).returning(USERS.ID).fetchOne(USERS.ID);
  }

  UUID conversation(UUID user) {
    return db.insertInto(CONVERSATIONS).set(CONVERSATIONS.USER_ID, user).returning(CONVERSATIONS.ID).fetchOne(CONVERSATIONS.ID);
  }

  /** An indexed document with one chunk per text. */
  void document(String id, UUID owner, String visibility, String title, String... texts) {
    db.insertInto(DOCUMENTS)
        .set(DOCUMENTS.ID, id)
        .set(DOCUMENTS.OWNER_ID, owner)
        .set(DOCUMENTS.VISIBILITY, visibility)
        .set(DOCUMENTS.SOURCE, "test")
        .set(DOCUMENTS.URI, "test:" + id)
        .set(DOCUMENTS.TITLE, title)
        .set(DOCUMENTS.CONTENT_HASH, "v1")
        .set(DOCUMENTS.STATUS, "indexed")
        .set(DOCUMENTS.CHUNK_COUNT, texts.length)
        .execute();
    for (int i = 0; i < texts.length; i++) {
      db.insertInto(CHUNKS)
          .set(CHUNKS.ID, UUID.randomUUID())
          .set(CHUNKS.DOCUMENT_ID, id)
          .set(CHUNKS.DOCUMENT_VERSION, "v1")
          .set(CHUNKS.POSITION, i)
          .set(CHUNKS.TEXT, texts[i])
          .set(CHUNKS.CONTEXT, title)
          .set(CHUNKS.TOKEN_COUNT, embedder.tokenizer().countTokens(texts[i]))
          .set(CHUNKS.START_OFFSET, 0)
          .set(CHUNKS.END_OFFSET, texts[i].length())
          .set(CHUNKS.PAGE, i + 1)
          .set(CHUNKS.EMBEDDING, embedder.embed(title + "\n" + texts[i]))
          .execute();
    }
  }

  void grant(String documentId, UUID user) {
    String email = db.select(USERS.EMAIL).from(USERS).where(USERS.ID.eq(user)).fetchOne(USERS.EMAIL).toLowerCase(java.util.Locale.ROOT);
    db.insertInto(DOCUMENT_GRANTS).set(DOCUMENT_GRANTS.DOCUMENT_ID, documentId).set(DOCUMENT_GRANTS.EMAIL, email).execute();
  }

  @Override
  public void close() {
    embedder.close();
    database.close();
    scratch.close();
  }
}
