package dev.opentier.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates and drops whole databases on a PostgreSQL server, as a superuser: the scratch databases
 * of the tests, and the isolated namespaces of {@code eval beir} and {@code bench search}. A new
 * database gets the {@code vector} extension (only a superuser may create it).
 *
 * @param server the server's JDBC URL without a database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/}
 */
public record ServerAdmin(String server, String user, String password) {
  public ServerAdmin {
    if (!server.endsWith("/")) throw new IllegalArgumentException("server must end with '/', got '" + server + "'");
  }

  /** The server of a database URL: {@code jdbc:postgresql://host:port/db?x} → {@code jdbc:postgresql://host:port/}. */
  public static String serverOf(String databaseUrl) {
    return databaseUrl.substring(0, databaseUrl.lastIndexOf('/') + 1);
  }

  public String urlOf(String database) {
    return server + database;
  }

  /** Creates the database (owned by {@code owner} when not null) with the vector extension. */
  public void createDatabase(String name, String owner) {
    execute("postgres", "CREATE DATABASE " + name + (owner == null ? "" : " OWNER " + owner));
    execute(name, "CREATE EXTENSION IF NOT EXISTS vector");
  }

  /** Drops the database, ending its sessions. */
  public void dropDatabase(String name) {
    execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void execute(String database, String sql) {
    try (Connection connection = DriverManager.getConnection(urlOf(database), user, password);
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("'" + sql + "' failed on " + urlOf(database) + ": " + e.getMessage(), e);
    }
  }
}
