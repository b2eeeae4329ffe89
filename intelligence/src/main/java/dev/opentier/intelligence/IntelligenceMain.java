package dev.opentier.intelligence;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.ServiceMain;

/** {@code java dev.opentier.intelligence.IntelligenceMain}: runs the gRPC service until stopped. */
public final class IntelligenceMain {
  private IntelligenceMain() {}

  public static void main(String[] args) {
    ServiceMain.run("intelligence", () -> IntelligenceServer.start(Settings.fromEnvironment()));
  }
}
