package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated role, applied to a real server: privileges are the hard wall. */
class PostgresLeastPrivilegeIT {
  static TestDatabase db;
  static String role;

  @BeforeAll
  static void setUp() throws SQLException {
    db = EmbeddedPostgresServer.shared().createDatabase("leastpriv");
    role = "cf_ro_" + ProcessHandle.current().pid();
    db.execute("CREATE SCHEMA billing", "CREATE TABLE public.orders (id int, total int)",
        "INSERT INTO public.orders VALUES (1, 10)", "CREATE TABLE billing.invoices (id int)",
        "CREATE SCHEMA internal", "CREATE TABLE internal.keys (k text)",
        "CREATE TABLE public.secret_tokens (t text)", "CREATE TABLE public.secret_2 (t text)",
        "CREATE TABLE public.secretary (t text)", "CREATE TABLE billing.cards (pan text)",
        "CREATE VIEW public.secret_view AS SELECT 1 AS x");
    List<String> sql = PostgresRoleSql.statements(role, List.of("public", "billing"),
        PostgresRoleSql.Options.builder(db.name()).password(Secret.of("pw-1"))
            .blockedTables(List.of("public.secret_*", "BILLING.cards")).build());
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
    // Created after the grants: readable through ALTER DEFAULT PRIVILEGES.
    db.execute("CREATE TABLE billing.later (id int)");
  }

  @AfterAll
  static void tearDown() {
    db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
  }

  static Connection asRole() throws SQLException {
    return db.dataSource(role, "pw-1").getConnection();
  }

  static String sqlState(ThrowingRunnable r) {
    try {
      r.run();
      return "none";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  interface ThrowingRunnable {
    void run() throws SQLException;
  }

  @Test
  void theRoleReadsButCannotWriteEvenWhenItLiftsReadOnly() throws SQLException {
    try (Connection c = asRole(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT current_setting('default_transaction_read_only'),"
          + " current_setting('statement_timeout'), current_setting('lock_timeout'),"
          + " current_setting('idle_in_transaction_session_timeout'),"
          + " (SELECT count(*) FROM public.orders), (SELECT count(*) FROM billing.later)")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("on");
        assertThat(rs.getString(2)).isEqualTo("30s");
        assertThat(rs.getString(3)).isEqualTo("5s");
        assertThat(rs.getString(4)).isEqualTo("1min");
        assertThat(rs.getInt(5)).isEqualTo(1);
        assertThat(rs.getInt(6)).isZero();
      }
      assertThat(sqlState(() -> st.execute("INSERT INTO orders VALUES (2, 20)")))
          .isEqualTo("25006");
      // The role may change its own session default; privileges still stop every write.
      st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
      assertThat(sqlState(() -> st.execute("INSERT INTO orders VALUES (2, 20)")))
          .isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("UPDATE orders SET total = 0"))).isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("DELETE FROM orders"))).isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("CREATE TABLE public.evil (id int)")))
          .isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("DROP TABLE orders"))).isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("SELECT * FROM internal.keys"))).isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("COPY orders TO PROGRAM 'true'"))).isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("SELECT pg_read_file('/etc/hostname')")))
          .isEqualTo("42501");
      assertThat(sqlState(() -> st.execute("ALTER SYSTEM SET work_mem = '1GB'")))
          .isEqualTo("42501");
    }
    assertThat(db.queryLong("SELECT count(*) FROM orders")).isEqualTo(1);
  }

  @Test
  void theDbaReadsSeeOtherSessionsThroughPgMonitor() throws Exception {
    try (Connection other = db.connect();
        PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(
            db.dataSource(role, "pw-1"), DataSourceSettings.builder("lp").policy(Policy.builder()
                .allowedOperations(Set.of(Operation.QUERY, PostgresOperations.ACTIVITY)).build())
                .build())) {
      CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
        try (Statement st = other.createStatement()) {
          st.execute("SELECT pg_sleep(2) AS visible_marker");
        } catch (SQLException ignored) {
          // cancelled below
        }
      });
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      Map<String, Object> seen = null;
      while (seen == null) {
        assertThat(System.nanoTime()).isLessThan(end);
        QueryResult r = ds.execute(QueryRequest.builder(PostgresOperations.ACTIVITY).build());
        seen = r.rows().stream().filter(x -> String.valueOf(x.get("query"))
            .contains("visible_marker")).findFirst().orElse(null);
        Thread.sleep(20);
      }
      assertThat(seen.get("user_name")).isEqualTo(db.server().user());
      assertThat(seen.get("state")).isEqualTo("active");
      db.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE"
          + " '%visible_marker%' AND pid <> pg_backend_pid()");
      f.get(5, TimeUnit.SECONDS);
      assertThat(ds.execute(QueryRequest.query("SELECT total FROM orders").build()).rows())
          .containsExactly(Map.of("total", 10));
    }
    assertThatThrownBy(() -> asRole().createStatement().execute(
        "SELECT * FROM internal.keys")).isInstanceOf(SQLException.class);
  }

  @Test
  void blockedTablesGetNoSelect() throws SQLException {
    try (Connection c = asRole(); Statement st = c.createStatement()) {
      for (String blocked : List.of("public.secret_tokens", "public.secret_2",
          "public.secret_view", "billing.cards")) {
        assertThat(sqlState(() -> st.execute("SELECT * FROM " + blocked))).as(blocked)
            .isEqualTo("42501");
      }
      // '_' in a glob is a literal underscore, not LIKE's any-character
      assertThat(sqlState(() -> st.execute("SELECT * FROM public.secretary"))).isEqualTo("none");
      assertThat(sqlState(() -> st.execute("SELECT * FROM billing.invoices"))).isEqualTo("none");
    }
  }
}
