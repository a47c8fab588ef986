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
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TcpProxy;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Timeouts, cancel, pool exhaustion, a database that dies and comes back, connection reuse. */
class PostgresResilienceIT {
  static final String HEAVY = "SELECT count(*) FROM big a, big b, big c";
  static TestDatabase db;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("resilience");
    db.execute("CREATE TABLE big (id int)",
        "INSERT INTO big SELECT g FROM generate_series(1, 2000) g", "ANALYZE big");
  }

  static ResourceConfig resource(PostgresConnectionConfig conn, int poolSize) {
    return new ResourceConfig("res", "postgres", "res", conn, Set.of(Operation.QUERY), 100,
        30_000, poolSize, List.of(), List.of(), List.of());
  }

  static DataSourceSettings settings(Duration timeout) {
    return DataSourceSettings.builder("res").policy(Policy.builder()
        .statementTimeout(timeout).build()).auditSink(AuditSink.inMemory()).build();
  }

  static long activeHeavyQueries() {
    return db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%big a, big b%'"
        + " AND state = 'active' AND pid <> pg_backend_pid()");
  }

  static void awaitNoHeavyQuery() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (activeHeavyQueries() > 0) {
      assertThat(System.nanoTime()).as("server-side query gone").isLessThan(end);
      Thread.sleep(20);
    }
  }

  @Test
  void timeoutCancelsTheQueryAtTheServer() throws Exception {
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(
        resource(db.connectionConfig(), 1), settings(Duration.ofMillis(400)))) {
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query(HEAVY).build()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(ms).isBetween(300L, 3_000L);
      awaitNoHeavyQuery();
      assertThat(ds.execute(QueryRequest.query("SELECT count(*) AS n FROM big").build())
          .rows().get(0).get("n")).isEqualTo(2000L);
    }
  }

  @Test
  void cancelByRequestIdStopsTheServerSideQuery() throws Exception {
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(db.dataSource(),
        settings(Duration.ofSeconds(30)))) {
      CompletableFuture<QueryResult> f = CompletableFuture.supplyAsync(() -> ds.execute(
          QueryRequest.query(HEAVY).requestId("cancel-me-1").build()));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (activeHeavyQueries() == 0) {
        assertThat(System.nanoTime()).isLessThan(end);
        Thread.sleep(20);
      }
      assertThat(db.queryString("SELECT application_name FROM pg_stat_activity WHERE query LIKE"
          + " '%big a, big b%' AND pid <> pg_backend_pid()")).isEqualTo("causeflow:cancel-me-1");
      assertThat(ds.cancel("cancel-me-1")).isTrue();
      ExecutionException ex = catchThrowableOfType(ExecutionException.class,
          () -> f.get(5, TimeUnit.SECONDS));
      assertThat(((DbAccessException) ex.getCause()).code()).isEqualTo(ErrorCode.CANCELLED);
      awaitNoHeavyQuery();
    }
  }

  @Test
  void poolExhaustionIsABoundedWaitWithACode() throws Exception {
    PostgresOptions options = PostgresOptions.builder()
        .connectionWait(Duration.ofMillis(300)).build();
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(
        resource(db.connectionConfig(), 1), settings(Duration.ofSeconds(5)), options)) {
      CompletableFuture<Void> hog = CompletableFuture.runAsync(() -> {
        try {
          ds.execute(QueryRequest.query(HEAVY).requestId("hog").build());
        } catch (DbAccessException expected) {
          // cancelled below
        }
      });
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (activeHeavyQueries() == 0) {
        assertThat(System.nanoTime()).isLessThan(end);
        Thread.sleep(20);
      }
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT 1 AS x").build()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("poolSize");
      assertThat(ms).isBetween(250L, 2_000L);
      ds.cancel("hog");
      hog.get(5, TimeUnit.SECONDS);
      assertThat(ds.execute(QueryRequest.query("SELECT 1 AS x").build()).rowCount()).isOne();
    }
  }

  @Test
  void manyThreadsShareASmallPoolAndEachGetsItsOwnAnswer() throws Exception {
    PostgresOptions options = PostgresOptions.builder().connectionWait(Duration.ofSeconds(10))
        .build();
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(
        resource(db.connectionConfig(), 2), settings(Duration.ofSeconds(10)), options)) {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        workers.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 25; i++) {
            int id = 1 + (thread * 25 + i) % 2000;
            QueryResult r = ds.execute(QueryRequest.query("SELECT id FROM big WHERE id = $1")
                .parameters(List.of(id)).build());
            assertThat(r.rows()).containsExactly(java.util.Map.of("id", id));
          }
        }, java.util.concurrent.Executors.newSingleThreadExecutor()));
      }
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60,
          TimeUnit.SECONDS);
      // At most poolSize physical connections, back to their startup application_name after
      // the reset (so a DBA can still tell them apart from other clients).
      assertThat(db.queryString("SELECT string_agg(application_name, ',') FROM pg_stat_activity"
          + " WHERE datname = '" + db.name() + "' AND pid <> pg_backend_pid()"))
          .isIn("causeflow-dbaccess", "causeflow-dbaccess,causeflow-dbaccess");
    }
  }

  @Test
  void deadDatabaseFailsFastAndRecoversWhenBack() throws Exception {
    EmbeddedPostgresServer server = db.server();
    try (TcpProxy proxy = new TcpProxy(server.host(), server.port())) {
      proxy.start();
      PostgresConnectionConfig viaProxy = new PostgresConnectionConfig("127.0.0.1",
          proxy.port(), db.name(), server.user(), Secret.of(server.password()), "disable", 2_000);
      try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(
          resource(viaProxy, 2), settings(Duration.ofSeconds(5)))) {
        assertThat(ds.execute(QueryRequest.query("SELECT 1 AS x").build()).rowCount()).isOne();
        assertThat(ds.health().healthy()).isTrue();

        proxy.stop();
        long start = System.nanoTime();
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> ds.execute(QueryRequest.query("SELECT 1 AS x").build()));
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(e.driverCode().orElse("")).startsWith("08");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(e.getMessage()).doesNotContain(String.valueOf(proxy.port()));
        assertThat(ds.health().healthy()).isFalse();

        proxy.start();
        QueryResult back = ds.execute(QueryRequest.query("SELECT 1 AS x").build());
        assertThat(back.rowCount()).isOne();
        assertThat(ds.health().healthy()).isTrue();
      }
    }
  }

  @Test
  void theUsersConnectionsAreResetAndReturnedNotClosedForGood() throws Exception {
    CountingDataSource counting = new CountingDataSource(db.dataSource());
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(counting,
        settings(Duration.ofSeconds(5)))) {
      for (int i = 0; i < 3; i++) {
        ds.execute(QueryRequest.query("SELECT count(*) AS n FROM big").build());
      }
      assertThat(counting.borrowed.get()).isEqualTo(3);
      assertThat(counting.returned).hasSize(3);
      for (Connection c : counting.returned) {
        assertThat(c.isClosed()).as("returned with close()").isTrue();
      }
    }
  }

  @Test
  void driverMessagesNeverLeak() {
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(db.dataSource(),
        settings(Duration.ofSeconds(5)))) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT id FROM big WHERE id = $1")
              .parameters(List.of("leaky-value-991")).build()));
      assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(e.driverCode()).contains("22P02");
      assertThat(e.getMessage()).contains("invalid_text_representation")
          .doesNotContain("leaky-value-991");
      assertThat(e.toString()).doesNotContain("leaky-value-991");
    }
  }

  /** A user pool stand-in that records what it lent out. */
  static final class CountingDataSource implements DataSource {
    final DataSource inner;
    final AtomicInteger borrowed = new AtomicInteger();
    final List<Connection> returned = new ArrayList<>();

    CountingDataSource(DataSource inner) {
      this.inner = inner;
    }

    @Override
    public Connection getConnection() throws SQLException {
      borrowed.incrementAndGet();
      Connection c = inner.getConnection();
      synchronized (returned) {
        returned.add(c);
      }
      return c;
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
