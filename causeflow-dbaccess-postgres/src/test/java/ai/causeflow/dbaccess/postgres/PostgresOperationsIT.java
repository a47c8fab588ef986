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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** explain, list_tables and describe_table against a real schema. */
class PostgresOperationsIT {
  static TestDatabase db;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("ops");
    db.execute("CREATE SCHEMA billing",
        "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL,"
            + " password_hash text DEFAULT 'x', created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " customer_id bigint NOT NULL REFERENCES customers(id), status text,"
            + " total numeric(12,2))",
        "CREATE INDEX orders_status_idx ON orders (status) WHERE status <> 'done'",
        "CREATE UNIQUE INDEX customers_email_key ON customers (lower(email))",
        "CREATE TABLE billing.invoices (id int PRIMARY KEY, amount numeric)",
        "CREATE VIEW late_orders AS SELECT * FROM orders WHERE status = 'late'",
        "CREATE TABLE secrets (k text)",
        "INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 500) g",
        "INSERT INTO orders (customer_id, status, total) SELECT 1 + g % 500, 'late', g"
            + " FROM generate_series(1, 2000) g",
        "ANALYZE");
  }

  static PostgresReadOnlyDataSource ds(Policy policy) {
    return PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder("ops").policy(policy).build());
  }

  @Test
  void explainReturnsTheJsonPlanWithBoundParametersOrAGenericPlan() {
    try (PostgresReadOnlyDataSource ds = ds(Policy.defaults())) {
      QueryResult bound = ds.explain("SELECT * FROM orders WHERE customer_id = $1",
          List.of(7));
      assertThat(bound.columns()).extracting(c -> c.name()).containsExactly("plan");
      @SuppressWarnings("unchecked")
      Map<String, Object> top = (Map<String, Object>) ((List<Object>) bound.rows().get(0)
          .get("plan")).get(0);
      assertThat(top).containsKey("Plan");
      assertThat(top.toString()).contains("customer_id").doesNotContain("Actual");

      DbAccessException noValues = catchThrowableOfType(DbAccessException.class,
          () -> ds.explain("SELECT * FROM orders WHERE customer_id = $1"));
      assertThat(noValues.code()).isEqualTo(ErrorCode.INVALID_PARAMS);

      // Never executed: a plan of a statement that would run for minutes comes back at once.
      long start = System.nanoTime();
      ds.explain("SELECT count(*) FROM orders a, orders b, orders c, orders d");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }
  }

  @Test
  void explainGoesThroughTheValidator() {
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .blockedTables(List.of("public.secrets")).build())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.explain("SELECT * FROM secrets"));
      assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      DbAccessException w = catchThrowableOfType(DbAccessException.class,
          () -> ds.explain("DELETE FROM orders"));
      assertThat(w.code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
      DbAccessException a = catchThrowableOfType(DbAccessException.class,
          () -> ds.explain("EXPLAIN ANALYZE DELETE FROM orders"));
      assertThat(a.code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    }
    assertThat(db.queryLong("SELECT count(*) FROM orders")).isEqualTo(2000);
  }

  @Test
  void listTablesShowsOnlyWhatThePolicyAllows() {
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .blockedTables(List.of("public.secrets")).build())) {
      QueryResult all = ds.listTables();
      assertThat(all.rows()).extracting(r -> r.get("schema") + "." + r.get("name"))
          .containsExactly("billing.invoices", "public.customers", "public.late_orders",
              "public.orders");
      Map<String, Object> orders = all.rows().get(3);
      assertThat(orders).containsEntry("kind", "table").containsEntry("estimated_rows", 2000L);
      assertThat(((Number) orders.get("size_bytes")).longValue()).isPositive();
      assertThat(all.rows().get(2)).containsEntry("kind", "view");
      assertThat(ds.listTables("billing").rows()).extracting(r -> r.get("name"))
          .containsExactly("invoices");
      assertThat(ds.listTables("\"billing\"").rowCount()).isEqualTo(1);
      DbAccessException bad = catchThrowableOfType(DbAccessException.class,
          () -> ds.listTables("x'; DROP TABLE orders; --"));
      assertThat(bad.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    }
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .allowedTables(List.of("billing.*")).build())) {
      assertThat(ds.listTables().rows()).extracting(r -> r.get("name"))
          .containsExactly("invoices");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void describeTableGivesColumnsKeysIndexesAndForeignKeys() {
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .blockedColumns(List.of("public.customers.password_hash")).build())) {
      Map<String, Object> orders = ds.describeTable("orders").rows().get(0);
      assertThat(orders).containsEntry("schema", "public").containsEntry("name", "orders")
          .containsEntry("kind", "table").containsEntry("estimated_rows", 2000L)
          .containsEntry("primary_key", List.of("id"));
      List<Map<String, Object>> cols = (List<Map<String, Object>>) orders.get("columns");
      assertThat(cols).extracting(c -> c.get("name"))
          .containsExactly("id", "customer_id", "status", "total");
      assertThat(cols.get(0)).containsEntry("type", "bigint").containsEntry("nullable", false)
          .containsEntry("identity", "always");
      assertThat(cols.get(3)).containsEntry("type", "numeric(12,2)")
          .containsEntry("nullable", true);
      List<Map<String, Object>> idx = (List<Map<String, Object>>) orders.get("indexes");
      assertThat(idx).extracting(i -> i.get("name"))
          .containsExactly("orders_pkey", "orders_status_idx");
      assertThat(idx.get(1).get("definition").toString()).contains("WHERE (status <> 'done'");
      List<Map<String, Object>> fks = (List<Map<String, Object>>) orders.get("foreign_keys");
      assertThat(fks).hasSize(1);
      assertThat(fks.get(0)).containsEntry("columns", List.of("customer_id"))
          .containsEntry("references_table", "public.customers")
          .containsEntry("references_columns", List.of("id"));

      Map<String, Object> customers = ds.describeTable("public.customers").rows().get(0);
      List<Map<String, Object>> ccols = (List<Map<String, Object>>) customers.get("columns");
      Map<String, Object> pw = ccols.get(2);
      assertThat(pw).containsEntry("name", "password_hash").containsEntry("blocked", true);
      assertThat(pw.get("default")).isNull();
      assertThat(ccols.get(3).get("default")).isEqualTo("now()");
      List<Map<String, Object>> cidx = (List<Map<String, Object>>) customers.get("indexes");
      assertThat(cidx.get(1)).containsEntry("unique", true)
          .containsEntry("columns", List.of("(expression)"));

      DbAccessException missing = catchThrowableOfType(DbAccessException.class,
          () -> ds.describeTable("nope"));
      assertThat(missing.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(missing.driverCode()).contains("42P01");
    }
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .blockedTables(List.of("public.secrets")).build())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.describeTable("secrets"));
      assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      DbAccessException sys = catchThrowableOfType(DbAccessException.class,
          () -> ds.describeTable("a.b.c"));
      assertThat(sys.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    }
  }

  @Test
  void operationsMustBeAllowedByName() {
    try (PostgresReadOnlyDataSource ds = ds(Policy.builder()
        .allowedOperations(Set.of(Operation.QUERY)).build())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.builder(PostgresOperations.LOCKS).build()));
      assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);
      DbAccessException x = catchThrowableOfType(DbAccessException.class,
          () -> ds.explain("SELECT 1"));
      assertThat(x.code()).isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);
    }
    DbAccessException unknown = catchThrowableOfType(DbAccessException.class,
        () -> ds(Policy.builder().allowedOperations(Set.of(Operation.of("vacuum"))).build()));
    assertThat(unknown.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
  }

  /** Errors an agent can act on: they name its own mistake and the limit, never a value. */
  @Test
  void errorsNameTheCallersIdentifierAndTheLimitButNoValue() {
    ai.causeflow.dbaccess.core.audit.AuditSink.InMemory audit =
        ai.causeflow.dbaccess.core.audit.AuditSink.inMemory();
    PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder("ops").policy(Policy.builder()
            .statementTimeout(java.time.Duration.ofSeconds(10)).build()).auditSink(audit)
            .build());
    // a short timeout only where the timeout is the point (a busy machine can take 300 ms for
    // a first-seen statement)
    PostgresReadOnlyDataSource quick = PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder("ops").policy(Policy.builder()
            .statementTimeout(java.time.Duration.ofMillis(300)).build()).auditSink(audit)
            .build());
    try (ds; quick) {
      DbAccessException column = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT emial FROM customers").build()));
      assertThat(column.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(column.driverCode()).contains("42703");
      assertThat(column.getMessage()).contains("column 'emial' does not exist")
          .contains("describe_table");
      assertThat(audit.last().detail()).contains("column 'emial' does not exist");

      DbAccessException function = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT lenght(email) FROM customers").build()));
      assertThat(function.getMessage()).contains("function 'lenght' does not exist");

      // the caller's own identifier is echoed only through the masking stage
      DbAccessException card = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT \"4111111111111111\" FROM customers")
              .build()));
      assertThat(card.driverCode()).contains("42703");
      assertThat(card.getMessage()).doesNotContain("4111111111111111")
          .contains("****-****-****-****");
      assertThat(audit.last().detail()).doesNotContain("4111111111111111");

      // a value from the database or the parameters never appears
      DbAccessException cast = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT email::int FROM customers WHERE id = $1")
              .parameters(List.of(1)).build()));
      assertThat(cast.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(cast.getMessage()).doesNotContain("c1@example.com").doesNotContain("@");

      DbAccessException malformed = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT id FROM customers WHERE").build()));
      assertThat(malformed.code()).isEqualTo(ErrorCode.QUERY_INVALID);
      assertThat(malformed.getMessage()).contains("does not parse");

      DbAccessException timeout = catchThrowableOfType(DbAccessException.class,
          () -> quick.execute(QueryRequest.query(
              "SELECT count(*) FROM orders a, orders b, orders c").build()));
      assertThat(timeout.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(timeout.getMessage()).contains("statementTimeout (300 ms)");
    }
    DbAccessException closed = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT 1").build()));
    assertThat(closed.code()).isEqualTo(ErrorCode.DATA_SOURCE_CLOSED);
    assertThat(closed.retryable()).isFalse();
    assertThat(closed.getMessage()).contains("closed");
  }

  /**
   * Both entry points behave the same: a data source built from a configuration file enforces
   * the resource's policy and masks, whether built from the whole file or from one resource and
   * default settings (the case a new user tripped over: 1,000 unmasked rows of a blocked table).
   */
  @Test
  void fromConfigAppliesTheResourcePolicyAndMasks() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    ai.causeflow.dbaccess.core.config.DataSourcesConfig config =
        ai.causeflow.dbaccess.core.config.ConfigLoader.builder()
            .connection(PostgresConnectionConfig.TYPE, PostgresConnectionConfig::parse).build()
            .parse("""
            resources:
              - id: main-pg
                type: postgres
                connection: {host: %s, port: %d, database: %s, user: %s, password: "${PW}",
                             sslMode: disable}
                maxRowsPerQuery: 5
                blockedTables: ["public.secrets"]
            audit: {output: stderr}
            """.formatted(server.host(), server.port(), db.name(), server.user()),
            Map.of("PW", server.password()));
    ai.causeflow.dbaccess.core.config.ResourceConfig rc = config.resource("main-pg").orElseThrow();
    for (PostgresReadOnlyDataSource ds : List.of(
        PostgresReadOnlyDataSource.fromConfig(config, "main-pg"),
        PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("main-pg").build()))) {
      try (ds) {
        QueryResult r = ds.execute(QueryRequest.query("SELECT id, email FROM customers").build());
        assertThat(r.rowCount()).isEqualTo(5);
        assertThat(r.metadata().masked()).isTrue();
        assertThat(r.toString()).doesNotContain("@example.com");
        DbAccessException blocked = catchThrowableOfType(DbAccessException.class,
            () -> ds.execute(QueryRequest.query("SELECT * FROM secrets").build()));
        assertThat(blocked.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      }
    }
  }
}
