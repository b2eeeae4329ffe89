package dev.opentier.platform.db;

import java.util.Arrays;
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
  private final Flyway flyway;

  public Migrations(DataSource dataSource) {
    this.flyway = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .validateMigrationNaming(true)
        .load();
  }

  /** Applies pending migrations; returns how many ran (0 when the schema was already current). */
  public int apply() {
    MigrateResult result = flyway.migrate();
    return result.migrationsExecuted;
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
