package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The request's deadline is checked while a value is masked: a row holding one huge adversarial
 * value stops at the timeout and answers {@code TIMEOUT}, instead of masking the value to its end.
 */
class MaskingDeadlineTest {
  private static final List<Column> COLUMNS = List.of(new Column("note", "text", "public.t"));

  /** Serves one row holding {@code value}, instantly. */
  private record OneRow(Object value) implements Backend {
    @Override
    public String type() {
      return "fixed";
    }

    @Override
    public Set<Operation> supportedOperations() {
      return Set.of(Operation.QUERY);
    }

    @Override
    public QueryPlan validate(QueryRequest request, Policy policy) {
      return new QueryPlan() {
        @Override
        public QueryRequest request() {
          return request;
        }

        @Override
        public Set<String> tables() {
          return Set.of("public.t");
        }
      };
    }

    @Override
    public RowCursor open(QueryPlan plan, ExecutionContext context) {
      return new RowCursor() {
        private boolean done;

        @Override
        public List<Column> columns() {
          return COLUMNS;
        }

        @Override
        public @Nullable Map<String, @Nullable Object> next() {
          if (done) {
            return null;
          }
          done = true;
          Map<String, @Nullable Object> row = new LinkedHashMap<>();
          row.put("note", value);
          return row;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public HealthStatus health(Duration timeout) {
      return HealthStatus.up(0);
    }

    @Override
    public String redactLiterals(String statement) {
      return ai.causeflow.dbaccess.core.spi.Redactors.sql(statement);
    }

    @Override
    public void close() {}
  }

  private static long maskNanos(Object value) {
    long best = Long.MAX_VALUE;
    for (int k = 0; k < 2; k++) {
      long t0 = System.nanoTime();
      Masking.defaults().maskRow(COLUMNS, Map.of("note", value), new MaskingStats());
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }

  private static void assertStopsAtTheDeadline(Object value) {
    long full = maskNanos(value);
    // the timeout is a twentieth of what masking the whole value takes on this machine now, so
    // the test means the same on a fast or a loaded machine
    assertThat(Duration.ofNanos(full)).isGreaterThan(Duration.ofMillis(100));
    Duration timeout = Duration.ofNanos(Math.max(5_000_000L, full / 20));
    AuditSink.InMemory audit = AuditSink.inMemory();
    DataSourceSettings settings = DataSourceSettings.builder("t")
        .policy(Policy.builder().allowedOperations(Set.of(Operation.QUERY))
            .statementTimeout(timeout).maxResultBytes(Policy.MAX_RESULT_BYTES).build())
        .masking(Masking.defaults()).auditSink(audit).build();
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(new OneRow(value), settings)) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> ds.execute(QueryRequest.query("SELECT note FROM t").build()))
          .isInstanceOfSatisfying(DbAccessException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
      long took = System.nanoTime() - t0;
      // stopped near the deadline: well before the value could have been masked to its end (half
      // of the time is a margin for a loaded machine)
      assertThat(Duration.ofNanos(took)).isLessThan(timeout.plus(Duration.ofNanos(full / 2)));
      assertThat(audit.last().outcome()).isNotEqualTo(AuditOutcome.OK);
      assertThat(audit.last().reason()).isEqualTo(ErrorCode.TIMEOUT);
    }
  }

  @Test
  void aHugeRunOfNumbersStopsAtTheDeadline() {
    // 48 M characters of "1 1 1 ...": one numeric run, every digit a place a number could start
    assertStopsAtTheDeadline("1 ".repeat(24 << 20));
  }

  @Test
  void aHugeRunOfCardsStopsAtTheDeadline() {
    assertStopsAtTheDeadline("4111 1111 1111 1111 ".repeat(3 << 20));
  }

  @Test
  void manySmallValuesStopAtTheDeadline() {
    // a document of millions of short strings: checked every few thousand values
    assertStopsAtTheDeadline(List.of(java.util.Collections.nCopies(3 << 20, "a@b.co x")
        .toArray()));
  }

  /**
   * An {@code OutOfMemoryError} while a row is converted, masked or kept is contained: answered
   * {@code RESULT_TOO_LARGE}, audited, and the data source serves the next request.
   */
  @Test
  void anOutOfMemoryErrorIsContainedAnsweredAndAudited() {
    AuditSink.InMemory audit = AuditSink.inMemory();
    ai.causeflow.dbaccess.core.spi.LazyValue exhausting = () -> {
      throw new OutOfMemoryError("Java heap space (simulated)");
    };
    DataSourceSettings settings = DataSourceSettings.builder("t")
        .policy(Policy.builder().allowedOperations(Set.of(Operation.QUERY)).build())
        .masking(Masking.defaults()).auditSink(audit).build();
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(new OneRow(exhausting), settings)) {
      assertThatThrownBy(() -> ds.execute(QueryRequest.query("SELECT note FROM t").build()))
          .isInstanceOfSatisfying(DbAccessException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE))
          .hasMessageContaining("memory");
      assertThat(audit.last().reason()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
      assertThat(ds.inFlight()).isZero();
    }
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(new OneRow("fine"), settings)) {
      assertThat(ds.execute(QueryRequest.query("SELECT note FROM t").build()).rowCount())
          .isEqualTo(1);
    }
  }
}
