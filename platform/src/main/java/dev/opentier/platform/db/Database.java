package dev.opentier.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.opentier.platform.config.SettingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** A process's connection pool to PostgreSQL, and jOOQ over it. */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final DSLContext dsl;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
  }

  /**
   * Opens the pool and proves the database answers, failing fast with a {@link SettingException}
   * naming {@code OPENTIER_DB_URL} when it does not.
   */
  public static Database connect(DatabaseSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    config.setInitializationFailTimeout(Duration.ofSeconds(5).toMillis());
    config.addDataSourceProperty("ApplicationName", "opentier-" + poolName);
    config.addDataSourceProperty("connectTimeout", "5");
    try {
      return new Database(new HikariDataSource(config));
    } catch (HikariPool.PoolInitializationException e) {
      throw new SettingException(DatabaseSettings.URL,
          "cannot connect to " + settings.displayUrl() + " as " + settings.user() + " (" + rootMessage(e) + ")", e);
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DSLContext dsl() {
    return dsl;
  }

  /** True when a connection can be had and validated within {@code timeout}. */
  public boolean isReachable(Duration timeout) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid((int) Math.max(1, timeout.toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }
}
