package dev.opentier.platform.db;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.db.Migrations.SchemaNotCurrentException;
import dev.opentier.platform.testing.ScratchDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrationsIT {
  private ScratchDatabase scratch;
  private Database database;

  @BeforeEach
  void createEmptyDatabase() {
    scratch = ScratchDatabase.create();
    database = scratch.connect();
  }

  @AfterEach
  void dropDatabase() {
    database.close();
    scratch.close();
  }

  @Test
  void migrationsApplyToAnEmptyDatabaseAndASecondRunIsANoOp() {
    Migrations migrations = new Migrations(database.dataSource());

    assertThat(migrations.available()).isGreaterThanOrEqualTo(7);
    assertThat(migrations.apply()).isEqualTo(migrations.available());
    assertThat(migrations.apply()).isZero();
    migrations.requireCurrent();

    List<String> tables = database.dsl().fetchValues(
        "select table_name::text from information_schema.tables where table_schema = 'public' order by 1")
        .stream().map(Object::toString).toList();
    assertThat(tables).contains("users", "sessions", "oauth_accounts", "conversations", "chat_messages",
        "documents", "document_grants", "chunks", "ingestion_jobs", "ingestion_job_progress", "audit_log");
  }

  /** V11 was edited (a table name qualified for PostgreSQL 17): a database migrated with the old text still migrates on. */
  @Test
  void aDatabaseMigratedBeforeAnEditedMigrationIsAccepted() {
    Migrations migrations = new Migrations(database.dataSource());
    migrations.apply();
    database.dsl().execute("UPDATE flyway_schema_history SET checksum = 167428104 WHERE version = '11'");

    assertThat(migrations.apply()).isZero();
    assertThat(database.dsl().fetchValue("SELECT checksum FROM flyway_schema_history WHERE version = '11'")).isEqualTo(813100525);
  }

  @Test
  void chunksHaveA384DimensionVectorWithAnHnswCosineIndexAndALexicalIndex() {
    new Migrations(database.dataSource()).apply();

    Object type = database.dsl().fetchValue(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'chunks'::regclass and attname = 'embedding'");
    assertThat(type).isEqualTo("vector(384)");
    List<String> indexes = database.dsl().fetchValues(
        "select indexdef from pg_indexes where tablename = 'chunks'").stream().map(Object::toString).toList();
    assertThat(indexes).anySatisfy(def -> assertThat(def).contains("USING hnsw (embedding vector_cosine_ops)"));
    assertThat(indexes).anySatisfy(def -> assertThat(def).contains("USING gin (lexical)"));
    assertThat(CHUNKS.EMBEDDING).isNotNull();
  }

  @Test
  void aServiceRefusesAnEmptySchemaWithAClearMessage() {
    Migrations migrations = new Migrations(database.dataSource());

    assertThatThrownBy(migrations::requireCurrent)
        .isInstanceOf(SchemaNotCurrentException.class)
        .hasMessageContaining(migrations.available() + " migration(s) pending")
        .hasMessageContaining("V1__extensions.sql");
  }

  @Test
  void theGeneratedSchemaMatchesTheMigratedTables() {
    new Migrations(database.dataSource()).apply();

    int inserted = database.dsl().insertInto(USERS)
        .set(USERS.EMAIL, "ada@example.org")
        .set(USERS.ROLE, "admin")
        .execute();

    assertThat(inserted).isEqualTo(1);
    assertThat(database.dsl().fetchCount(USERS)).isEqualTo(1);
  }

  @Test
  void anUnreachableDatabaseFailsFastNamingTheSetting() {
    var settings = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/opentier", "opentier", "x", 1);

    assertThatThrownBy(() -> Database.connect(settings, "test"))
        .isInstanceOf(SettingException.class)
        .hasMessageStartingWith("OPENTIER_DB_URL: cannot connect to jdbc:postgresql://127.0.0.1:1/opentier as opentier");
  }
}
