package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DBA reads against real sessions, real lock chains and real statistics. */
class PostgresDbaReadsIT {
  static final String LITERAL = "pii-literal-5521";
  static TestDatabase db;
  static String plainRole;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("dba");
    plainRole = "cf_plain_" + ProcessHandle.current().pid();
    db.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)"
            + " WITH (autovacuum_enabled = false)",
        "INSERT INTO accounts SELECT g, 'o' || g, g FROM generate_series(1, 1000) g",
        "CREATE INDEX accounts_owner_unused ON accounts (owner)",
        "CREATE TABLE dupes (v int)", "INSERT INTO dupes VALUES (1), (1)",
        "CREATE TABLE hidden (id int)",
        "CREATE ROLE " + plainRole + " LOGIN PASSWORD 'pw'",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + plainRole);
    try {
      db.execute("CREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON dupes (v)");
    } catch (IllegalStateException expected) {
      // leaves an INVALID index behind: what index_health must report
    }
  }

  @AfterAll
  static void tearDown() {
    db.execute("DROP OWNED BY " + plainRole, "DROP ROLE " + plainRole);
  }

  static PostgresReadOnlyDataSource ds(DataSource dataSource, Policy policy) {
    return PostgresReadOnlyDataSource.create(dataSource,
        DataSourceSettings.builder("dba").policy(policy).build());
  }

  static Policy allowing(Operation... ops) {
    return Policy.builder().allowedOperations(java.util.Set.of(ops))
        .blockedTables(List.of("public.hidden")).build();
  }

  static QueryResult run(PostgresReadOnlyDataSource ds, Operation op) {
    return ds.execute(QueryRequest.builder(op).build());
  }

  static int pid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(end);
      Thread.sleep(20);
    }
  }

  @Test
  void activityShowsOtherSessionsWithLiteralsRedacted() throws Exception {
    try (Connection other = db.connect();
        PostgresReadOnlyDataSource ds = ds(db.dataSource(), allowing(PostgresOperations.ACTIVITY))) {
      int otherPid = pid(other);
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
        try (Statement st = other.createStatement()) {
          st.execute("SELECT pg_sleep(3), '" + LITERAL + "' AS tag");
        } catch (SQLException cancelled) {
          // cancelled below
        }
      });
      Predicate<Map<String, Object>> isOther = r -> ((Number) r.get("pid")).intValue() == otherPid;
      awaitTrue(() -> run(ds, PostgresOperations.ACTIVITY).rows().stream().anyMatch(isOther));
      QueryResult r = run(ds, PostgresOperations.ACTIVITY);
      Map<String, Object> row = r.rows().stream().filter(isOther).findFirst().orElseThrow();
      assertThat(row).containsEntry("state", "active").containsEntry("wait_event", "PgSleep")
          .containsEntry("application_name", "test-inspector");
      assertThat((String) row.get("query")).contains("pg_sleep").doesNotContain(LITERAL);
      assertThat(r.rows().toString()).doesNotContain(LITERAL);
      assertThat(((Number) row.get("query_ms")).longValue()).isGreaterThanOrEqualTo(0);
      assertThat(row.get("query_start").toString()).endsWith("Z");
      try (Connection admin = db.connect(); Statement st = admin.createStatement()) {
        st.execute("SELECT pg_cancel_backend(" + otherPid + ")");
      }
      sleeping.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void locksShowTheBlockingChain() throws Exception {
    try (Connection holder = db.connect(); Connection waiter = db.connect();
        PostgresReadOnlyDataSource ds = ds(db.dataSource(), allowing(PostgresOperations.LOCKS))) {
      int holderPid = pid(holder);
      int waiterPid = pid(waiter);
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("UPDATE accounts SET balance = balance WHERE id = 1");
      }
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        try (Statement st = waiter.createStatement()) {
          st.execute("UPDATE accounts SET balance = 0 WHERE id = 1 AND owner <> '" + LITERAL
              + "'");
        } catch (SQLException e) {
          // lock_timeout of the inspection connection, or released
        }
      });
      awaitTrue(() -> !run(ds, PostgresOperations.LOCKS).rows().isEmpty());
      QueryResult r = run(ds, PostgresOperations.LOCKS);
      Map<String, Object> edge = r.rows().get(0);
      assertThat(((Number) edge.get("blocked_pid")).intValue()).isEqualTo(waiterPid);
      assertThat(((Number) edge.get("blocking_pid")).intValue()).isEqualTo(holderPid);
      assertThat(edge).containsEntry("blocking_state", "idle in transaction")
          .containsEntry("wait_event_type", "Lock").containsEntry("blocking_is_waiting", false);
      assertThat(edge.get("locktype")).isEqualTo("transactionid");
      assertThat((String) edge.get("blocked_query")).contains("UPDATE accounts")
          .doesNotContain(LITERAL);
      holder.rollback();
      blocked.get(6, TimeUnit.SECONDS);
      assertThat(run(ds, PostgresOperations.LOCKS).rows()).isEmpty();
    }
  }

  @Test
  void connectionsCountsAgainstMaxConnections() {
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(),
        allowing(PostgresOperations.CONNECTIONS))) {
      QueryResult r = run(ds, PostgresOperations.CONNECTIONS);
      assertThat(r.rows()).isNotEmpty();
      Map<String, Object> first = r.rows().get(0);
      assertThat(((Number) first.get("max_connections")).intValue()).isPositive();
      long total = ((Number) first.get("total_connections")).longValue();
      assertThat(r.rows().stream().mapToLong(x -> ((Number) x.get("connections")).longValue())
          .sum()).isEqualTo(total);
      assertThat(r.rows()).anySatisfy(x -> assertThat(x.get("application_name").toString())
          .startsWith("causeflow:"));
    }
  }

  @Test
  void tableHealthReportsDeadTuplesForAllowedTablesOnly() throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("DELETE FROM accounts WHERE id > 900");
      st.execute("SELECT count(*) FROM accounts");
      st.execute("SELECT pg_stat_force_next_flush()");
    }
    db.execute("SELECT count(*) FROM hidden");
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(),
        allowing(PostgresOperations.TABLE_HEALTH))) {
      QueryResult r = ds.execute(QueryRequest.builder(PostgresOperations.TABLE_HEALTH)
          .statement("public").build());
      Map<String, Object> acc = r.rows().stream()
          .filter(x -> x.get("table_name").equals("accounts")).findFirst().orElseThrow();
      assertThat(((Number) acc.get("dead_tuples")).longValue()).isEqualTo(100);
      assertThat(((Number) acc.get("seq_scan")).longValue()).isPositive();
      assertThat(r.rows()).noneMatch(x -> x.get("table_name").equals("hidden"));
    }
  }

  @Test
  void indexHealthFindsUnusedAndInvalidIndexes() {
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(),
        allowing(PostgresOperations.INDEX_HEALTH))) {
      QueryResult r = run(ds, PostgresOperations.INDEX_HEALTH);
      assertThat(r.rows()).anySatisfy(x -> assertThat(x).containsEntry("index_name",
          "accounts_owner_unused").containsEntry("problem", "unused"));
      assertThat(r.rows()).anySatisfy(x -> assertThat(x).containsEntry("index_name",
          "dupes_v_key").containsEntry("problem", "invalid").containsEntry("is_valid", false));
      assertThat(r.rows()).noneMatch(x -> x.get("index_name").equals("accounts_pkey"));
    }
  }

  @Test
  void replicationSaysWhenThereIsNothingToReportAndShowsSlots() {
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(),
        allowing(PostgresOperations.REPLICATION))) {
      QueryResult none = run(ds, PostgresOperations.REPLICATION);
      assertThat(none.rows()).hasSize(1);
      assertThat(none.rows().get(0)).containsEntry("kind", "none");
      assertThat(none.rows().get(0).get("note").toString()).contains("no connected replicas");
      db.execute("SELECT pg_create_physical_replication_slot('cf_test_slot', true)");
      try {
        QueryResult slots = run(ds, PostgresOperations.REPLICATION);
        assertThat(slots.rows()).anySatisfy(x -> assertThat(x).containsEntry("kind", "slot")
            .containsEntry("name", "cf_test_slot").containsEntry("state", "inactive"));
      } finally {
        db.execute("SELECT pg_drop_replication_slot('cf_test_slot')");
      }
    }
  }

  @Test
  void topStatementsWhenInstalledAndACodedErrorWhenNot() {
    TestDatabase with = EmbeddedPostgresServer.shared().createDatabase("pgss");
    with.execute("CREATE EXTENSION pg_stat_statements",
        "SELECT count(*) FROM pg_class WHERE relname = '" + LITERAL + "'");
    try (PostgresReadOnlyDataSource ds = ds(with.dataSource(),
        allowing(PostgresOperations.TOP_STATEMENTS))) {
      QueryResult r = run(ds, PostgresOperations.TOP_STATEMENTS);
      assertThat(r.rows()).isNotEmpty();
      assertThat(r.rows().get(0).get("queryid")).isInstanceOf(String.class);
      assertThat(r.metadata().masked()).isTrue();
      // masking is on, yet every query id comes back as the server has it
      java.util.Set<String> ids = new java.util.HashSet<>();
      try (java.sql.Connection c = with.connect(); java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery(
              "SELECT queryid::text FROM pg_stat_statements")) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      } catch (java.sql.SQLException e) {
        throw new AssertionError(e);
      }
      assertThat(r.rows()).allSatisfy(x -> assertThat(ids).contains((String) x.get("queryid")));
      assertThat(r.rows().get(0)).containsKeys("calls", "total_exec_ms", "mean_exec_ms", "rows");
      assertThat(r.rows().toString()).doesNotContain(LITERAL);
    }
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(),
        allowing(PostgresOperations.TOP_STATEMENTS))) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> run(ds, PostgresOperations.TOP_STATEMENTS));
      assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(e.getMessage()).contains("not installed").contains("CREATE EXTENSION");
    }
  }

  @Test
  void readsThatNeedPgMonitorSaySoInsteadOfReturningLess() {
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(plainRole, "pw"),
        allowing(PostgresOperations.ACTIVITY, PostgresOperations.LOCKS,
            PostgresOperations.CONNECTIONS, PostgresOperations.TABLE_HEALTH))) {
      for (Operation op : List.of(PostgresOperations.ACTIVITY, PostgresOperations.LOCKS,
          PostgresOperations.CONNECTIONS)) {
        DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> run(ds, op));
        assertThat(e.code()).as(op.name()).isEqualTo(ErrorCode.QUERY_FAILED);
        assertThat(e.driverCode()).contains("42501");
        assertThat(e.getMessage()).contains("pg_monitor");
      }
      assertThat(run(ds, PostgresOperations.TABLE_HEALTH).rows()).isNotEmpty();
    }
  }

  @Test
  void dbaReadsTakeNoStatement() {
    try (PostgresReadOnlyDataSource ds = ds(db.dataSource(), allowing(PostgresOperations.LOCKS))) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.builder(PostgresOperations.LOCKS)
              .statement("SELECT 1").build()));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    }
  }
}
