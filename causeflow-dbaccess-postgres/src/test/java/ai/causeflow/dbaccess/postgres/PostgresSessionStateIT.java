package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TcpProxy;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session state a request could leave on a pooled connection, a NUL character in a statement, and
 * a timed-out request whose backend does not act on the cancel.
 */
class PostgresSessionStateIT {
  static TestDatabase db;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("session_state");
    db.execute("CREATE EXTENSION isn", "CREATE EXTENSION pg_trgm", "CREATE TABLE t (id int)",
        "INSERT INTO t VALUES (1)");
  }

  private static PostgresReadOnlyDataSource dataSource(PostgresConnectionConfig conn,
      Duration timeout) {
    return PostgresReadOnlyDataSource.fromConfig(PostgresResilienceIT.resource(conn, 1),
        PostgresResilienceIT.settings(timeout));
  }

  private static DbAccessException refusal(PostgresReadOnlyDataSource ds, QueryRequest r) {
    return catchThrowableOfType(DbAccessException.class, () -> ds.execute(r));
  }

  private static long backendPid(PostgresReadOnlyDataSource ds) {
    return ((Number) ds.execute(QueryRequest.query("SELECT pg_backend_pid() AS pid").build())
        .rows().get(0).get("pid")).longValue();
  }

  @Test
  void isnWeakOutlivesDiscardAllSoTheSdkRefusesIt() throws Exception {
    // the mechanism: the flag survives ROLLBACK and DISCARD ALL on a plain connection
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("SELECT isn_weak(true)");
      c.rollback();
      c.setAutoCommit(true);
      st.execute("DISCARD ALL");
      try (ResultSet rs = st.executeQuery("SELECT isn_weak()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("isn_weak survives ROLLBACK and DISCARD ALL").isTrue();
      }
      st.execute("SELECT isn_weak(false)");
    }
    try (PostgresReadOnlyDataSource ds = dataSource(db.connectionConfig(), Duration.ofSeconds(10))) {
      for (String sql : List.of("SELECT isn_weak(true)", "SELECT public.isn_weak(true)",
          "SELECT \"isn_weak\"(true)", "SELECT ISN_WEAK(1 = 1)",
          "SELECT id FROM t WHERE isn_weak(true)", "SELECT (SELECT isn_weak(true)) AS w")) {
        DbAccessException e = refusal(ds, QueryRequest.query(sql).build());
        assertThat(e).as(sql).isNotNull();
        assertThat(e.code()).as(sql).isEqualTo(ErrorCode.QUERY_BLOCKED);
        assertThat(e.getMessage()).contains("isn_weak");
      }
      // the pooled connection still refuses an ISBN with a wrong check digit (weak mode is off)
      DbAccessException invalid = refusal(ds,
          QueryRequest.query("SELECT '978-0-393-04002-0'::isbn13 AS b").build());
      assertThat(invalid.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    }
  }

  /** pg_trgm's set_limit goes through the settings machinery: the rollback undoes it. */
  @Test
  void anExtensionSettingMadeThroughTheSettingsMachineryDoesNotOutliveTheRequest() {
    try (PostgresReadOnlyDataSource ds = dataSource(db.connectionConfig(), Duration.ofSeconds(10))) {
      long pid = backendPid(ds);
      Object set = ds.execute(QueryRequest.query("SELECT set_limit(0.9) AS l").build()).rows()
          .get(0).get("l");
      assertThat(((Number) set).doubleValue()).isCloseTo(0.9, within(1e-6));
      Object after = ds.execute(QueryRequest.query("SELECT show_limit() AS l").build()).rows()
          .get(0).get("l");
      assertThat(((Number) after).doubleValue()).isCloseTo(0.3, within(1e-6));
      assertThat(backendPid(ds)).as("on the same pooled connection").isEqualTo(pid);
    }
  }

  @Test
  void aNulCharacterIsRefusedWithACodeAndThePooledConnectionSurvives() {
    try (PostgresReadOnlyDataSource ds = dataSource(db.connectionConfig(), Duration.ofSeconds(10))) {
      long pid = backendPid(ds);
      for (String sql : List.of("SELECT 'a\u0000b' AS x", "SELECT id FROM t -- \u0000",
          "SELECT id FROM t WHERE id = 1\u0000", "SELECT \"a\u0000\" FROM t")) {
        DbAccessException e = refusal(ds, QueryRequest.query(sql).build());
        assertThat(e).as(sql).isNotNull();
        assertThat(e.code()).as(sql).isEqualTo(ErrorCode.QUERY_BLOCKED);
        assertThat(e.code().retryable()).isFalse();
      }
      DbAccessException p = refusal(ds, QueryRequest.query("SELECT id FROM t WHERE $1 = 'x'")
          .parameters(List.of("secret\u0000value")).build());
      assertThat(p.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
      assertThat(p.getMessage()).contains("parameters[0]").doesNotContain("secret");
      assertThat(backendPid(ds)).as("the same pooled connection serves on").isEqualTo(pid);
    }
  }

  @Test
  void aTimedOutRequestWhoseBackendIsBlockedWritingHasItsConnectionClosed() throws Exception {
    EmbeddedPostgresServer server = db.server();
    try (TcpProxy proxy = new TcpProxy(server.host(), server.port())) {
      proxy.start();
      PostgresConnectionConfig viaProxy = new PostgresConnectionConfig("127.0.0.1",
          proxy.port(), db.name(), server.user(), Secret.of(server.password()), "disable", 5_000);
      Duration timeout = Duration.ofSeconds(1);
      try (PostgresReadOnlyDataSource ds = dataSource(viaProxy, timeout)) {
        backendPid(ds); // the pooled connection exists
        // the server's answer stalls after 64 KB: the backend blocks writing a 50 MB row that
        // nobody reads, where PostgreSQL does not act on a cancel
        proxy.stallServerAfter(64 * 1024);
        long t0 = System.nanoTime();
        DbAccessException e = refusal(ds,
            QueryRequest.query("SELECT repeat('x', 50000000) AS blob_marker").build());
        long answeredMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        System.out.println("blocked backend: TIMEOUT answered after " + answeredMs + " ms");
        // timeout + 2 s before the connection is closed under the request, + margin; without it
        // the driver waits for its network timeout (timeout + 5 s)
        assertThat(answeredMs).isLessThan(timeout.toMillis() + 4_500);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long left;
        while ((left = activeBlobQueries()) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(left).as("no backend still running the timed-out statement").isZero();
        proxy.unstall();
        assertThat(ds.execute(QueryRequest.query("SELECT id FROM t").build()).rowCount())
            .isEqualTo(1);
      }
    }
  }

  private static long activeBlobQueries() {
    return db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%blob_marker%'"
        + " AND state <> 'idle' AND pid <> pg_backend_pid()");
  }
}
