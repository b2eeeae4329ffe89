package dev.opentier.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * OpenTier's configuration: {@code OPENTIER_*} environment variables, each with a local default.
 * Every accessor validates its value and fails with a {@link SettingException} that names the
 * setting, so a misconfigured process stops with one clear line.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  /** Settings from an explicit map (tests, or a process configuring a child). */
  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return defaultValue;
    int value;
    try {
      value = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new SettingException(name, "must be a whole number, got '" + raw.get() + "'");
    }
    if (value < min || value > max) {
      throw new SettingException(name, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public int port(String name, int defaultValue) {
    return integer(name, defaultValue, 1, 65_535);
  }

  /** A duration in seconds. */
  public Duration seconds(String name, int defaultSeconds, int min, int max) {
    return Duration.ofSeconds(integer(name, defaultSeconds, min, max));
  }

  /** A {@code host:port} address, as used by Kafka bootstrap lists and gRPC targets. */
  public String hostAndPort(String name, String defaultValue) {
    String value = string(name, defaultValue);
    for (String address : value.split(",")) {
      URI parsed;
      try {
        parsed = URI.create("tcp://" + address.trim());
      } catch (IllegalArgumentException e) {
        throw new SettingException(name, "must be host:port[,host:port…], got '" + value + "'");
      }
      if (parsed.getHost() == null || parsed.getPort() < 1) {
        throw new SettingException(name, "must be host:port[,host:port…], got '" + value + "'");
      }
    }
    return value;
  }
}
