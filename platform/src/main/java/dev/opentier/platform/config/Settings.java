package dev.opentier.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
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

  /** A number with a fraction, e.g. a threshold. */
  public double decimal(String name, double defaultValue, double min, double max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return defaultValue;
    double value;
    try {
      value = Double.parseDouble(raw.get());
    } catch (NumberFormatException e) {
      throw new SettingException(name, "must be a number, got '" + raw.get() + "'");
    }
    if (!(value >= min && value <= max)) {
      throw new SettingException(name, "must be between " + min + " and " + max + ", got " + raw.get());
    }
    return value;
  }

  /** A switch: {@code on|off} (also {@code true|false}, {@code yes|no}, {@code 1|0}). */
  public boolean flag(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return defaultValue;
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new SettingException(name, "must be on or off, got '" + raw.get() + "'");
    };
  }

  /** One of an enum's constants, written in lower case: {@code auto|cpu|cuda}. */
  public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return defaultValue;
    try {
      return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        if (!allowed.isEmpty()) allowed.append('|');
        allowed.append(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new SettingException(name, "must be one of " + allowed + ", got '" + raw.get() + "'");
    }
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
