package dev.opentier.platform.db;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;

/** Where the PostgreSQL database is and how big a process's pool may grow. */
public record DatabaseSettings(String url, String user, String password, int poolSize) {
  public static final String URL = "OPENTIER_DB_URL";
  public static final String USER = "OPENTIER_DB_USER";
  public static final String PASSWORD = "OPENTIER_DB_PASSWORD";
  public static final String POOL_SIZE = "OPENTIER_DB_POOL_SIZE";

  public DatabaseSettings {
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new SettingException(URL, "must be a jdbc:postgresql:// URL, got '" + url + "'");
    }
    if (poolSize < 1) throw new SettingException(POOL_SIZE, "must be at least 1");
  }

  public static DatabaseSettings from(Settings settings) {
    return new DatabaseSettings(
        settings.string(URL, "jdbc:postgresql://127.0.0.1:5432/opentier"),
        settings.string(USER, "opentier"),
        settings.string(PASSWORD, "opentier"),
        settings.integer(POOL_SIZE, 10, 1, 500));
  }

  /** The URL without credentials or parameters, safe for logs and error messages. */
  public String displayUrl() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
