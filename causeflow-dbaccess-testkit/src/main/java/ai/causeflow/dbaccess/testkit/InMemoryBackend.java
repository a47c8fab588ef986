package ai.causeflow.dbaccess.testkit;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.TableInfo;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.Redactors;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link Backend} for unit tests of code that uses a
 * {@link ai.causeflow.dbaccess.core.ReadOnlyDataSource}, and for the core pipeline's own tests. It
 * understands a tiny, fail-closed statement language; anything else is {@code QUERY_BLOCKED}:
 *
 * <ul>
 *   <li>{@code SELECT * FROM <table>}, {@code SELECT * FROM <table> WHERE <column> = $1} and
 *       {@code ... WHERE <column> = 'text'}
 *   <li>{@code SELECT SLEEP(<ms>)}: blocks until the time passes or the request is cancelled
 *   <li>{@code SELECT FAIL(<anything>)}: fails at "the database" with QUERY_FAILED (driver code
 *       {@code FAKE1}); the text is never copied into the error
 * </ul>
 *
 * <pre>{@code
 * InMemoryBackend backend = InMemoryBackend.builder()
 *     .table("public.users", List.of(new Column("id", "int8"), new Column("email", "text")),
 *         List.of(Map.of("id", 1L, "email", "ana@example.com")))
 *     .build();
 * ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend, DataSourceSettings.builder("test").build());
 * }</pre>
 *
 * <p>It counts what reached it ({@link #validateCalls()}, {@link #openCalls()},
 * {@link #rowsYielded()}) so tests can prove a refused request never reached it, and it can be
 * switched {@linkplain #setDown(boolean) down} or made to {@linkplain #failNextOpen throw}.
 *
 * <p>Thread-safety: thread-safe; tables are fixed at build time.
 */
public final class InMemoryBackend implements Backend {
  private static final Pattern SELECT = Pattern.compile(
      "\\s*SELECT\\s+\\*\\s+FROM\\s+([A-Za-z0-9_.]+)(?:\\s+WHERE\\s+([A-Za-z0-9_]+)\\s*=\\s*"
          + "(?:\\$1|'([^']*)'))?\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SLEEP =
      Pattern.compile("\\s*SELECT\\s+SLEEP\\((\\d{1,7})\\)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern FAIL =
      Pattern.compile("\\s*SELECT\\s+FAIL\\(.*\\)\\s*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final Map<String, Table> tables;
  private final AtomicInteger validateCalls = new AtomicInteger();
  private final AtomicInteger openCalls = new AtomicInteger();
  private final AtomicInteger rowsYielded = new AtomicInteger();
  private final AtomicInteger openCursors = new AtomicInteger();
  private final AtomicReference<@Nullable RuntimeException> failNextOpen = new AtomicReference<>();
  private volatile boolean down;
  private volatile boolean closed;

  private InMemoryBackend(Map<String, Table> tables) {
    this.tables = Map.copyOf(tables);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Rows of a table as stored (for "nothing changed" checks). */
  public List<Map<String, @Nullable Object>> rows(String table) {
    return requireTable(table).rows;
  }

  public int validateCalls() {
    return validateCalls.get();
  }

  public int openCalls() {
    return openCalls.get();
  }

  public int rowsYielded() {
    return rowsYielded.get();
  }

  /** Cursors opened and not yet closed. */
  public int openCursors() {
    return openCursors.get();
  }

  /** Simulates a database that is unreachable: opens and health checks fail. */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** The next {@link #open} throws {@code failure} (simulates a backend bug). */
  public void failNextOpen(RuntimeException failure) {
    failNextOpen.set(failure);
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String type() {
    return "memory";
  }

  @Override
  public Set<Operation> supportedOperations() {
    return Set.of(Operation.QUERY, Operation.EXPLAIN, Operation.LIST_TABLES,
        Operation.DESCRIBE_TABLE);
  }

  @Override
  public QueryPlan validate(QueryRequest request, Policy policy) {
    validateCalls.incrementAndGet();
    String op = request.operation().name();
    switch (op) {
      case "list_tables" -> {
        return new Plan(request, Kind.LIST, null, null, null, 0, Set.of());
      }
      case "describe_table" -> {
        Table t = requireTable(request.statement().trim());
        policy.checkTable(t.name);
        return new Plan(request, Kind.DESCRIBE, t, null, null, 0, Set.of(t.name));
      }
      case "query", "explain" -> {
        String s = request.statement();
        Matcher sleep = SLEEP.matcher(s);
        if (sleep.matches()) {
          return new Plan(request, op.equals("explain") ? Kind.EXPLAIN : Kind.SLEEP, null, null,
              null, Long.parseLong(sleep.group(1)), Set.of());
        }
        if (FAIL.matcher(s).matches()) {
          return new Plan(request, op.equals("explain") ? Kind.EXPLAIN : Kind.FAIL, null, null,
              null, 0, Set.of());
        }
        Matcher m = SELECT.matcher(s);
        if (!m.matches()) {
          throw new DbAccessException(ErrorCode.QUERY_BLOCKED,
              "statement is not a plain read this backend understands");
        }
        Table t = tables.get(m.group(1).toLowerCase(java.util.Locale.ROOT));
        if (t == null) {
          policy.checkTable(m.group(1));
          throw new DbAccessException(ErrorCode.QUERY_FAILED, "table does not exist", "FAKE42P01");
        }
        policy.checkTable(t.name);
        for (Column c : t.columns) {
          policy.checkColumn(t.name + "." + c.name()); // SELECT * reads every column
        }
        String where = m.group(2);
        String literal = m.group(3);
        if (where != null) {
          if (t.columns.stream().noneMatch(c -> c.name().equalsIgnoreCase(where))) {
            throw new DbAccessException(ErrorCode.QUERY_FAILED, "column does not exist",
                "FAKE42703");
          }
          if (literal != null) {
            if (!request.parameters().isEmpty()) {
              throw new DbAccessException(ErrorCode.INVALID_PARAMS,
                  "parameters: the statement takes none");
            }
          } else if (request.parameters().size() != 1) {
            throw new DbAccessException(ErrorCode.INVALID_PARAMS,
                "parameters: the statement needs exactly 1 value, got "
                    + request.parameters().size());
          }
        }
        return new Plan(request, op.equals("explain") ? Kind.EXPLAIN : Kind.SELECT, t, where,
            literal, 0, Set.of(t.name));
      }
      default -> throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED,
          "operation '" + op + "' is not supported");
    }
  }

  @Override
  public RowCursor open(QueryPlan queryPlan, ExecutionContext context) {
    openCalls.incrementAndGet();
    RuntimeException injected = failNextOpen.getAndSet(null);
    if (injected != null) {
      throw injected;
    }
    if (down || closed) {
      throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "in-memory database is down",
          "FAKE08001");
    }
    Plan plan = (Plan) queryPlan;
    return switch (plan.kind) {
      case SELECT -> cursor(plan.requireTable().columns, select(plan), context);
      case SLEEP -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        context.onCancel(cancelled::countDown);
        try {
          if (cancelled.await(plan.sleepMs, TimeUnit.MILLISECONDS)) {
            throw new DbAccessException(ErrorCode.QUERY_FAILED,
                "canceling statement due to user request", "FAKE57014");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DbAccessException(ErrorCode.QUERY_FAILED, "interrupted", "FAKE57014");
        }
        Map<String, @Nullable Object> row = new LinkedHashMap<>();
        row.put("sleep", plan.sleepMs);
        yield cursor(List.of(new Column("sleep", "int8")), List.of(row), context);
      }
      case FAIL -> throw new DbAccessException(ErrorCode.QUERY_FAILED,
          "the database rejected the statement", "FAKE1");
      case EXPLAIN -> {
        Map<String, @Nullable Object> row = new LinkedHashMap<>();
        row.put("plan", Map.of("node", plan.table == null ? "Result" : "Seq Scan",
            "relation", plan.table == null ? "" : plan.requireTable().name));
        yield cursor(List.of(new Column("plan", "json")), List.of(row), context);
      }
      case LIST -> {
        List<Map<String, @Nullable Object>> rows = new ArrayList<>();
        tables.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(t -> {
          if (context.policy().isTableAllowed(t.name)) {
            rows.add(new TableInfo(schemaOf(t.name), nameOf(t.name), "table",
                (long) t.rows.size()).toRow());
          }
        });
        yield cursor(TableInfo.COLUMNS, rows, context);
      }
      case DESCRIBE -> {
        List<TableDescription.Field> fields = new ArrayList<>();
        for (Column c : plan.requireTable().columns) {
          fields.add(new TableDescription.Field(c.name(), c.type(), null, null,
              context.policy().isColumnBlocked(plan.requireTable().name + "." + c.name()), Map.of()));
        }
        TableDescription d = new TableDescription(schemaOf(plan.requireTable().name),
            nameOf(plan.requireTable().name), "table", (long) plan.requireTable().rows.size(), fields, List.of(),
            List.of(), Map.of());
        List<Map<String, @Nullable Object>> rows = new ArrayList<>();
        rows.add(d.toRow());
        yield cursor(TableDescription.COLUMNS, rows, context);
      }
    };
  }

  private List<Map<String, @Nullable Object>> select(Plan plan) {
    if (plan.whereColumn == null) {
      return plan.requireTable().rows;
    }
    Object wanted = plan.literal() != null ? plan.literal()
        : plan.request().parameters().get(0);
    List<Map<String, @Nullable Object>> out = new ArrayList<>();
    for (Map<String, @Nullable Object> row : plan.requireTable().rows) {
      Object v = row.get(plan.whereColumn);
      if (v != null && wanted != null && (v.equals(wanted)
          || (v instanceof Number a && wanted instanceof Number b && a.longValue() == b.longValue()))) {
        out.add(row);
      }
    }
    return out;
  }

  private RowCursor cursor(List<Column> columns, List<Map<String, @Nullable Object>> rows,
      ExecutionContext context) {
    openCursors.incrementAndGet();
    Iterator<Map<String, @Nullable Object>> it = rows.iterator();
    return new RowCursor() {
      private boolean closedCursor;

      @Override
      public List<Column> columns() {
        return columns;
      }

      @Override
      public @Nullable Map<String, @Nullable Object> next() {
        if (closedCursor || context.isCancelled() || !it.hasNext()) {
          return null;
        }
        rowsYielded.incrementAndGet();
        return new LinkedHashMap<>(it.next());
      }

      @Override
      public void close() {
        if (!closedCursor) {
          closedCursor = true;
          openCursors.decrementAndGet();
        }
      }
    };
  }

  private static @Nullable String schemaOf(String qualified) {
    int dot = qualified.lastIndexOf('.');
    return dot < 0 ? null : qualified.substring(0, dot);
  }

  private static String nameOf(String qualified) {
    return qualified.substring(qualified.lastIndexOf('.') + 1);
  }

  private Table requireTable(String name) {
    Table t = tables.get(name.toLowerCase(java.util.Locale.ROOT));
    if (t == null) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "table does not exist", "FAKE42P01");
    }
    return t;
  }

  @Override
  public HealthStatus health(Duration timeout) {
    return down || closed
        ? HealthStatus.down(0, ErrorCode.CONNECTION_FAILED, "in-memory database is down")
        : HealthStatus.up(0);
  }

  /** Its statements are SQL-like: the generic SQL redactor. */
  @Override
  public String redactLiterals(String statement) {
    return Redactors.sql(statement);
  }

  @Override
  public void close() {
    closed = true;
  }

  private enum Kind { SELECT, SLEEP, FAIL, EXPLAIN, LIST, DESCRIBE }

  private record Plan(QueryRequest request, Kind kind, @Nullable Table table,
      @Nullable String whereColumn, @Nullable String literal, long sleepMs, Set<String> tables)
      implements QueryPlan {
    /** The table of a SELECT or DESCRIBE plan (set by {@code validate} for those kinds). */
    Table requireTable() {
      return Objects.requireNonNull(table, "table");
    }
  }

  private record Table(String name, List<Column> columns, List<Map<String, @Nullable Object>> rows) {}

  /** Builder for {@link InMemoryBackend}; not thread-safe. */
  public static final class Builder {
    private final Map<String, Table> tables = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a table named {@code schema.table} (matched case-insensitively). */
    public Builder table(String name, List<Column> columns, List<Map<String, @Nullable Object>> rows) {
      Objects.requireNonNull(name);
      List<Column> cols = columns.stream()
          .map(c -> new Column(c.name(), c.type(), name)).toList();
      List<Map<String, @Nullable Object>> copy = new ArrayList<>();
      for (Map<String, @Nullable Object> r : rows) {
        copy.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(r)));
      }
      tables.put(name.toLowerCase(java.util.Locale.ROOT),
          new Table(name.toLowerCase(java.util.Locale.ROOT), cols, List.copyOf(copy)));
      return this;
    }

    public InMemoryBackend build() {
      return new InMemoryBackend(tables);
    }
  }
}
