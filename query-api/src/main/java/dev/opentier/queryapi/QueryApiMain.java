package dev.opentier.queryapi;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.ServiceMain;

/** {@code java dev.opentier.queryapi.QueryApiMain}: runs the gateway until the process is stopped. */
public final class QueryApiMain {
  private QueryApiMain() {}

  public static void main(String[] args) {
    ServiceMain.run("query-api", () -> QueryApi.start(Settings.fromEnvironment()));
  }
}
