package dev.opentier.curation;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.ServiceMain;

/** {@code java dev.opentier.curation.CurationStreamsMain}: runs the pipeline process until stopped. */
public final class CurationStreamsMain {
  private CurationStreamsMain() {}

  public static void main(String[] args) {
    ServiceMain.run("curation-streams", () -> CurationStreams.start(Settings.fromEnvironment()));
  }
}
