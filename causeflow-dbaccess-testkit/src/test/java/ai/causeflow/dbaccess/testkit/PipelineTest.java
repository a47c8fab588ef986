package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The core pipeline's own guarantees, proved with the in-memory backend (issue 2, must 4). Lives in
 * the test kit because the in-memory backend does; it tests core code only.
 */
class PipelineTest {
  private final InMemoryBackend backend = ContractDataset.inMemoryBackend();
  private final AuditSink.InMemory audit = AuditSink.inMemory();

  private ReadOnlyDataSource ds(Policy policy, MaskingStage masking) {
    return ReadOnlyDataSource.of(backend, DataSourceSettings.builder("pipe").policy(policy)
        .masking(masking).auditSink(audit).build());
  }

  private ReadOnlyDataSource ds(Policy policy) {
    return ds(policy, MaskingStage.none());
  }

  @Test
  void refusedOperationNeverReachesTheBackend() {
    ReadOnlyDataSource ds = ds(Policy.builder().allowedOperations(Set.of(Operation.LIST_TABLES))
        .build());
    assertThatThrownBy(() -> ds.execute(QueryRequest.query("SELECT * FROM public.items").build()))
        .extracting(e -> ((DbAccessException) e).code())
        .isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);
    assertThat(backend.validateCalls()).isZero();
    assertThat(backend.openCalls()).isZero();
    assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.REFUSED);
  }

  @Test
  void refusedStatementOrTableNeverOpensACursor() {
    ReadOnlyDataSource ds = ds(Policy.builder().blockedTables(List.of("public.secrets")).build());
    for (String s : List.of("DROP TABLE public.items", "SELECT * FROM public.secrets",
        "SELECT * FROM public.items; DELETE FROM public.items")) {
      assertThatThrownBy(() -> ds.execute(QueryRequest.query(s).build()))
          .isInstanceOf(DbAccessException.class);
    }
    assertThat(backend.validateCalls()).isEqualTo(3);
    assertThat(backend.openCalls()).isZero();
  }

  @Test
  void coreRechecksEveryTableOfThePlan() {
    // A backend whose validator forgot the policy: the core's own check still refuses.
    InMemoryBackend sloppy = ContractDataset.inMemoryBackend();
    ai.causeflow.dbaccess.core.spi.Backend forgetful = new ForwardingBackend(sloppy) {
      @Override
      public ai.causeflow.dbaccess.core.spi.QueryPlan validate(QueryRequest r, Policy p) {
        return sloppy.validate(r, Policy.defaults());
      }
    };
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(forgetful, DataSourceSettings.builder("pipe")
        .policy(Policy.builder().blockedTables(List.of("public.sec*")).build()).build());
    assertThatThrownBy(() -> ds.execute(QueryRequest.query("SELECT * FROM public.secrets").build()))
        .extracting(e -> ((DbAccessException) e).code())
        .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(sloppy.openCalls()).isZero();
  }

  @Test
  void rowCapReadsAtMostLimitPlusOne() {
    ReadOnlyDataSource ds = ds(Policy.defaults());
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").limit(7).build());
    assertThat(r.rowCount()).isEqualTo(7);
    assertThat(r.truncated()).isTrue();
    assertThat(backend.rowsYielded()).isEqualTo(8);
    assertThat(backend.openCursors()).isZero();
  }

  @Test
  void returnedRowsAreReadOnly() {
    QueryResult r = ds(Policy.defaults()).execute(
        QueryRequest.query("SELECT * FROM public.items").limit(2).build());
    assertThatThrownBy(() -> r.rows().get(0).put("email", "x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.rows().remove(0)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void byteCapHoldsOnTheMaskedOutput() {
    ReadOnlyDataSource ds = ds(Policy.builder().maxResultBytes(2_000).build());
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").build());
    assertThat(r.truncated()).isTrue();
    assertThat(r.metadata().truncatedBy()).isEqualTo("bytes");
    long json = ai.causeflow.dbaccess.core.internal.JsonSize.of(r.rows());
    assertThat(json).isLessThanOrEqualTo(2_000);
    assertThat(backend.rowsYielded()).isEqualTo(r.rowCount() + 1);
    assertThat(backend.openCursors()).isZero();
  }

  @Test
  void aRowLargerThanTheByteCapIsResultTooLarge() {
    InMemoryBackend big = InMemoryBackend.builder().table("public.blobs",
        List.of(new Column("b", "text")), List.of(Map.of("b", "z".repeat(5_000)))).build();
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(big, DataSourceSettings.builder("pipe")
        .policy(Policy.builder().maxResultBytes(1_024).build()).auditSink(audit).build());
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT * FROM public.blobs").build()));
    assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
    assertThat(e.getMessage()).doesNotContain("zzz");
    assertThat(big.openCursors()).isZero();
  }

  @Test
  void everyReturnedRowIsTheMaskingStageOutput() {
    Set<Map<String, @Nullable Object>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    MaskingStage marking = new MaskingStage() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> columns,
          Map<String, @Nullable Object> row, MaskingStats stats) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>(row);
        out.put("email", "masked#" + row.get("id"));
        stats.fieldMasked();
        stats.applied("marker");
        synchronized (seen) {
          seen.add(out);
        }
        return out;
      }

      @Override
      public String maskText(String text, MaskingStats stats) {
        return text;
      }
    };
    ReadOnlyDataSource ds = ds(Policy.defaults(), marking);
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").build());
    assertThat(r.rowCount()).isEqualTo(ContractDataset.ITEM_COUNT);
    assertThat(seen).hasSize(ContractDataset.ITEM_COUNT);
    for (Map<String, @Nullable Object> row : r.rows()) {
      assertThat((String) row.get("email")).startsWith("masked#");
    }
    assertThat(r.metadata().maskedFieldCount()).isEqualTo(ContractDataset.ITEM_COUNT);
    assertThat(r.metadata().patternsApplied()).containsEntry("marker", ContractDataset.ITEM_COUNT);
  }

  @Test
  void maskingAppliesToTheAuditedStatementToo() {
    ReadOnlyDataSource ds = ds(Policy.defaults(), new TestMasking());
    catchThrowableOfType(DbAccessException.class, () -> ds.execute(
        QueryRequest.query("SELECT * FROM public.items WHERE email = bob@example.com").build()));
    assertThat(audit.last().statement()).doesNotContain("bob@example.com")
        .contains(TestMasking.MASK);
  }

  @Test
  void identifiersEchoedInRefusalsAreMaskedInTheAuditLog() {
    ReadOnlyDataSource ds = ds(Policy.builder().allowedTables(List.of("public.items")).build(),
        new TestMasking());
    catchThrowableOfType(DbAccessException.class, () -> ds.execute(
        QueryRequest.query("SELECT * FROM ana@example.com").build()));
    assertThat(audit.last().reason()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> ds.execute(
        QueryRequest.query("SELECT * FROM public.secrets").build()));
    assertThat(e.getMessage()).contains("public.secrets");
    backend.failNextOpen(new DbAccessException(ErrorCode.QUERY_FAILED,
        "relation bob@example.com does not exist", "42P01"));
    catchThrowableOfType(DbAccessException.class, () -> ds.execute(
        QueryRequest.query("SELECT * FROM public.items").build()));
    assertThat(audit.last().detail()).doesNotContain("bob@example.com").contains(TestMasking.MASK);
  }

  @Test
  void literalsNeverReachTheAuditLog() {
    ReadOnlyDataSource ds = ds(Policy.defaults());
    catchThrowableOfType(DbAccessException.class, () -> ds.execute(QueryRequest.query(
        "SELECT * FROM public.items WHERE name = 'Maria Silva' AND id = 4242").build()));
    assertThat(audit.last().statement()).doesNotContain("Maria").doesNotContain("4242")
        .contains("name = ?");
  }

  @Test
  void aBackendBugBecomesInternalWithoutItsMessageAndTheSourceStaysUsable() {
    ReadOnlyDataSource ds = ds(Policy.defaults());
    backend.failNextOpen(new IllegalStateException("boom while reading " + ContractDataset.SECRET_VALUE));
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT * FROM public.items").build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).doesNotContain(ContractDataset.SECRET_VALUE)
        .contains("IllegalStateException");
    assertThat(audit.last().detail()).doesNotContain(ContractDataset.SECRET_VALUE);
    assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.FAILED);
    assertThat(ds.execute(QueryRequest.query("SELECT * FROM public.items").limit(1).build())
        .rowCount()).isEqualTo(1);
    assertThat(ds.inFlight()).isZero();
  }

  @Test
  void aMaskingFailureClosesTheCursorAndReturnsNothing() {
    MaskingStage broken = new MaskingStage() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> c, Map<String, @Nullable Object> r,
          MaskingStats s) {
        throw new IllegalArgumentException("cannot mask " + r.get("email"));
      }

      @Override
      public String maskText(String text, MaskingStats stats) {
        return text;
      }
    };
    ReadOnlyDataSource ds = ds(Policy.defaults(), broken);
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT * FROM public.items").build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).doesNotContain("@example.com");
    assertThat(backend.openCursors()).isZero();
  }

  @Test
  void deadlineCancelsAndReportsTimeout() {
    ReadOnlyDataSource ds = ds(Policy.builder().statementTimeout(Duration.ofMillis(150)).build());
    long start = System.nanoTime();
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT SLEEP(30000)").build()));
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    assertThat(ds.inFlight()).isZero();
  }

  @Test
  void auditFailureFailsClosedByDefault() {
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend, DataSourceSettings.builder("pipe")
        .auditSink(event -> {
          throw new IllegalStateException("disk full");
        }).build());
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query("SELECT * FROM public.items").build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).contains("audit");
    assertThat(backend.openCursors()).isZero();
  }

  @Test
  void auditFailureCanBeCountedAndReported() {
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend, DataSourceSettings.builder("pipe")
        .auditFailureMode(AuditFailureMode.COUNT_AND_REPORT)
        .auditSink(event -> {
          throw new IllegalStateException("disk full");
        }).build());
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").limit(2).build());
    assertThat(r.rowCount()).isEqualTo(2);
    assertThat(ds.auditFailures()).isEqualTo(1);
    assertThatThrownBy(() -> ds.execute(QueryRequest.query("DROP TABLE x").build()))
        .extracting(x -> ((DbAccessException) x).code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    assertThat(ds.auditFailures()).isEqualTo(2);
  }

  @Test
  void aDuplicateRunningRequestIdIsRefused() throws Exception {
    ReadOnlyDataSource ds = ds(Policy.defaults());
    QueryRequest slow = QueryRequest.query("SELECT SLEEP(5000)").requestId("same-id").build();
    CompletableFuture<QueryResult> first = CompletableFuture.supplyAsync(() -> ds.execute(slow));
    while (ds.inFlight() == 0) {
      Thread.sleep(5);
    }
    assertThatThrownBy(() -> ds.execute(slow))
        .extracting(x -> ((DbAccessException) x).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(ds.cancel("same-id")).isTrue();
    assertThat(catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> first.get(5, TimeUnit.SECONDS)).getCause())
        .isInstanceOf(DbAccessException.class);
  }

  @Test
  void closeCancelsRunningRequestsAndClosesTheBackend() throws Exception {
    ReadOnlyDataSource ds = ds(Policy.defaults());
    CompletableFuture<QueryResult> running = CompletableFuture.supplyAsync(
        () -> ds.execute(QueryRequest.query("SELECT SLEEP(20000)").build()));
    while (ds.inFlight() == 0) {
      Thread.sleep(5);
    }
    ds.close();
    assertThat(catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> running.get(5, TimeUnit.SECONDS)).getCause())
        .isInstanceOf(DbAccessException.class);
    assertThat(backend.isClosed()).isTrue();
  }

  @Test
  void allowingAnOperationTheBackendLacksIsAStartupError() {
    Policy p = Policy.builder().allowedOperations(Set.of(Operation.of("locks"))).build();
    assertThatThrownBy(() -> ds(p))
        .extracting(x -> ((DbAccessException) x).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
  }

  @Test
  void concurrentRequestsAreIndependent() {
    ReadOnlyDataSource ds = ds(Policy.defaults(), new TestMasking());
    List<CompletableFuture<QueryResult>> all = new ArrayList<>();
    for (int i = 1; i <= 32; i++) {
      int limit = i;
      all.add(CompletableFuture.supplyAsync(() -> ds.execute(
          QueryRequest.query("SELECT * FROM public.items").limit(limit).build())));
    }
    for (int i = 0; i < all.size(); i++) {
      QueryResult r = all.get(i).join();
      assertThat(r.rowCount()).isEqualTo(i + 1);
      assertThat(r.metadata().maskedFieldCount()).isEqualTo(i + 1);
    }
    assertThat(audit.events()).hasSize(32);
    assertThat(backend.openCursors()).isZero();
  }

  /** Delegates everything to another backend. */
  private static class ForwardingBackend implements ai.causeflow.dbaccess.core.spi.Backend {
    private final ai.causeflow.dbaccess.core.spi.Backend d;

    ForwardingBackend(ai.causeflow.dbaccess.core.spi.Backend d) {
      this.d = d;
    }

    @Override
    public String type() {
      return d.type();
    }

    @Override
    public Set<Operation> supportedOperations() {
      return d.supportedOperations();
    }

    @Override
    public ai.causeflow.dbaccess.core.spi.QueryPlan validate(QueryRequest r, Policy p) {
      return d.validate(r, p);
    }

    @Override
    public ai.causeflow.dbaccess.core.spi.RowCursor open(ai.causeflow.dbaccess.core.spi.QueryPlan plan,
        ai.causeflow.dbaccess.core.spi.ExecutionContext c) {
      return d.open(plan, c);
    }

    @Override
    public ai.causeflow.dbaccess.core.HealthStatus health(Duration t) {
      return d.health(t);
    }

    @Override
    public String redactLiterals(String statement) {
      return d.redactLiterals(statement);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
