package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.TableInfo;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.ValueModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every backend passes, run against a real server by each backend module (and
 * against {@link InMemoryBackend} in this module). A backend test extends it, seeds
 * {@link ContractDataset} into its server, and supplies the backend-specific statements.
 *
 * <pre>{@code
 * class PostgresContractIT extends ReadOnlyDataSourceContract {
 *   protected ReadOnlyDataSource createDataSource(DataSourceSettings s) {
 *     return PostgresReadOnlyDataSource.create(server.dataSource(), s);
 *   }
 *   protected String selectAllItems() { return "SELECT id, name, email, note FROM items ORDER BY id"; }
 *   ...
 * }
 * }</pre>
 *
 * <p>Every error-path test checks the code and that {@link ContractDataset#SECRET_VALUE} and the
 * bound parameter values are absent from the message and from every audit event.
 *
 * <p>Thread-safety: a JUnit test class; one instance per test method.
 */
public abstract class ReadOnlyDataSourceContract {

  /** A data source over the server holding {@link ContractDataset}, with these settings. */
  protected abstract ReadOnlyDataSource createDataSource(DataSourceSettings settings);

  /** A data source whose database cannot be reached (e.g. a closed port). */
  protected abstract ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings);

  /** The items table as the policy names it (e.g. {@code public.items}). */
  protected abstract String itemsTable();

  /** The secrets table as the policy names it. */
  protected abstract String secretsTable();

  /** All items, ordered by id, columns {@link ContractDataset#ITEM_COLUMNS}. */
  protected abstract String selectAllItems();

  /** The item whose id is the first bound parameter. */
  protected abstract String selectItemById();

  /** The parameter value that selects item {@code id} with {@link #selectItemById()}. */
  protected Object itemIdParameter(int id) {
    return (long) id;
  }

  /** Everything in the secrets table. */
  protected abstract String selectSecrets();

  /** Statements that would write, change the session, or run code; each must be refused. */
  protected abstract List<String> writeAttempts();

  /** A statement the validator accepts that runs for seconds unless cancelled; null if none. */
  protected abstract @Nullable String slowQuery();

  /**
   * A statement that fails at the database with an error whose driver message would quote
   * {@code secret} (e.g. a failed cast of that literal).
   */
  protected abstract String failingQueryQuoting(String secret);

  /** The number of items, read directly from the server, bypassing the library. */
  protected abstract long countItemsDirectly();

  /**
   * Whether the server answers {@code explain} (the in-process MongoDB test server does not); when
   * false, {@code explainDoesNotReturnData} is skipped, not passed, and explain is left out of the
   * value-model check.
   */
  protected boolean supportsExplain() {
    return true;
  }

  /**
   * How this backend's query plans let the pipeline apply {@code blockedColumns}:
   * {@link QueryPlan.ColumnScope#DECLARED} (the default: a query reading a blocked column is
   * refused with {@code COLUMN_NOT_ALLOWED}) or {@link QueryPlan.ColumnScope#DOCUMENTS} (the
   * blocked field is removed from every row).
   */
  protected QueryPlan.ColumnScope columnScope() {
    return QueryPlan.ColumnScope.DECLARED;
  }

  /**
   * A query whose text holds {@code literal} as a value (SQL: {@code ... WHERE name = 'literal'};
   * MongoDB: {@code {"find": "items", "filter": {"name": "literal"}}}), for the redaction test;
   * null if the backend has no statement text.
   */
  protected @Nullable String queryWithLiteral(String literal) {
    return null;
  }

  /**
   * Whether {@code describe_table} lists every column of the items table (true for SQL and for
   * schemas inferred from sampled documents; false where only key attributes are declared, as in
   * DynamoDB).
   */
  protected boolean describesEveryColumn() {
    return true;
  }

  /** The codes a refused write may carry for this backend. */
  protected Set<ErrorCode> writeRefusalCodes() {
    return Set.of(ErrorCode.QUERY_BLOCKED, ErrorCode.OPERATION_NOT_ALLOWED,
        ErrorCode.TABLE_NOT_ALLOWED);
  }

  // ---- helpers ----

  protected final AuditSink.InMemory audit = AuditSink.inMemory();

  /**
   * Settings for the contract's checks: masking explicitly off, because most checks compare
   * values read back with the data set ({@link #defaultSettingsMaskAndRecordIt} covers the
   * default).
   */
  protected DataSourceSettings settings(Policy policy) {
    return DataSourceSettings.builder("contract").policy(policy).masking(Masking.none())
        .auditSink(audit).build();
  }

  protected DataSourceSettings settings() {
    return settings(Policy.defaults());
  }

  private QueryResult query(ReadOnlyDataSource ds, String statement, @Nullable Integer limit) {
    return ds.execute(QueryRequest.query(statement).limit(limit).build());
  }

  private void assertNoSecretsIn(DbAccessException e, String... secrets) {
    for (String s : secrets) {
      assertThat(e.getMessage()).doesNotContain(s);
      assertThat(e.toString()).doesNotContain(s);
    }
    for (AuditEvent ev : audit.events()) {
      String line = new String(JsonLinesAuditSink.toJsonLine(ev), StandardCharsets.UTF_8);
      for (String s : secrets) {
        assertThat(line).doesNotContain(s);
      }
    }
  }

  // ---- the contract ----

  @Test
  void readsAllRowsWithColumnsInOrder() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult r = query(ds, selectAllItems(), null);
      assertThat(r.rowCount()).isEqualTo(ContractDataset.ITEM_COUNT);
      assertThat(r.truncated()).isFalse();
      assertThat(r.columns()).extracting(c -> c.name()).containsExactlyElementsOf(
          ContractDataset.ITEM_COLUMNS);
      assertThat(r.rows().get(0)).containsEntry("email", ContractDataset.email(1));
      assertThat(((Number) Objects.requireNonNull(r.rows().get(49).get("id"))).longValue()).isEqualTo(50L);
      assertThat(r.metadata().resourceId()).isEqualTo("contract");
      assertThat(r.metadata().masked()).isFalse();
    }
  }

  @Test
  void defaultSettingsMaskAndRecordIt() {
    try (ReadOnlyDataSource ds = createDataSource(DataSourceSettings.builder("contract")
        .auditSink(audit).build())) {
      QueryResult r = query(ds, selectAllItems(), null);
      assertThat(r.metadata().masked()).isTrue();
      assertThat(r.rows().get(0).get("email")).isNotEqualTo(ContractDataset.email(1));
      assertThat(r.toString()).doesNotContain(ContractDataset.email(1));
      assertThat(audit.last().masked()).isTrue();
    }
  }

  @Test
  void bindsParametersAndNeverAuditsThem() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult r = ds.execute(QueryRequest.query(selectItemById())
          .parameters(List.of(itemIdParameter(37))).build());
      assertThat(r.rowCount()).isEqualTo(1);
      assertThat(r.rows().get(0)).containsEntry("email", ContractDataset.email(37));
      String line = new String(JsonLinesAuditSink.toJsonLine(audit.last()),
          StandardCharsets.UTF_8);
      assertThat(line).doesNotContain(ContractDataset.email(37)).doesNotContain("item-37");
      assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.OK);
      assertThat(audit.last().rowCount()).isEqualTo(1);
    }
  }

  @Test
  void refusesEveryWriteAndNothingChanges() {
    long before = countItemsDirectly();
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      for (String write : writeAttempts()) {
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> query(ds, write, null));
        assertThat(e).as("refusal of: %s", write).isNotNull();
        assertThat(e.code()).as("code for: %s", write).isIn(writeRefusalCodes());
        assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.REFUSED);
      }
      assertThat(query(ds, selectAllItems(), null).rowCount())
          .isEqualTo(ContractDataset.ITEM_COUNT);
    }
    assertThat(countItemsDirectly()).isEqualTo(before);
  }

  @Test
  void honoursTableAllowAndBlockLists() {
    Policy allowOnlyItems = Policy.builder().allowedTables(List.of(itemsTable())).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(allowOnlyItems))) {
      assertThat(query(ds, selectAllItems(), 1).rowCount()).isEqualTo(1);
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, selectSecrets(), null));
      assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      assertNoSecretsIn(e, ContractDataset.SECRET_VALUE);
    }
    Policy blockSecrets = Policy.builder().blockedTables(List.of(secretsTable())).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(blockSecrets))) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, selectSecrets(), null));
      assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      assertThat(e.getMessage()).contains("blockedTables");
      assertThat(audit.last().reason()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      QueryResult tables = ds.listTables();
      assertThat(tables.rows().toString()).doesNotContain(tableNameOf(secretsTable()));
    }
  }

  @Test
  void honoursBlockedColumns() {
    Policy p = Policy.builder().blockedColumns(List.of(itemsTable() + ".email")).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      if (columnScope() == QueryPlan.ColumnScope.DOCUMENTS) {
        // documents: the blocked field is removed from every row, the rest is returned
        QueryResult r = query(ds, selectAllItems(), null);
        assertThat(r.rowCount()).isEqualTo(ContractDataset.ITEM_COUNT);
        assertThat(r.rows()).allSatisfy(row -> assertThat(row).doesNotContainKey("email")
            .containsKey("name"));
        assertThat(ValueJson.toJson(r.rows())).doesNotContain(ContractDataset.email(1));
        assertThat(r.columns()).extracting(c -> c.name()).doesNotContain("email");
        return;
      }
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, selectAllItems(), null));
      assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
      assertNoSecretsIn(e, ContractDataset.email(1));
    }
  }

  @Test
  void refusesOperationsOutsideThePolicyBeforeTheDatabase() {
    Policy p = Policy.builder().allowedOperations(Set.of(Operation.LIST_TABLES)).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      assertThatThrownBy(() -> query(ds, selectAllItems(), null))
          .isInstanceOf(DbAccessException.class)
          .extracting(e -> ((DbAccessException) e).code())
          .isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);
      assertThatThrownBy(() -> ds.describeTable(itemsTable()))
          .extracting(e -> ((DbAccessException) e).code())
          .isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);
      assertThat(ds.listTables().rowCount()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void rowCapReportsTruncation() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult five = query(ds, selectAllItems(), 5);
      assertThat(five.rowCount()).isEqualTo(5);
      assertThat(five.truncated()).isTrue();
      assertThat(five.metadata().rowLimit()).isEqualTo(5);
      assertThat(five.metadata().truncatedBy()).isEqualTo("rows");

      QueryResult exact = query(ds, selectAllItems(), ContractDataset.ITEM_COUNT);
      assertThat(exact.rowCount()).isEqualTo(ContractDataset.ITEM_COUNT);
      assertThat(exact.truncated()).isFalse();
    }
    Policy ten = Policy.builder().maxRowsPerQuery(10).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(ten))) {
      QueryResult clamped = query(ds, selectAllItems(), 100_000);
      assertThat(clamped.rowCount()).isEqualTo(10);
      assertThat(clamped.truncated()).isTrue();
      assertThat(clamped.metadata().rowLimit()).isEqualTo(10);
    }
  }

  @Test
  void byteCapStopsReading() {
    Policy small = Policy.builder().maxResultBytes(1_024).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(small))) {
      QueryResult r = query(ds, selectAllItems(), null);
      assertThat(r.rowCount()).isGreaterThan(0).isLessThan(ContractDataset.ITEM_COUNT);
      assertThat(r.truncated()).isTrue();
      assertThat(r.metadata().truncatedBy()).isEqualTo("bytes");
      assertThat(r.rows().toString().length()).isLessThanOrEqualTo(1_024);
    }
  }

  @Test
  void timesOutAndStaysUsable() {
    String slow = slowQuery();
    Assumptions.assumeTrue(slow != null, "backend has no slow statement to test with");
    Policy p = Policy.builder().statementTimeout(Duration.ofMillis(300)).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, Objects.requireNonNull(slow), null));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.retryable()).isTrue();
      assertThat(ms).isLessThan(10_000);
      assertThat(audit.last().reason()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(query(ds, selectAllItems(), 3).rowCount()).isEqualTo(3);
    }
  }

  @Test
  void cancelStopsARunningRequest() throws Exception {
    String slow = slowQuery();
    Assumptions.assumeTrue(slow != null, "backend has no slow statement to test with");
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryRequest req = QueryRequest.query(Objects.requireNonNull(slow)).requestId("contract-cancel-1").build();
      CompletableFuture<QueryResult> running = CompletableFuture.supplyAsync(() -> ds.execute(req));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!ds.cancel("contract-cancel-1")) {
        assertThat(System.nanoTime()).as("request started").isLessThan(deadline);
        Thread.sleep(10);
      }
      Throwable t = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
          () -> running.get(10, TimeUnit.SECONDS)).getCause();
      assertThat(t).isInstanceOf(DbAccessException.class);
      assertThat(((DbAccessException) Objects.requireNonNull(t)).code()).isEqualTo(ErrorCode.CANCELLED);
      assertThat(ds.inFlight()).isZero();
      assertThat(query(ds, selectAllItems(), 1).rowCount()).isEqualTo(1);
    }
  }

  @Test
  void databaseFailuresAreCodedWithoutDataAndTheSourceStaysUsable() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, failingQueryQuoting(ContractDataset.SECRET_VALUE), null));
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
      assertThat(e.driverCode()).isPresent();
      assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.FAILED);
      assertNoSecretsIn(e, ContractDataset.SECRET_VALUE);
      assertThat(query(ds, selectAllItems(), 2).rowCount()).isEqualTo(2);
    }
  }

  @Test
  void masksEveryRowBeforeItLeaves() {
    DataSourceSettings s = settings().toBuilder().masking(new TestMasking()).build();
    try (ReadOnlyDataSource ds = createDataSource(s)) {
      QueryResult r = query(ds, selectAllItems(), null);
      assertThat(r.rows()).allSatisfy(row ->
          assertThat(row.get("email")).isEqualTo(TestMasking.MASK));
      assertThat(r.rows().toString()).doesNotContain("@example.com");
      assertThat(r.metadata().masked()).isTrue();
      assertThat(r.metadata().maskedFieldCount()).isEqualTo(ContractDataset.ITEM_COUNT);
      assertThat(r.metadata().patternsApplied())
          .containsExactly(Map.entry(TestMasking.NAME, ContractDataset.ITEM_COUNT));
      assertThat(audit.last().patternsApplied())
          .containsEntry(TestMasking.NAME, ContractDataset.ITEM_COUNT);
    }
  }

  @Test
  void auditsEveryRequestOnceWithoutValues() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      query(ds, selectAllItems(), 3);
      catchThrowableOfType(DbAccessException.class, () -> query(ds, writeAttempts().get(0), null));
      catchThrowableOfType(DbAccessException.class,
          () -> query(ds, failingQueryQuoting(ContractDataset.SECRET_VALUE), null));
      List<AuditEvent> events = new ArrayList<>(audit.events());
      assertThat(events).hasSize(3);
      assertThat(events).extracting(AuditEvent::outcome)
          .containsExactly(AuditOutcome.OK, AuditOutcome.REFUSED, AuditOutcome.FAILED);
      assertThat(events.get(0).rowCount()).isEqualTo(3);
      assertThat(events.get(0).statementFingerprint()).matches("[0-9a-f]{16}");
      assertThat(events).allSatisfy(ev -> {
        assertThat(ev.resourceId()).isEqualTo("contract");
        assertThat(ev.requestId()).isNotBlank();
        String line = new String(JsonLinesAuditSink.toJsonLine(ev), StandardCharsets.UTF_8);
        assertThat(line).doesNotContain("@example.com").doesNotContain(
            ContractDataset.SECRET_VALUE);
      });
    }
  }

  @Test
  void describesAndListsOnlyAllowedTables() {
    Policy p = Policy.builder().blockedTables(List.of(secretsTable())).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      QueryResult d = ds.describeTable(itemsTable());
      assertThat(d.rowCount()).isGreaterThan(0);
      assertThat(d.rows().toString()).contains("email");
      assertThatThrownBy(() -> ds.describeTable(secretsTable()))
          .extracting(e -> ((DbAccessException) e).code())
          .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
      assertThat(ds.listTables().rows().toString()).contains(tableNameOf(itemsTable()));
    }
  }

  @Test
  void explainDoesNotReturnData() {
    Assumptions.assumeTrue(supportsExplain(), "the test server has no explain");
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult plan = ds.explain(selectAllItems());
      assertThat(plan.rowCount()).isGreaterThan(0);
      assertThat(plan.rows().toString()).doesNotContain("@example.com");
    }
  }

  @Test
  void unreachableDatabaseIsAConnectionFailure() {
    try (ReadOnlyDataSource ds = createUnreachableDataSource(settings())) {
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> query(ds, selectAllItems(), null));
      assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(e.retryable()).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(15_000);
      HealthStatus h = ds.health();
      assertThat(h.healthy()).isFalse();
      assertThat(h.error()).isEqualTo(ErrorCode.CONNECTION_FAILED);
    }
  }

  @Test
  void healthyWhenUp() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      assertThat(ds.health().healthy()).isTrue();
    }
  }

  @Test
  void closedDataSourceRefuses() {
    ReadOnlyDataSource ds = createDataSource(settings());
    ds.close();
    ds.close(); // idempotent
    // use after close is the caller's programming error: a distinct code, never retryable
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> query(ds, selectAllItems(), null));
    assertThat(e.code()).isEqualTo(ErrorCode.DATA_SOURCE_CLOSED);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("closed");
    assertThat(ds.health().error()).isEqualTo(ErrorCode.DATA_SOURCE_CLOSED);
  }

  // ---- the SPI guarantees (value model, schema shape, ownership, redaction, column policy) ----

  @Test
  void everyValueOfEveryResultBelongsToTheValueModel() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      List<QueryResult> results = new java.util.ArrayList<>(List.of(query(ds, selectAllItems(),
          null), ds.listTables(), ds.describeTable(itemsTable())));
      if (supportsExplain()) {
        results.add(ds.explain(selectAllItems()));
      }
      for (QueryResult r : results) {
        for (Map<String, @Nullable Object> row : r.rows()) {
          row.forEach((k, v) -> assertThat(ValueModel.isModelValue(v))
              .as("column %s (%s)", k, v == null ? "null" : v.getClass().getName()).isTrue());
        }
        assertThat(ValueJson.toJson(r.rows())).startsWith("[");
      }
    }
  }

  @Test
  void schemaResultsHaveTheStandardShape() {
    Policy p = Policy.builder().blockedTables(List.of(secretsTable()))
        .blockedColumns(List.of(itemsTable() + ".email")).build();
    String items = tableNameOf(itemsTable());
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      List<TableInfo> tables = ds.tableInfos();
      assertThat(tables).extracting(TableInfo::name).contains(items)
          .doesNotContain(tableNameOf(secretsTable()));
      for (TableInfo t : tables) {
        assertThat(t.kind()).as(t.name()).isNotBlank();
        if (t.estimatedRows() != null) {
          assertThat(t.estimatedRows()).isGreaterThanOrEqualTo(-1L);
        }
      }
      TableDescription d = ds.tableDescription(itemsTable());
      assertThat(d.name()).isEqualTo(items);
      assertThat(d.kind()).isNotBlank();
      List<String> described = d.columns().stream().map(TableDescription.Field::name).toList();
      assertThat(described).contains("id");
      if (describesEveryColumn()) {
        assertThat(described).containsAll(ContractDataset.ITEM_COLUMNS);
      }
      for (TableDescription.Field f : d.columns()) {
        assertThat(f.type()).as(f.name()).isNotBlank();
        assertThat(f.blocked()).as(f.name()).isEqualTo(f.name().equals("email"));
        if (f.frequency() != null) {
          assertThat(f.frequency()).isBetween(0.0, 1.0);
        }
      }
      for (TableDescription.Index i : d.indexes()) {
        assertThat(i.name()).isNotBlank();
      }
    }
  }

  @Test
  void keptRowsAreReadOnlyAndStable() {
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult r = query(ds, selectAllItems(), null);
      String before = ValueJson.toJson(r.rows());
      assertThatThrownBy(() -> r.rows().get(0).put("email", "x"))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> r.rows().remove(0))
          .isInstanceOf(UnsupportedOperationException.class);
      query(ds, selectAllItems(), null); // the cursor's buffers are reused by the next request
      assertThat(ValueJson.toJson(r.rows())).isEqualTo(before);
      for (int i = 0; i < r.rowCount(); i++) {
        assertThat(((Number) Objects.requireNonNull(r.rows().get(i).get("id"))).longValue()).isEqualTo(i + 1L);
      }
    }
  }

  @Test
  void theAuditLogHoldsTheStatementsShapeNotItsValues() {
    String literal = "item-07";
    String statement = queryWithLiteral(literal);
    Assumptions.assumeTrue(statement != null, "no statement text for this backend");
    try (ReadOnlyDataSource ds = createDataSource(settings())) {
      QueryResult r = query(ds, Objects.requireNonNull(statement), null);
      assertThat(r.rowCount()).isEqualTo(1);
      AuditEvent ev = audit.last();
      assertThat(ev.statement()).isNotBlank().doesNotContain(literal);
      assertThat(new String(JsonLinesAuditSink.toJsonLine(ev), StandardCharsets.UTF_8))
          .doesNotContain(literal);
    }
  }

  @Test
  void blockedColumnsApplyToDescribeAndNeverReturnTheirValues() {
    Policy p = Policy.builder().blockedColumns(List.of("*.email")).build();
    try (ReadOnlyDataSource ds = createDataSource(settings(p))) {
      try {
        QueryResult r = query(ds, selectAllItems(), null);
        assertThat(columnScope()).isEqualTo(QueryPlan.ColumnScope.DOCUMENTS);
        assertThat(ValueJson.toJson(r.rows())).doesNotContain("@example.com");
      } catch (DbAccessException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
        assertNoSecretsIn(e, ContractDataset.email(1));
      }
      List<String> blocked = ds.tableDescription(itemsTable()).columns().stream()
          .filter(TableDescription.Field::blocked).map(TableDescription.Field::name).toList();
      if (describesEveryColumn()) {
        assertThat(blocked).containsExactly("email");
      } else {
        assertThat(blocked).isSubsetOf("email");
      }
    }
  }

  private static String tableNameOf(String qualified) {
    int dot = qualified.lastIndexOf('.');
    return dot < 0 ? qualified : qualified.substring(dot + 1);
  }
}
