package dev.opentier.platform.config;

/**
 * A setting is wrong, or what it points at cannot be used (an unreachable database, a port in
 * use). The message starts with the setting's name so an operator knows what to change.
 */
public final class SettingException extends RuntimeException {
  private final String setting;

  public SettingException(String setting, String problem) {
    this(setting, problem, null);
  }

  public SettingException(String setting, String problem, Throwable cause) {
    super(setting + ": " + problem, cause);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
