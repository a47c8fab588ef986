package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Evidence for the session layer: what the read-only preamble really closes, what pgjdbc does with
 * {@code a; b}, and that session state does not survive into the next request.
 */
class PgSessionIT {
  static TestDatabase db;
  static PgPool pool;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("session");
    db.execute("CREATE TABLE victim (id int)", "INSERT INTO victim VALUES (1), (2)");
    Properties p = new Properties();
    p.setProperty("user", db.server().user());
    p.setProperty("password", db.server().password());
    pool = new PgPool(db.jdbcUrl(), p, 1);
  }

  @AfterAll
  static void tearDown() {
    pool.close();
  }

  static ExecutionContext ctx(String id) {
    Duration t = Duration.ofSeconds(10);
    return new ExecutionContext(id, "pg", Policy.defaults(), t, Instant.now().plus(t), 100);
  }

  static PgSession open(String id) {
    return PgSession.open(pool, ctx(id), "public", Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void afterThePreambleNothingCanSwitchTheTransactionToReadWrite() throws SQLException {
    try (PgSession s = open("rw-1")) {
      Connection c = s.connection();
      try (Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.execute("SET TRANSACTION READ WRITE"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25001"));
      }
    }
    try (PgSession s = open("rw-2")) {
      try (Statement st = s.connection().createStatement()) {
        assertThatThrownBy(() -> st.execute("SET LOCAL transaction_read_only = off"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25001"));
      }
    }
    try (PgSession s = open("rw-3")) {
      try (Statement st = s.connection().createStatement()) {
        assertThatThrownBy(() -> st.execute("INSERT INTO victim VALUES (3)"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
      }
    }
    assertThat(db.queryLong("SELECT count(*) FROM victim")).isEqualTo(2);
  }

  @Test
  void withoutTheSnapshotQueryReadWriteCouldBeRestored() throws SQLException {
    // The control experiment: the door the trailing SELECT 1 closes is really there.
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION READ ONLY");
        st.execute("SET TRANSACTION READ WRITE");
        st.execute("INSERT INTO victim VALUES (99)");
      }
      c.rollback();
    }
    assertThat(db.queryLong("SELECT count(*) FROM victim")).isEqualTo(2);
  }

  @Test
  void anExplicitBeginReadOnlyWithAutocommitOffTakesEffect() throws SQLException {
    // Verified rather than assumed: pgjdbc does not put its own BEGIN in front of a statement that
    // is itself a BEGIN, so BEGIN READ ONLY works with autocommit off. The preamble still uses
    // SET TRANSACTION READ ONLY, which does not depend on that driver detail.
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("BEGIN READ ONLY");
        try (ResultSet rs = st.executeQuery("SELECT current_setting('transaction_read_only')")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("on");
        }
      }
      c.rollback();
    }
  }

  @Test
  void aSuperuserSessionHasATempFileLimitForThisTransactionOnly() throws SQLException {
    // the statement timeout does not bound the disk: one spilling sort wrote 3 GB in 15 s
    try (PgSession s = open("req-temp"); Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('temp_file_limit'),"
            + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
      rs.next();
      assertThat(rs.getBoolean(2)).as("this fixture connects as a superuser").isTrue();
      assertThat(rs.getString(1)).isEqualTo("1GB");
    }
    try (PgSession s = open("req-temp-3"); Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('temp_file_limit')")) {
      rs.next();
      assertThat(rs.getString(1)).as("set per transaction, not left on the connection")
          .isEqualTo("1GB");
    }
    String serverDefault;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('temp_file_limit')")) {
      rs.next();
      serverDefault = rs.getString(1);
    }
    assertThat(serverDefault).isNotEqualTo("1GB");
    // the pool's single connection, just used by the sessions above, is back to the default
    ConnectionSource.Acquired a = pool.acquire(Duration.ofSeconds(2));
    assertThat(a.reused()).isTrue();
    try (Statement st = a.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('temp_file_limit')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(serverDefault);
    } finally {
      pool.release(a.connection(), true);
    }
  }

  @Test
  void preambleSetsTimeoutsApplicationNameAndSearchPath() throws SQLException {
    try (PgSession s = open("req-42.a:b");
        Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('transaction_read_only'),"
            + " current_setting('statement_timeout'), current_setting('lock_timeout'),"
            + " current_setting('application_name'), current_setting('search_path'),"
            + " current_setting('IntervalStyle'),"
            + " current_setting('idle_in_transaction_session_timeout')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("on");
      assertThat(rs.getString(2)).isEqualTo("10s");
      assertThat(rs.getString(3)).isEqualTo("2s");
      assertThat(rs.getString(4)).isEqualTo("causeflow:req-42.a:b");
      assertThat(rs.getString(5)).isEqualTo("pg_catalog, public, pg_temp");
      assertThat(rs.getString(6)).isEqualTo("iso_8601");
      assertThat(rs.getString(7)).isEqualTo("15s");
    }
  }

  @Test
  void pgjdbcRunsBothHalvesOfASemicolonStringInAPreparedStatement() throws SQLException {
    // Why the validator's lexer must refuse more than one statement: the driver would run them.
    try (Connection c = db.connect()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1; CREATE TABLE evidence_split (id int)")) {
        ps.execute();
      }
    }
    assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'evidence_split'"))
        .isEqualTo(1);
    // And inside our read-only transaction a COMMIT in the middle ends it, so the write that
    // follows runs in a fresh read-write transaction (unless the role's default forbids it).
    try (PgSession s = open("split-2");
        PreparedStatement ps = s.connection().prepareStatement(
            "COMMIT; CREATE TABLE evidence_commit (id int)")) {
      ps.execute();
    } catch (SQLException expected) {
      // pgjdbc may report the CREATE's outcome; what matters is checked below.
    }
    assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'evidence_commit'"))
        .isEqualTo(1);
    db.execute("DROP TABLE evidence_split", "DROP TABLE evidence_commit");
  }

  @Test
  void sessionStateIsResetBeforeTheConnectionIsReused() throws SQLException {
    int pid;
    try (PgSession s = open("state-1"); Statement st = s.connection().createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      st.execute("SELECT pg_advisory_lock(4242)"); // session-level: outlives ROLLBACK
      st.execute("PREPARE leftover AS SELECT 1"); // not transactional
      st.execute("SELECT set_config('work_mem', '77MB', false)");
    }
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            + " AND pid = " + pid)) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    try (PgSession s = open("state-2"); Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid(),"
            + " (SELECT count(*) FROM pg_prepared_statements), current_setting('work_mem')")) {
      rs.next();
      assertThat(rs.getInt(1)).as("same physical connection (pool of one)").isEqualTo(pid);
      assertThat(rs.getInt(2)).isZero();
      assertThat(rs.getString(3)).isNotEqualTo("77MB");
    }
    assertThat(pool.idleCount()).isEqualTo(1);
  }

  @Test
  void aBrokenConnectionIsDiscardedNotReused() throws SQLException {
    int pid;
    try (PgSession s = open("broken-1"); Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
    // The idle connection is dead now; the next open notices, discards it and uses a fresh one.
    try (PgSession s = open("broken-2"); Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      assertThat(rs.getInt(1)).isNotEqualTo(pid);
    }
  }
}
