package dev.opentier.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema's lifecycle. query-api applies the migrations at start-up (as the original's API
 * container did); every other process only checks that the schema is current and refuses to run
 * against an older or newer one.
 */
public final class Migrations {
  /**
   * Migrations edited after they were released, with the checksum they had: V11 named {@code chunks}
   * unqualified inside a materialized view's query, which PostgreSQL 17 plans with a search path of
   * {@code pg_catalog} only (the edit qualifies it; what it creates is the same). A database
   * migrated before the edit gets the new checksum recorded, and nothing else changes.
   */
  private static final Map<String, int[]> EDITED = Map.of("11", new int[] {167428104, 813100525}); // {before, after}

  private final DataSource dataSource;
  private final Flyway flyway;

  public Migrations(DataSource dataSource) {
    this.dataSource = dataSource;
    this.flyway = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .validateMigrationNaming(true)
        .load();
  }

  /** Applies pending migrations; returns how many ran (0 when the schema was already current). */
  public int apply() {
    realignEdited();
    MigrateResult result = flyway.migrate();
    return result.migrationsExecuted;
  }

  private void realignEdited() {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
         var found = exists.executeQuery()) {
      if (!found.next() || !found.getBoolean(1)) return;
      for (var edited : EDITED.entrySet()) {
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE flyway_schema_history SET checksum = ? WHERE version = ? AND checksum = ?")) {
          update.setInt(1, edited.getValue()[1]);
          update.setString(2, edited.getKey());
          update.setInt(3, edited.getValue()[0]);
          update.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not record the checksums of edited migrations: " + e.getMessage(), e);
    }
  }

  /** How many migrations this build carries. */
  public int available() {
    return flyway.info().all().length;
  }

  /** The version the schema should be at: the newest migration on the classpath. */
  public String expectedVersion() {
    MigrationInfo[] all = flyway.info().all();
    return all.length == 0 ? "none" : all[all.length - 1].getVersion().getVersion();
  }

  /** Throws {@link SchemaNotCurrentException} unless every migration on the classpath is applied. */
  public void requireCurrent() {
    var info = flyway.info();
    MigrationInfo[] pending = info.pending();
    if (pending.length > 0) {
      throw new SchemaNotCurrentException("the database schema is not current: "
          + pending.length + " migration(s) pending ("
          + Arrays.stream(pending).map(MigrationInfo::getScript).collect(Collectors.joining(", "))
          + "). query-api applies migrations when it starts; start it first (./opentier up does).");
    }
    MigrationInfo current = info.current();
    String expected = expectedVersion();
    if (current == null || !current.getVersion().getVersion().equals(expected)) {
      throw new SchemaNotCurrentException("the database schema is at version "
          + (current == null ? "none" : current.getVersion().getVersion())
          + " but this build expects " + expected + ": deploy the same version of every service.");
    }
  }

  /** The schema is older or newer than this build of OpenTier. */
  public static final class SchemaNotCurrentException extends RuntimeException {
    public SchemaNotCurrentException(String message) {
      super(message);
    }
  }
}
