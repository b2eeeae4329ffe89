package dev.opentier.platform.db;

import com.pgvector.PGvector;
import org.jooq.Converter;

/** pgvector's {@code vector} as {@code float[]} (the code generator applies it to every vector column). */
public final class VectorBinding extends TextCastBinding<float[]> {
  private static final Converter<Object, float[]> CONVERTER =
      text(float[].class, VectorBinding::parse, vector -> new PGvector(vector).getValue());

  public VectorBinding() {
    super("vector");
  }

  private static float[] parse(String text) {
    try {
      return new PGvector(text).toArray();
    } catch (java.sql.SQLException e) {
      throw new IllegalArgumentException("not a vector: " + text, e);
    }
  }

  @Override
  public Converter<Object, float[]> converter() {
    return CONVERTER;
  }
}
