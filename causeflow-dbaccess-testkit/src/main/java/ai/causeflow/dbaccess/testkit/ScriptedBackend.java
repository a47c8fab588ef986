package ai.causeflow.dbaccess.testkit;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.Redactors;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.core.spi.RowShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} that checks nothing and answers every {@code query} with the same scripted
 * rows: the tool for proving what the core pipeline enforces by itself, whatever a backend does
 * or forgets (column policy, the value model, row ownership). It declares the plan's tables,
 * columns and {@link QueryPlan.ColumnScope} as told, and can hand every row over in one reused
 * array or map, as a careless cursor over a driver buffer would.
 *
 * <pre>{@code
 * ScriptedBackend docs = ScriptedBackend.builder()
 *     .tables(Set.of("customers"))
 *     .columnScope(QueryPlan.ColumnScope.DOCUMENTS)
 *     .columns(List.of(new Column("_id", "objectId"), new Column("profile", "object")))
 *     .row(Map.of("_id", "a1", "profile", Map.of("ssn", "078-05-1120")))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; the script is fixed at build time (rows are handed out as new
 * maps, or through the one reused array when {@link Builder#reuseOneArray} is set, which is only
 * safe for one request at a time).
 */
public final class ScriptedBackend implements Backend {
  private final Set<String> tables;
  private final Set<String> declaredColumns;
  private final QueryPlan.ColumnScope scope;
  private final List<Column> columns;
  private final List<Map<String, @Nullable Object>> rows;
  private final boolean reuseOneArray;
  private final boolean reuseOneMap;
  private final AtomicInteger openCalls = new AtomicInteger();
  private final AtomicInteger rowsYielded = new AtomicInteger();

  private ScriptedBackend(Builder b) {
    this.tables = Set.copyOf(b.tables);
    this.declaredColumns = Set.copyOf(b.declaredColumns);
    this.scope = b.scope;
    this.columns = List.copyOf(b.columns);
    this.rows = List.copyOf(b.rows);
    this.reuseOneArray = b.reuseOneArray;
    this.reuseOneMap = b.reuseOneMap;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Cursors opened so far. */
  public int openCalls() {
    return openCalls.get();
  }

  /** Rows handed to the pipeline so far. */
  public int rowsYielded() {
    return rowsYielded.get();
  }

  @Override
  public String type() {
    return "scripted";
  }

  @Override
  public Set<Operation> supportedOperations() {
    return Set.of(Operation.QUERY, Operation.EXPLAIN, Operation.LIST_TABLES,
        Operation.DESCRIBE_TABLE);
  }

  @Override
  public QueryPlan validate(QueryRequest request, Policy policy) {
    return new Plan(request, tables, declaredColumns, scope);
  }

  @Override
  public RowCursor open(QueryPlan plan, ExecutionContext context) {
    openCalls.incrementAndGet();
    RowShape shape = RowShape.of(columns.stream().map(Column::name).toList());
    Object[] reused = new Object[shape.size()];
    Map<String, @Nullable Object> reusedMap = new LinkedHashMap<>();
    return new RowCursor() {
      private int next;

      @Override
      public List<Column> columns() {
        return columns;
      }

      @Override
      public @Nullable Map<String, @Nullable Object> next() {
        if (next >= rows.size()) {
          return null;
        }
        Map<String, @Nullable Object> source = rows.get(next++);
        rowsYielded.incrementAndGet();
        if (reuseOneMap) {
          reusedMap.clear();
          reusedMap.putAll(source);
          return reusedMap; // the same map every time: the RowCursor contract broken
        }
        if (!reuseOneArray) {
          Map<String, @Nullable Object> row = new LinkedHashMap<>();
          for (Column c : columns) {
            if (source.containsKey(c.name())) {
              row.put(c.name(), source.get(c.name())); // the columns' order first
            }
          }
          source.forEach(row::putIfAbsent);
          return row;
        }
        for (int i = 0; i < reused.length; i++) {
          reused[i] = source.get(shape.name(i));
        }
        return shape.row(reused); // the same array every time: the RowShape contract broken
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
    return Redactors.sql(statement);
  }

  @Override
  public void close() {}

  private record Plan(QueryRequest request, Set<String> tables, Set<String> columns,
      ColumnScope columnScope) implements QueryPlan {}

  /** Builder for {@link ScriptedBackend}; not thread-safe. */
  public static final class Builder {
    private Set<String> tables = Set.of();
    private Set<String> declaredColumns = Set.of();
    private QueryPlan.ColumnScope scope = QueryPlan.ColumnScope.DECLARED;
    private List<Column> columns = List.of();
    private final List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    private boolean reuseOneArray;
    private boolean reuseOneMap;

    private Builder() {}

    /** What {@link QueryPlan#tables()} says. */
    public Builder tables(Set<String> v) {
      tables = Objects.requireNonNull(v);
      return this;
    }

    /** What {@link QueryPlan#columns()} says. */
    public Builder declaredColumns(Set<String> v) {
      declaredColumns = Objects.requireNonNull(v);
      return this;
    }

    /** What {@link QueryPlan#columnScope()} says. */
    public Builder columnScope(QueryPlan.ColumnScope v) {
      scope = Objects.requireNonNull(v);
      return this;
    }

    /** What {@link RowCursor#columns()} says; row maps use these names. */
    public Builder columns(List<Column> v) {
      columns = Objects.requireNonNull(v);
      return this;
    }

    /** One row (copied into an insertion-ordered map; null values allowed). */
    public Builder row(Map<String, @Nullable Object> row) {
      rows.add(new LinkedHashMap<>(row));
      return this;
    }

    /** Hands every row over in one array that it overwrites for the next row. */
    public Builder reuseOneArray(boolean v) {
      reuseOneArray = v;
      return this;
    }

    /** Hands every row over in one map that it clears and refills for the next row. */
    public Builder reuseOneMap(boolean v) {
      reuseOneMap = v;
      return this;
    }

    public ScriptedBackend build() {
      return new ScriptedBackend(this);
    }
  }
}
