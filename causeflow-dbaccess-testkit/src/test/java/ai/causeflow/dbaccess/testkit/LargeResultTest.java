package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.internal.ResultCollector;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Large results are masked and measured on a second thread while the next rows are fetched
 * ({@link ResultCollector}). Whatever the executor does — runs the lane, runs it on the caller's
 * thread, rejects it, never runs it, runs it late — the result must be exactly the one the calling
 * thread alone produces; failures, cancellation and deadlines must behave as on the calling thread.
 */
class LargeResultTest {
  static final int ROWS = 20_000;
  static final List<Column> COLUMNS = List.of(new Column("id", "int8"),
      new Column("email", "text"), new Column("note", "text"));
  static final InMemoryBackend BACKEND = backend();
  static final String ALL = "SELECT * FROM public.events";

  static InMemoryBackend backend() {
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Map<String, @Nullable Object> r = new LinkedHashMap<>();
      r.put("id", (long) i);
      r.put("email", i % 3 == 0 ? "user" + i + "@example.com" : "no-reply");
      r.put("note", i % 7 == 0 ? "card 4111 1111 1111 1111 order " + i : "order " + i);
      rows.add(r);
    }
    return InMemoryBackend.builder().table("public.events", COLUMNS, rows).build();
  }

  static ReadOnlyDataSource ds(@Nullable Executor executor, MaskingStage masking, Policy policy) {
    return ReadOnlyDataSource.of(BACKEND, DataSourceSettings.builder("large").policy(policy)
        .masking(masking).auditSink(AuditSink.discard()).resultExecutor(executor).build());
  }

  static Policy policy(long maxBytes) {
    return Policy.builder().maxRowsPerQuery(50_000).maxResultBytes(maxBytes).build();
  }

  static QueryResult run(@Nullable Executor executor, MaskingStage masking, Policy policy,
      int limit) {
    return ds(executor, masking, policy).execute(QueryRequest.query(ALL).limit(limit).build());
  }

  /** Starts each task on a new thread after a delay (a busy pool). */
  static Executor late(long millis) {
    return task -> {
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          return;
        }
        task.run();
      });
      t.setDaemon(true);
      t.start();
    };
  }

  @Test
  void everyExecutorGivesTheResultTheCallingThreadAloneGives() {
    Map<String, @Nullable Executor> executors = new LinkedHashMap<>();
    executors.put("shared pool", ResultCollector.sharedExecutor());
    executors.put("runs on the caller's thread", Runnable::run);
    executors.put("rejects", task -> {
      throw new RejectedExecutionException("full");
    });
    executors.put("never runs", task -> { });
    executors.put("starts late", late(150));
    // whole result; cut by rows; cut by bytes after the lane has taken over
    List<Object[]> cases = List.of(new Object[] {policy(64L << 20), ROWS},
        new Object[] {policy(64L << 20), 12_345}, new Object[] {policy(300_000), ROWS});
    for (Object[] c : cases) {
      Policy p = (Policy) c[0];
      int limit = (int) c[1];
      QueryResult expected = run(null, Masking.defaults(), p, limit);
      assertThat(expected.rowCount()).isGreaterThan(ResultCollector.OVERLAP_AFTER_ROWS * 2);
      for (Map.Entry<String, @Nullable Executor> e : executors.entrySet()) {
        QueryResult r = run(e.getValue(), Masking.defaults(), p, limit);
        assertThat(r.rows()).as(e.getKey()).isEqualTo(expected.rows());
        assertThat(r.truncated()).as(e.getKey()).isEqualTo(expected.truncated());
        assertThat(r.metadata().truncatedBy()).as(e.getKey())
            .isEqualTo(expected.metadata().truncatedBy());
        assertThat(r.metadata().maskedFieldCount()).as(e.getKey())
            .isEqualTo(expected.metadata().maskedFieldCount());
        assertThat(r.metadata().patternsApplied()).as(e.getKey())
            .isEqualTo(expected.metadata().patternsApplied());
      }
    }
    QueryResult bytes = run(null, Masking.defaults(), policy(300_000), ROWS);
    assertThat(bytes.metadata().truncatedBy()).isEqualTo("bytes");
    assertThat(run(null, Masking.defaults(), policy(64L << 20), 12_345).metadata().truncatedBy())
        .isEqualTo("rows");
    assertThat(BACKEND.openCursors()).isZero();
  }

  @Test
  void aLaneThatNeverStartsIsTakenBackWhateverTheSizeOfTheRest() {
    int first = ResultCollector.OVERLAP_AFTER_ROWS;
    for (int limit : new int[] {first, first + 1, first + 255, first + 256, first + 3 * 256 + 5,
        first + 4 * 256, first + 5 * 256 + 1, ROWS}) {
      QueryResult expected = run(null, Masking.defaults(), policy(64L << 20), limit);
      long start = System.nanoTime();
      QueryResult r = run(task -> { }, Masking.defaults(), policy(64L << 20), limit);
      assertThat(r.rows()).as("limit " + limit).isEqualTo(expected.rows());
      assertThat((System.nanoTime() - start) / 1_000_000).as("limit " + limit).isLessThan(3_000);
    }
  }

  @Test
  void theSharedPoolMasksLargeResultsOffTheCallingThreadAndSmallOnesOnIt() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    MaskingStage recording = new Forwarding(Masking.defaults()) {
      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> columns,
          Map<String, @Nullable Object> row, MaskingStats stats) {
        threads.add(Thread.currentThread().getName());
        return super.maskRow(columns, row, stats);
      }
    };
    String caller = Thread.currentThread().getName();
    run(ResultCollector.sharedExecutor(), recording, policy(64L << 20), 1_000);
    assertThat(threads).containsExactly(caller);
    threads.clear();
    run(ResultCollector.sharedExecutor(), recording, policy(64L << 20), ROWS);
    assertThat(threads).contains(caller).anyMatch(t -> t.startsWith("causeflow-result-"));
    threads.clear();
    run(null, recording, policy(64L << 20), ROWS);
    assertThat(threads).containsExactly(caller);
  }

  @Test
  void aMaskingFailureOnTheLaneIsInternalWithoutItsMessageAndNothingIsReturned() {
    String secret = "4111 1111 1111 1111";
    MaskingStage failing = new Forwarding(Masking.defaults()) {
      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> columns,
          Map<String, @Nullable Object> row, MaskingStats stats) {
        if (((Long) row.get("id")) == 9_000L) {
          throw new IllegalStateException("masking bug near " + secret);
        }
        return super.maskRow(columns, row, stats);
      }
    };
    ReadOnlyDataSource ds = ds(ResultCollector.sharedExecutor(), failing, policy(64L << 20));
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query(ALL).limit(ROWS).build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("masking bug");
    assertThat(BACKEND.openCursors()).isZero();
    assertThat(ds.inFlight()).isZero();
    assertThat(ds.execute(QueryRequest.query(ALL).limit(10).build()).rowCount()).isEqualTo(10);
  }

  @Test
  void cancellingWhileTheLaneWorksIsCancelledAndLeavesNothingRunning() throws Exception {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MaskingStage blocking = new Forwarding(Masking.defaults()) {
      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> columns,
          Map<String, @Nullable Object> row, MaskingStats stats) {
        if (((Long) row.get("id")) == 5_000L) {
          reached.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.maskRow(columns, row, stats);
      }
    };
    ReadOnlyDataSource ds = ds(ResultCollector.sharedExecutor(), blocking, policy(64L << 20));
    var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> ds.execute(
        QueryRequest.query(ALL).requestId("big-1").limit(ROWS).build()));
    assertThat(reached.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ds.cancel("big-1")).isTrue();
    release.countDown();
    Throwable t = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> running.get(10, TimeUnit.SECONDS)).getCause();
    assertThat(((DbAccessException) t).code()).isEqualTo(ErrorCode.CANCELLED);
    assertThat(BACKEND.openCursors()).isZero();
    assertThat(ds.inFlight()).isZero();
  }

  @Test
  void theDeadlineHoldsWhileTheLaneIsSlow() {
    AtomicInteger masked = new AtomicInteger();
    MaskingStage slow = new Forwarding(Masking.defaults()) {
      @Override
      public Map<String, @Nullable Object> maskRow(List<Column> columns,
          Map<String, @Nullable Object> row, MaskingStats stats) {
        if (masked.incrementAndGet() > 2_000) {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.maskRow(columns, row, stats);
      }
    };
    ReadOnlyDataSource ds = ds(ResultCollector.sharedExecutor(), slow,
        Policy.builder().maxRowsPerQuery(50_000).statementTimeout(Duration.ofMillis(400)).build());
    long start = System.nanoTime();
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query(ALL).limit(ROWS).build()));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ms).isLessThan(5_000);
    assertThat(masked.get()).isLessThan(ROWS);
    assertThat(BACKEND.openCursors()).isZero();
  }

  /** A masking stage that forwards to another one. */
  static class Forwarding implements MaskingStage {
    private final MaskingStage delegate;

    Forwarding(MaskingStage delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean enabled() {
      return delegate.enabled();
    }

    @Override
    public Map<String, @Nullable Object> maskRow(List<Column> columns,
        Map<String, @Nullable Object> row, MaskingStats stats) {
      return delegate.maskRow(columns, row, stats);
    }

    @Override
    public List<Column> visibleColumns(List<Column> columns) {
      return delegate.visibleColumns(columns);
    }

    @Override
    public String maskText(String text, MaskingStats stats) {
      return delegate.maskText(text, stats);
    }
  }
}
