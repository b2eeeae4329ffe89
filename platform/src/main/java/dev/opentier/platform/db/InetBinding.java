package dev.opentier.platform.db;

import java.util.function.Function;
import org.jooq.Converter;

/** PostgreSQL's {@code inet} as a {@code String} such as {@code 203.0.113.7} (applied by the code generator). */
public final class InetBinding extends TextCastBinding<String> {
  private static final Converter<Object, String> CONVERTER = text(String.class, Function.identity(), Function.identity());

  public InetBinding() {
    super("inet");
  }

  @Override
  public Converter<Object, String> converter() {
    return CONVERTER;
  }
}
