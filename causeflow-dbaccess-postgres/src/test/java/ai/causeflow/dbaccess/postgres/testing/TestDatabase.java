package ai.causeflow.dbaccess.postgres.testing;

import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.postgres.PostgresConnectionConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * One database on the shared test server, created for one test class.
 *
 * <pre>{@code
 * TestDatabase db = EmbeddedPostgresServer.shared().createDatabase("types");
 * db.execute("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
 * long n = db.queryLong("SELECT count(*) FROM t");
 * }</pre>
 *
 * <p>Thread-safety: thread-safe (every call opens its own connection).
 */
public final class TestDatabase {
  private final EmbeddedPostgresServer server;
  private final String name;

  TestDatabase(EmbeddedPostgresServer server, String name) {
    this.server = server;
    this.name = name;
  }

  public String name() {
    return name;
  }

  public EmbeddedPostgresServer server() {
    return server;
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** Admin DataSource (superuser on the embedded server). */
  public DataSource dataSource() {
    return server.dataSource(name);
  }

  /** DataSource for another role. */
  public DataSource dataSource(String role, String password) {
    return server.dataSource(name, role, password);
  }

  /** Admin inspection connection with lock_timeout and statement_timeout set. */
  public Connection connect() throws SQLException {
    return server.connect(name);
  }

  public PostgresConnectionConfig connectionConfig() {
    return server.connectionConfig(name);
  }

  /** A resource entry as the relay config would produce it. */
  public ResourceConfig resourceConfig(String id, Set<Operation> operations, int poolSize) {
    return new ResourceConfig(id, "postgres", id, connectionConfig(), operations, 1000, 30_000,
        poolSize, List.of(), List.of(), List.of());
  }

  /** Runs statements as the admin role, autocommit. */
  public void execute(String... statements) {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("set-up statement failed: " + e.getMessage(), e);
    }
  }

  /** The first column of the first row as a long. */
  public long queryLong(String sql) {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + e.getMessage(), e);
    }
  }

  /** The first column of the first row as a string (null when no row). */
  public String queryString(String sql) {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + e.getMessage(), e);
    }
  }
}
