package dev.opentier.platform.testing;

/**
 * The real Kafka broker the test run started. {@code ./opentier test} starts one on a free port and
 * passes its address as {@code OPENTIER_KAFKA_BOOTSTRAP}.
 */
public final class TestBroker {
  private TestBroker() {}

  public static String bootstrapServers() {
    String bootstrap = System.getenv("OPENTIER_KAFKA_BOOTSTRAP");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalStateException(
          "integration tests need a Kafka broker: run them with ./opentier test (it starts one), "
              + "or set OPENTIER_KAFKA_BOOTSTRAP to a broker of your own");
    }
    return bootstrap;
  }
}
