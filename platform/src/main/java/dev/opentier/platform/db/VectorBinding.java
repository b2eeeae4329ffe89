package dev.opentier.platform.db;

import com.pgvector.PGvector;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import org.jooq.Binding;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingGetSQLInputContext;
import org.jooq.BindingGetStatementContext;
import org.jooq.BindingRegisterContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetSQLOutputContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.impl.DSL;

/**
 * pgvector's {@code vector} as {@code float[]} in jOOQ (the code generator applies it to every
 * vector column). Values travel in pgvector's text form, cast to {@code vector} in the SQL.
 */
public final class VectorBinding implements Binding<Object, float[]> {
  private static final Converter<Object, float[]> CONVERTER = Converter.ofNullable(Object.class, float[].class,
      VectorBinding::parse,
      vector -> new PGvector(vector).getValue());

  private static float[] parse(Object database) {
    try {
      return new PGvector(database.toString()).toArray();
    } catch (java.sql.SQLException e) {
      throw new IllegalArgumentException("not a vector: " + database, e);
    }
  }

  @Override
  public Converter<Object, float[]> converter() {
    return CONVERTER;
  }

  @Override
  public void sql(BindingSQLContext<float[]> ctx) {
    if (ctx.render().paramType() == org.jooq.conf.ParamType.INLINED) {
      ctx.render().visit(DSL.inline(ctx.convert(converter()).value())).sql("::vector");
    } else {
      ctx.render().sql(ctx.variable()).sql("::vector");
    }
  }

  @Override
  public void register(BindingRegisterContext<float[]> ctx) throws SQLException {
    ctx.statement().registerOutParameter(ctx.index(), Types.VARCHAR);
  }

  @Override
  public void set(BindingSetStatementContext<float[]> ctx) throws SQLException {
    Object text = ctx.convert(converter()).value();
    ctx.statement().setString(ctx.index(), text == null ? null : text.toString());
  }

  @Override
  public void set(BindingSetSQLOutputContext<float[]> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public void get(BindingGetResultSetContext<float[]> ctx) throws SQLException {
    ctx.convert(converter()).value(ctx.resultSet().getString(ctx.index()));
  }

  @Override
  public void get(BindingGetStatementContext<float[]> ctx) throws SQLException {
    ctx.convert(converter()).value(ctx.statement().getString(ctx.index()));
  }

  @Override
  public void get(BindingGetSQLInputContext<float[]> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }
}
