package dev.opentier.platform.db;

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
import org.jooq.conf.ParamType;
import org.jooq.impl.DSL;

/**
 * A PostgreSQL type jOOQ does not know (vector, inet), carried in its text form and cast in the
 * SQL ({@code ?::vector}). Subclasses name the type and convert the text to and from Java.
 */
abstract class TextCastBinding<U> implements Binding<Object, U> {
  private final String sqlType;

  TextCastBinding(String sqlType) {
    this.sqlType = sqlType;
  }

  @Override
  public void sql(BindingSQLContext<U> ctx) {
    if (ctx.render().paramType() == ParamType.INLINED) {
      ctx.render().visit(DSL.inline(ctx.convert(converter()).value())).sql("::" + sqlType);
    } else {
      ctx.render().sql(ctx.variable()).sql("::" + sqlType);
    }
  }

  @Override
  public void register(BindingRegisterContext<U> ctx) throws SQLException {
    ctx.statement().registerOutParameter(ctx.index(), Types.VARCHAR);
  }

  @Override
  public void set(BindingSetStatementContext<U> ctx) throws SQLException {
    Object text = ctx.convert(converter()).value();
    ctx.statement().setString(ctx.index(), text == null ? null : text.toString());
  }

  @Override
  public void set(BindingSetSQLOutputContext<U> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public void get(BindingGetResultSetContext<U> ctx) throws SQLException {
    ctx.convert(converter()).value(ctx.resultSet().getString(ctx.index()));
  }

  @Override
  public void get(BindingGetStatementContext<U> ctx) throws SQLException {
    ctx.convert(converter()).value(ctx.statement().getString(ctx.index()));
  }

  @Override
  public void get(BindingGetSQLInputContext<U> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  /** A converter between the database's text and {@code U}. */
  static <U> Converter<Object, U> text(Class<U> type, java.util.function.Function<String, U> from, java.util.function.Function<U, String> to) {
    return Converter.ofNullable(Object.class, type, database -> from.apply(database.toString()), to::apply);
  }
}
