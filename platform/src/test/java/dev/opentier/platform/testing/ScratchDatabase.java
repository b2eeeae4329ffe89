package dev.opentier.platform.testing;

import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.ServerAdmin;
import java.util.Locale;
import java.util.UUID;

/**
 * An empty PostgreSQL database of its own for one test class, on the real server, with pgvector
 * created by the superuser (as ./opentier up does). Dropped on close.
 *
 * <p>The server is {@code OPENTIER_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/})
 * as {@code OPENTIER_TEST_PG_USER} (default {@code postgres}, a superuser).
 */
public final class ScratchDatabase implements AutoCloseable {
  private static final String SERVER = env("OPENTIER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
  private static final String USER = env("OPENTIER_TEST_PG_USER", "postgres");
  private static final String PASSWORD = env("OPENTIER_TEST_PG_PASSWORD", "");
  private static final ServerAdmin ADMIN = new ServerAdmin(SERVER, USER, PASSWORD);

  private final String name;

  private ScratchDatabase(String name) {
    this.name = name;
  }

  public static ScratchDatabase create() {
    String name = "opentier_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    ADMIN.createDatabase(name, null);
    return new ScratchDatabase(name);
  }

  public String name() {
    return name;
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings(SERVER + name, USER, PASSWORD, 4);
  }

  public Database connect() {
    return Database.connect(settings(), "test");
  }

  @Override
  public void close() {
    ADMIN.dropDatabase(name);
  }

  private static String env(String name, String defaultValue) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? defaultValue : value;
  }
}
