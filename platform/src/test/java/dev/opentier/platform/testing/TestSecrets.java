package dev.opentier.platform.testing;

import dev.opentier.platform.service.InternalCalls;
import java.util.Map;

/** The secret services under test share to sign calls to each other (a real installation gets a random one from ./opentier up). */
public final class TestSecrets {
  public static final String INTERNAL = "a test secret that is long enough for HS256";

  private TestSecrets() {}

  /** The setting that gives a service under test that secret. */
  public static Map<String, String> settings() {
    return Map.of(InternalCalls.SECRET, INTERNAL);
  }
}
