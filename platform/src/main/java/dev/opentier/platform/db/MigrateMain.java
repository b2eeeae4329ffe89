package dev.opentier.platform.db;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.ServiceMain;

/**
 * Migrates the schema and exits: a deployment's one-shot step (compose's {@code migrate}, the
 * Kubernetes Job), so that several gateways never race to migrate (they only check it, with
 * {@code OPENTIER_DB_MIGRATE=false}).
 */
public final class MigrateMain {
  private MigrateMain() {}

  public static void main(String[] args) {
    ServiceMain.runCommand("migrate", () -> {
      DatabaseSettings settings = DatabaseSettings.from(Settings.fromEnvironment());
      try (Database database = Database.connect(settings, "migrate")) {
        int applied = new Migrations(database.dataSource()).apply();
        System.out.println("migrate: " + applied + " migration(s) applied to " + settings.displayUrl());
      }
      return () -> {};
    });
  }
}
