package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.postgres.internal.ConnectionSource;
import ai.causeflow.dbaccess.postgres.internal.PgPool;
import ai.causeflow.dbaccess.postgres.internal.PostgresBackend;
import ai.causeflow.dbaccess.postgres.internal.UserDataSourceSource;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Read-only, policy-checked, masked and audited access to one PostgreSQL database.
 *
 * <p>Every request runs in its own read-only transaction: autocommit off, {@code SET TRANSACTION
 * READ ONLY} plus {@code SET LOCAL} statement, lock and idle-in-transaction timeouts and a
 * snapshot-taking {@code SELECT 1} in one round trip, the one validated statement through the
 * extended protocol with {@code $n} parameters bound, rows streamed through a cursor, then always
 * {@code ROLLBACK} and {@code DISCARD ALL} before the connection is reused. See
 * {@code docs/postgres.md}.
 *
 * <pre>{@code
 * // From your own pool (we never close it; close it yourself after closing this):
 * try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(hikari,
 *     DataSourceSettings.builder("main-pg").policy(policy).masking(masking).build())) {
 *   QueryResult r = ds.execute(QueryRequest.query("SELECT id, status FROM orders WHERE id = $1")
 *       .parameters(List.of(42)).build());
 *   QueryResult locks = ds.execute(QueryRequest.builder(PostgresOperations.LOCKS).build());
 * }
 *
 * // From relay-config.yaml (an internal pool of poolSize connections, closed by close()):
 * PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(resource, settings);
 * }</pre>
 *
 * <p>Who closes what: {@link #close()} closes the internal pool made by {@link #fromConfig} and
 * every connection in it. A {@link DataSource} passed to {@link #create} is never closed; each
 * connection borrowed from it is rolled back, reset ({@code DISCARD ALL}, its autocommit,
 * read-only flag and network timeout restored) and closed after each request, which returns it
 * to the user's pool (a connection that could not be reset is aborted first). {@code DISCARD ALL}
 * also resets settings your pool applied with {@code SET} (for example a connection-init SQL, or
 * pgjdbc's {@code ApplicationName} unless {@code assumeMinServerVersion} is 9.0 or later, which
 * puts it in the startup packet) to the role's and database's defaults.
 *
 * <p>Thread-safety: thread-safe; share one instance per database.
 */
public final class PostgresReadOnlyDataSource extends ReadOnlyDataSource {

  private PostgresReadOnlyDataSource(PostgresBackend backend, DataSourceSettings settings) {
    super(backend, settings);
  }

  /** A data source over the user's {@code DataSource}, with default {@link PostgresOptions}. */
  public static PostgresReadOnlyDataSource create(DataSource userDataSource,
      DataSourceSettings settings) {
    return create(userDataSource, settings, PostgresOptions.defaults());
  }

  /**
   * A data source over the user's {@code DataSource}. The pool size and connect timeout are the
   * user pool's; {@link PostgresOptions#connectionWait()} does not bound how long the user's pool
   * blocks in {@code getConnection} (the request's deadline still does).
   */
  public static PostgresReadOnlyDataSource create(DataSource userDataSource,
      DataSourceSettings settings, PostgresOptions options) {
    Objects.requireNonNull(userDataSource, "userDataSource");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    return build(new UserDataSourceSource(userDataSource), settings, options);
  }

  /** A data source with its own pool, from a {@code type: postgres} resource of the config. */
  public static PostgresReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings) {
    return fromConfig(resource, settings, PostgresOptions.defaults());
  }

  /**
   * A data source with its own pool of {@code resource.poolSize()} connections: connect timeout
   * {@code connectTimeoutMs}, TLS per {@code sslMode}, credentials from the connection block.
   * Connections are opened lazily, so a database that is down at start-up does not prevent
   * creation; requests fail with {@code CONNECTION_FAILED} until it is back. The policy is the
   * settings' (build it with {@code resource.policy()}); only the connection block and
   * {@code poolSize} are read from {@code resource}.
   */
  public static PostgresReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings, PostgresOptions options) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    if (!(resource.connection() instanceof PostgresConnectionConfig pg)) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "resources[" + resource.id()
          + "].connection: must be a postgres connection block");
    }
    Properties props = properties(pg);
    props.setProperty("maxResultBuffer",
        Long.toString(resultBufferBytes(settings.policy().maxResultBytes())));
    return build(new PgPool(url(pg), props, resource.poolSize()), settings, options);
  }

  /**
   * The most bytes pgjdbc may buffer for one round trip of rows ({@code maxResultBuffer}). The
   * byte cap is checked only on rows already in memory, so without this bound a single value
   * (measured: {@code SELECT repeat('x', 1000000000)} grew the heap by 1.9 GB before the 1 MiB
   * cap refused it) could exhaust the heap. A batch this large would exceed the cap anyway: the
   * JSON of a row is never much smaller than its text on the wire (hex bytea: two thirds).
   */
  static long resultBufferBytes(long maxResultBytes) {
    return Math.max(16L << 20, 4 * maxResultBytes);
  }

  private static PostgresReadOnlyDataSource build(ConnectionSource source,
      DataSourceSettings settings, PostgresOptions options) {
    PostgresBackend backend = new PostgresBackend(source, options,
        PostgresQueryValidator.builder().defaultSchema(options.defaultSchema())
            .cacheSize(options.validationCacheSize()).build());
    try {
      return new PostgresReadOnlyDataSource(backend, settings);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** The operations a PostgreSQL resource implements. */
  public static Set<ai.causeflow.dbaccess.core.Operation> operations() {
    return PostgresOperations.ALL;
  }

  static String url(PostgresConnectionConfig pg) {
    String host = pg.host();
    if (host.isBlank() || host.contains("/") || host.contains("?")) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.host: must be a host name"
          + " or address");
    }
    if (pg.port() < 1 || pg.port() > 65535) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.port: must be between 1"
          + " and 65535, was " + pg.port());
    }
    if (pg.database().isBlank()) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.database: must not be empty");
    }
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + pg.port() + "/"
        + java.net.URLEncoder.encode(pg.database(), java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20");
  }

  static Properties properties(PostgresConnectionConfig pg) {
    Set<String> modes = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    if (!modes.contains(pg.sslMode())) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.sslMode: must be one of "
          + "disable, allow, prefer, require, verify-ca, verify-full");
    }
    if (pg.connectTimeoutMs() < 1 || pg.connectTimeoutMs() > 600_000) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.connectTimeoutMs: must be"
          + " between 1 and 600000, was " + pg.connectTimeoutMs());
    }
    Properties p = new Properties();
    p.setProperty("user", pg.user());
    p.setProperty("password", pg.password().reveal());
    p.setProperty("sslmode", pg.sslMode());
    // pgjdbc takes whole seconds; round up so that a small timeout never becomes "none" (0).
    String seconds = Long.toString(Math.max(1, (pg.connectTimeoutMs() + 999) / 1000));
    p.setProperty("connectTimeout", seconds);
    p.setProperty("loginTimeout", seconds);
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "causeflow-dbaccess");
    // Sends ApplicationName (and extra_float_digits) in the startup packet instead of a SET after
    // connecting, so that the DISCARD ALL between requests resets to it rather than to ''.
    p.setProperty("assumeMinServerVersion", "9.0");
    // The session preamble owns read-only mode; the driver's own flag is set too (BEGIN READ ONLY).
    p.setProperty("readOnlyMode", "transaction");
    return p;
  }
}
