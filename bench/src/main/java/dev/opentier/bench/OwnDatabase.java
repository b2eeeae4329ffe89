package dev.opentier.bench;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.ServerAdmin;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A database of a benchmark's own on the configured PostgreSQL server, created by a superuser
 * ({@value #PG_USER}, default postgres) and owned by OpenTier's user, so a run never touches the
 * platform's data. {@link #env} is the process environment pointed at it.
 */
record OwnDatabase(ServerAdmin admin, String name, String url, Map<String, String> env) {
  static final String PG_USER = "OPENTIER_EVAL_PG_USER";

  /** Creates {@code prefix_xxxxxxxx}. */
  static OwnDatabase create(String prefix) {
    OwnDatabase own = existing(prefix + "_" + UUID.randomUUID().toString().substring(0, 8));
    own.admin.createDatabase(own.name, DatabaseSettings.from(Settings.fromEnvironment()).user());
    return own;
  }

  /** One that already exists (kept by an earlier run); the caller should not drop it. */
  static OwnDatabase existing(String name) {
    Settings base = Settings.fromEnvironment();
    ServerAdmin admin = new ServerAdmin(ServerAdmin.serverOf(DatabaseSettings.from(base).url()), base.string(PG_USER, "postgres"), "");
    String url = admin.urlOf(name);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(DatabaseSettings.URL, url);
    return new OwnDatabase(admin, name, url, env);
  }

  void drop() {
    admin.dropDatabase(name);
  }
}
