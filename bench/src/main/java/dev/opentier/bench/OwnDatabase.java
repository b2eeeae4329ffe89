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
    Settings base = Settings.fromEnvironment();
    DatabaseSettings server = DatabaseSettings.from(base);
    String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    ServerAdmin admin = new ServerAdmin(ServerAdmin.serverOf(server.url()), base.string(PG_USER, "postgres"), "");
    String url = admin.urlOf(name);
    admin.createDatabase(name, server.user());
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(DatabaseSettings.URL, url);
    return new OwnDatabase(admin, name, url, env);
  }

  void drop() {
    admin.dropDatabase(name);
  }
}
