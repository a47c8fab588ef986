package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.internal.ResultCollector;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.LazyValue;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.core.spi.RowShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Lazy values ({@link LazyValue}) are converted by the pipeline before masking, measuring and
 * returning, on whichever thread handles the row; none ever reaches the caller, and a conversion
 * that fails fails the request like a cursor would.
 */
class LazyValueTest {
  static final InMemoryBackend DATA = LargeResultTest.BACKEND;

  /** Serves the in-memory rows with every string value made lazy. */
  static final class LazyBackend implements Backend {
    final int failAt;
    final boolean plainMaps;
    final AtomicInteger resolved = new AtomicInteger();

    LazyBackend(int failAt, boolean plainMaps) {
      this.failAt = failAt;
      this.plainMaps = plainMaps;
    }

    @Override
    public String type() {
      return "lazy";
    }

    @Override
    public Set<Operation> supportedOperations() {
      return DATA.supportedOperations();
    }

    @Override
    public QueryPlan validate(QueryRequest request, Policy policy) {
      return DATA.validate(request, policy);
    }

    @Override
    public RowCursor open(QueryPlan plan, ExecutionContext ctx) {
      RowCursor inner = DATA.open(plan, ctx);
      List<String> names = inner.columns().stream().map(Column::name).toList();
      RowShape shape = RowShape.of(names);
      return new RowCursor() {
        int n;

        @Override
        public List<Column> columns() {
          return inner.columns();
        }

        @Override
        public @Nullable Map<String, @Nullable Object> next() {
          Map<String, @Nullable Object> r = inner.next();
          if (r == null) {
            return null;
          }
          int row = n++;
          Object[] values = new Object[names.size()];
          for (int i = 0; i < values.length; i++) {
            Object v = r.get(names.get(i));
            values[i] = v instanceof String s ? (LazyValue) () -> {
              resolved.incrementAndGet();
              if (row == failAt) {
                throw new DbAccessException(ErrorCode.QUERY_FAILED,
                    "a value could not be decoded");
              }
              return s;
            } : v;
          }
          if (!plainMaps) {
            return shape.row(values);
          }
          Map<String, @Nullable Object> m = new LinkedHashMap<>();
          for (int i = 0; i < values.length; i++) {
            m.put(names.get(i), values[i]);
          }
          return m;
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }

    @Override
    public HealthStatus health(Duration timeout) {
      return DATA.health(timeout);
    }

    @Override
    public String redactLiterals(String statement) {
      return DATA.redactLiterals(statement);
    }

    @Override
    public void close() {}
  }

  static QueryResult run(Backend backend, @Nullable Executor executor, int limit) {
    return ReadOnlyDataSource.of(backend, DataSourceSettings.builder("lazy")
        .policy(Policy.builder().maxRowsPerQuery(50_000).build()).masking(Masking.defaults())
        .resultExecutor(executor).build())
        .execute(QueryRequest.query(LargeResultTest.ALL).limit(limit).build());
  }

  static void assertNoLazyValue(QueryResult r) {
    for (Map<String, @Nullable Object> row : r.rows()) {
      for (Object v : row.values()) {
        assertThat(v).isNotInstanceOf(LazyValue.class);
      }
    }
  }

  @Test
  void lazyValuesAreResolvedThenMaskedOnEitherThreadAndNeverReachTheCaller() {
    QueryResult eager = LargeResultTest.run(null, Masking.defaults(),
        LargeResultTest.policy(64L << 20), LargeResultTest.ROWS);
    for (boolean plainMaps : new boolean[] {false, true}) {
      for (Executor executor : new Executor[] {null, ResultCollector.sharedExecutor()}) {
        LazyBackend lazy = new LazyBackend(-1, plainMaps);
        QueryResult r = run(lazy, executor, LargeResultTest.ROWS);
        assertNoLazyValue(r);
        assertThat(r.rows()).isEqualTo(eager.rows());
        assertThat(r.metadata().patternsApplied()).isEqualTo(eager.metadata().patternsApplied());
        // two string columns per row, each converted exactly once
        assertThat(lazy.resolved.get()).isEqualTo(2 * LargeResultTest.ROWS);
      }
    }
    assertThat(eager.metadata().patternsApplied()).containsKeys("email", "credit_card");
  }

  @Test
  void aConversionThatFailsFailsTheRequestWithItsCodeOnEitherThread() {
    for (int failAt : new int[] {3, 9_000}) {
      for (Executor executor : new Executor[] {null, ResultCollector.sharedExecutor()}) {
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> run(new LazyBackend(failAt, false), executor, LargeResultTest.ROWS));
        assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
        assertThat(DATA.openCursors()).isZero();
      }
    }
    assertThat(run(new LazyBackend(-1, false), null, 5).rowCount()).isEqualTo(5);
    assertThat(new ArrayList<>(run(new LazyBackend(-1, false), null, 1).rows().get(0).values()))
        .noneMatch(v -> v instanceof LazyValue);
  }
}
