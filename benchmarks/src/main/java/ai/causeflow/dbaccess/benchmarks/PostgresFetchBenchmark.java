package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.postgres.PostgresOptions;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.PostgresConnectionConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * PostgreSQL execution overhead, same run, same embedded server, same fetch size:
 *
 * <ul>
 *   <li>{@code fetch100k*}: 100,000 rows of about 200 bytes through the data source with the
 *       default masking, without masking, and through raw JDBC (autocommit off, fetch size 500,
 *       each row read into a map with {@code getObject}).
 *   <li>{@code point*}: one row by primary key, p50 in sample-time mode: through the data source
 *       with a repeated statement (validation cached), with a statement never seen before (a
 *       fresh text each call), and raw JDBC on one pooled connection.
 * </ul>
 *
 * Run: {@code java -jar benchmarks/target/benchmarks.jar Postgres -f 1 -wi 2 -i 3 -w 5s -r 5s}.
 * Results and the machine they came from are in {@code docs/benchmarks.md}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Duser.timezone=UTC"})
public class PostgresFetchBenchmark {
  static final int ROWS = 100_000;
  static final int FETCH = 500;
  static final String ALL = "SELECT id, name, email, note, status, amount, created_at FROM bench";
  static final String ONE = ALL + " WHERE id = $1";

  EmbeddedPostgres server;
  PostgresReadOnlyDataSource masked;
  PostgresReadOnlyDataSource plain;
  PostgresReadOnlyDataSource maskedOneThread;
  PostgresReadOnlyDataSource plainOneThread;
  /** A policy with table and column rules: the relation guard and the plan's catalog lookup run. */
  PostgresReadOnlyDataSource ruled;
  Connection raw;
  Policy policy;
  final AtomicLong fresh = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    // zonky directly (not the postgres test-jar) so that every reactor phase resolves.
    server = EmbeddedPostgres.builder().start();
    execute("CREATE TABLE bench (id bigint PRIMARY KEY, name text, email text, note text,"
            + " status text, amount numeric(12,2), created_at timestamptz)",
        "INSERT INTO bench SELECT g, 'customer ' || g, 'user' || g || '@example.com',"
            + " 'order note ' || md5(g::text) || ' ' || repeat('lorem ipsum ', 6),"
            + " (ARRAY['new','paid','late','done'])[1 + g % 4], (g % 100000) / 100.0,"
            + " timestamptz '2024-01-01' + g * interval '1 minute'"
            + " FROM generate_series(1, " + ROWS + ") g",
        "VACUUM ANALYZE bench");
    policy = Policy.builder().maxRowsPerQuery(ROWS).maxResultBytes(Policy.MAX_RESULT_BYTES)
        .statementTimeout(Duration.ofSeconds(60)).build();
    PostgresConnectionConfig conn = new PostgresConnectionConfig("localhost", server.getPort(),
        "postgres", "postgres", Secret.of(""), "disable", 5_000);
    ResourceConfig rc = new ResourceConfig("bench", "postgres", "bench", conn,
        Set.of(Operation.QUERY), ROWS, 60_000, 1, List.of(), List.of(), List.of());
    PostgresOptions options = PostgresOptions.builder().fetchSize(FETCH).build();
    masked = PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("bench")
        .policy(policy).masking(Masking.defaults()).auditSink(AuditSink.discard()).build(),
        options);
    plain = PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("bench")
        .policy(policy).masking(Masking.none()).auditSink(AuditSink.discard()).build(), options);
    maskedOneThread = PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("bench")
        .policy(policy).masking(Masking.defaults()).auditSink(AuditSink.discard())
        .resultExecutor(null).build(), options);
    plainOneThread = PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("bench")
        .policy(policy).masking(Masking.none()).auditSink(AuditSink.discard())
        .resultExecutor(null).build(), options);
    ruled = PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("bench")
        .policy(policy.toBuilder().blockedTables(List.of("public.secrets"))
            .blockedColumns(List.of("public.bench.password")).build())
        .masking(Masking.none()).auditSink(AuditSink.discard()).build(), options);
    raw = server.getPostgresDatabase().getConnection();
  }

  void execute(String... statements) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException, java.io.IOException {
    masked.close();
    plain.close();
    maskedOneThread.close();
    plainOneThread.close();
    ruled.close();
    raw.close();
    server.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kMasked() {
    return fetch(masked);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kUnmasked() {
    return fetch(plain);
  }

  /** As {@link #fetch100kMasked} with every row handled on the calling thread. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kMaskedOneThread() {
    return fetch(maskedOneThread);
  }

  /** As {@link #fetch100kUnmasked} with every row handled on the calling thread. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kUnmaskedOneThread() {
    return fetch(plainOneThread);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kRawJdbc() throws SQLException {
    raw.setAutoCommit(false);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (PreparedStatement ps = raw.prepareStatement(ALL)) {
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
          names[i] = md.getColumnLabel(i + 1);
        }
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            row.put(names[i], rs.getObject(i + 1));
          }
          rows.add(row);
        }
      }
    } finally {
      raw.rollback();
      raw.setAutoCommit(true);
    }
    return rows.size();
  }

  /**
   * The floor: raw JDBC keeping each row as an {@code Object[]} of {@code getObject} values, no
   * map at all. Reported beside the map baseline so that neither flatters the ratio.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int fetch100kRawJdbcArrays() throws SQLException {
    raw.setAutoCommit(false);
    List<Object[]> rows = new ArrayList<>();
    try (PreparedStatement ps = raw.prepareStatement(ALL)) {
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Object[] row = new Object[n];
          for (int i = 0; i < n; i++) {
            row[i] = rs.getObject(i + 1);
          }
          rows.add(row);
        }
      }
    } finally {
      raw.rollback();
      raw.setAutoCommit(true);
    }
    return rows.size();
  }

  static int fetch(PostgresReadOnlyDataSource ds) {
    QueryResult r = ds.execute(QueryRequest.query(ALL).limit(ROWS).build());
    if (r.rowCount() != ROWS) {
      throw new IllegalStateException("expected " + ROWS + " rows, got " + r.rowCount());
    }
    return r.rowCount();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object pointRepeatedStatement() {
    long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
    return plain.execute(QueryRequest.query(ONE).parameters(List.of(id)).build()).rows();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object pointRepeatedStatementWithRules() {
    long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
    return ruled.execute(QueryRequest.query(ONE).parameters(List.of(id)).build()).rows();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object pointFirstSeenStatement() {
    long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
    // A new text each call: the validator cannot answer from its cache.
    String sql = ONE + " AND " + fresh.incrementAndGet() + " > 0";
    return plain.execute(QueryRequest.query(sql).parameters(List.of(id)).build()).rows();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object pointRawJdbc() throws SQLException {
    long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
    try (PreparedStatement ps = raw.prepareStatement(ALL + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (rs.next()) {
          for (int i = 1; i <= 7; i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
        }
        return row;
      }
    }
  }
}
