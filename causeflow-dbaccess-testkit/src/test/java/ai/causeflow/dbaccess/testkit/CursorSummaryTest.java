package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.CursorSummary;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.Redactors;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A cursor's summary reaches the result: its own truncation reason (the pipeline's caps win),
 * its details, and a resume key from the data that is stripped of blocked fields and masked.
 */
class CursorSummaryTest {

  /** Yields {@code rows} rows, then reports how many the pipeline kept. */
  static final class SummarisingBackend implements Backend {
    final int rows;
    final AtomicInteger keptSeen = new AtomicInteger(-1);

    SummarisingBackend(int rows) {
      this.rows = rows;
    }

    record Plan(QueryRequest request, Set<String> tables) implements QueryPlan {
      @Override
      public ColumnScope columnScope() {
        return ColumnScope.DOCUMENTS;
      }
    }

    @Override
    public String type() {
      return "summarising";
    }

    @Override
    public Set<Operation> supportedOperations() {
      return Set.of(Operation.QUERY);
    }

    @Override
    public QueryPlan validate(QueryRequest request, Policy policy) {
      return new Plan(request, Set.of("docs"));
    }

    @Override
    public RowCursor open(QueryPlan plan, ExecutionContext context) {
      return new RowCursor() {
        int i;

        @Override
        public List<Column> columns() {
          return List.of(new Column("id", "number", "docs"), new Column("email", "string", "docs"));
        }

        @Override
        public @Nullable Map<String, @Nullable Object> next() {
          if (i == rows) {
            return null;
          }
          i++;
          return new java.util.LinkedHashMap<>(Map.of("id", (long) i, "email",
              "user" + i + "@example.com"));
        }

        @Override
        public CursorSummary summary(int rowsKept) {
          keptSeen.set(rowsKept);
          Map<String, @Nullable Object> resume = new java.util.LinkedHashMap<>();
          resume.put("id", (long) rowsKept);
          resume.put("email", "user" + rowsKept + "@example.com");
          resume.put("secret", Map.of("ssn", "078-05-1120", "kept", "x"));
          return new CursorSummary("pages", Map.of("pages", 3), "resumeAfter", resume);
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
      return Redactors.jsonDocument(statement);
    }

    @Override
    public void close() {}
  }

  @Test
  void summaryReachesTheMetadataMaskedAndWithoutBlockedFields() {
    SummarisingBackend b = new SummarisingBackend(5);
    Policy p = Policy.builder().allowedOperations(Set.of(Operation.QUERY))
        .blockedColumns(List.of("docs.secret.ssn")).build();
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(b, DataSourceSettings.builder("s")
        .policy(p).masking(new TestMasking()).build())) {
      QueryResult r = ds.execute(QueryRequest.query("{}").build());
      assertThat(r.rowCount()).isEqualTo(5);
      assertThat(b.keptSeen.get()).isEqualTo(5);
      assertThat(r.truncated()).isTrue();
      assertThat(r.metadata().truncatedBy()).isEqualTo("pages");
      assertThat(r.metadata().details()).containsEntry("pages", 3);
      @SuppressWarnings("unchecked")
      Map<String, Object> resume = (Map<String, Object>) r.metadata().details().get("resumeAfter");
      assertThat(resume).containsEntry("id", 5L).containsEntry("email", TestMasking.MASK);
      assertThat(resume.get("secret")).isEqualTo(Map.of("kept", "x"));
      // the resume key's masking is not counted with the rows'
      assertThat(r.metadata().maskedFieldCount()).isEqualTo(5);
    }
  }

  @Test
  void thePipelinesOwnCapsWinAndTellTheCursorWhatItKept() {
    SummarisingBackend b = new SummarisingBackend(10);
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(b, DataSourceSettings.builder("s")
        .policy(Policy.builder().allowedOperations(Set.of(Operation.QUERY)).build()).build())) {
      QueryResult r = ds.execute(QueryRequest.query("{}").limit(4).build());
      assertThat(r.rowCount()).isEqualTo(4);
      assertThat(b.keptSeen.get()).isEqualTo(4);
      assertThat(r.metadata().truncatedBy()).isEqualTo("rows");
      List<Object> ids = new ArrayList<>();
      r.rows().forEach(row -> ids.add(row.get("id")));
      assertThat(ids).containsExactly(1L, 2L, 3L, 4L);
    }
  }
}
