package dev.opentier.queryapi.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The first admin, from OPENTIER_ADMIN_EMAIL / OPENTIER_ADMIN_PASSWORD at start-up (created once, never overwritten). */
public final class AdminBootstrap {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private AdminBootstrap() {}

  public static void ensureAdmin(Accounts accounts, AuthSettings settings) {
    if (settings.adminEmail().isEmpty()) return;
    String email = settings.adminEmail().get();
    if (accounts.byEmail(email).isPresent()) return;
    if (settings.adminPassword().isEmpty()) {
      throw new dev.opentier.platform.config.SettingException(AuthSettings.ADMIN_PASSWORD, "is required with " + AuthSettings.ADMIN_EMAIL);
    }
    try {
      accounts.create(email, settings.adminPassword().get(), "Administrator", "admin");
    } catch (Accounts.InvalidInput e) {
      throw new dev.opentier.platform.config.SettingException(AuthSettings.ADMIN_EMAIL + "/" + AuthSettings.ADMIN_PASSWORD, e.getMessage());
    }
    log.info("created the admin account {}", email);
  }
}
