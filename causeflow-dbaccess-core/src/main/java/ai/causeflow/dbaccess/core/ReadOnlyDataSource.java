package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.internal.BlockedFields;
import ai.causeflow.dbaccess.core.internal.FrozenRows;
import ai.causeflow.dbaccess.core.internal.ResultCollector;
import ai.causeflow.dbaccess.core.internal.Statements;
import ai.causeflow.dbaccess.core.internal.Timers;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Read-only, policy-checked, masked and audited access to one database resource. This class is
 * the one enforcement pipeline; every public method is final and runs:
 *
 * <pre>
 * request → policy (operation) → backend validation → policy re-check of every table and
 *           declared column → read-only execution (streamed; row cap limit+1, byte cap,
 *           deadline) → column policy on the result (blocked source columns refused; blocked
 *           document fields removed, nested paths too) → masking of every row → value model
 *           check and byte cap → audit event → result
 * </pre>
 *
 * Backends ({@code PostgresReadOnlyDataSource}, ...) only supply a {@link Backend}; they cannot
 * return a row any other way. Past the first 1,024 rows, masking and measuring run on a thread of
 * {@link DataSourceSettings#resultExecutor()} while the next rows are fetched; the result is the
 * same as on one thread.
 *
 * <pre>{@code
 * try (ReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(dataSource, settings)) {
 *   QueryResult r = ds.execute(QueryRequest.query("SELECT id, email FROM users WHERE id = $1")
 *       .parameters(List.of(42)).build());
 *   ds.listTables();                                  // rows; ds.tableInfos() as records
 *   ds.describeTable("public.orders");                // ds.tableDescription(...) as a record
 *   ds.explain("SELECT * FROM orders WHERE status = 'late'");
 *   ds.health();
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance per resource. {@link #close()} closes what the
 * backend opened itself (never a pool the user passed in); calls after close fail with
 * {@link ErrorCode#CONNECTION_FAILED}.
 */
public abstract class ReadOnlyDataSource implements AutoCloseable {
  private static final int AUDIT_STATEMENT_MAX_CHARS = 4_096;
  private static final System.Logger LOG = System.getLogger(ReadOnlyDataSource.class.getName());

  private final Backend backend;
  private final DataSourceSettings settings;
  private final Map<String, ExecutionContext> inFlight = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong auditFailures = new AtomicLong();

  protected ReadOnlyDataSource(Backend backend, DataSourceSettings settings) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.settings = Objects.requireNonNull(settings, "settings");
    for (Operation op : settings.policy().allowedOperations()) {
      if (!backend.supportedOperations().contains(op)) {
        throw new DbAccessException(ErrorCode.CONFIG_INVALID, "allowedOperations: '" + op
            + "' is not an operation of a " + backend.type() + " resource; supported: "
            + backend.supportedOperations());
      }
    }
  }

  /** A data source over any backend (used by tests and custom backends). */
  public static ReadOnlyDataSource of(Backend backend, DataSourceSettings settings) {
    return new ReadOnlyDataSource(backend, settings) {};
  }

  public final String resourceId() {
    return settings.resourceId();
  }

  /** The backend type: {@code postgres}, {@code mongodb}, {@code dynamodb}... */
  public final String type() {
    return backend.type();
  }

  public final Policy policy() {
    return settings.policy();
  }

  public final DataSourceSettings settings() {
    return settings;
  }

  /** Operations the backend implements (the policy decides which of them are allowed). */
  public final Set<Operation> supportedOperations() {
    return backend.supportedOperations();
  }

  /** Runs one request through the whole pipeline. */
  public final QueryResult execute(QueryRequest request) {
    Objects.requireNonNull(request, "request");
    long startNanos = System.nanoTime();
    MaskingStats stats = new MaskingStats();
    Policy policy = settings.policy();
    ExecutionContext ctx = null;
    AtomicBoolean timedOut = new AtomicBoolean();
    try {
      if (closed.get()) {
        throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "data source is closed");
      }
      policy.checkOperation(request.operation());
      if (!backend.supportedOperations().contains(request.operation())) {
        throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED, "operation '"
            + request.operation() + "' is not supported by a " + backend.type() + " resource");
      }
      QueryPlan plan = validate(request, policy);
      for (String table : plan.tables()) {
        policy.checkTable(table); // defence in depth: the backend checked too
      }
      for (String column : plan.columns()) {
        policy.checkColumn(column); // the column policy is core's, whatever the backend did
      }
      int rowLimit = request.limit() == null
          ? policy.maxRowsPerQuery()
          : Math.min(request.limit(), policy.maxRowsPerQuery());
      Duration timeout = policy.statementTimeout();
      Instant deadline = settings.clock().instant().plus(timeout);
      ctx = new ExecutionContext(request.requestId(), resourceId(), policy, timeout, deadline,
          rowLimit + 1);
      if (inFlight.putIfAbsent(request.requestId(), ctx) != null) {
        ctx = null;
        throw new DbAccessException(ErrorCode.INVALID_PARAMS,
            "requestId: a request with this id is already running");
      }
      ExecutionContext c = ctx;
      ScheduledFuture<?> timer = Timers.schedule(() -> {
        timedOut.set(true);
        c.cancel();
      }, timeout.toNanos());
      QueryResult result;
      try {
        result = read(plan, ctx, rowLimit, stats, startNanos);
      } finally {
        timer.cancel(false);
      }
      audit(request, AuditOutcome.OK, null, null, result.rowCount(), result.truncated(), stats,
          startNanos);
      return result;
    } catch (DbAccessException e) {
      DbAccessException mapped = mapCancellation(e, ctx, timedOut);
      auditFailure(request, mapped, stats, startNanos);
      throw mapped;
    } catch (RuntimeException | StackOverflowError e) {
      DbAccessException mapped = timedOut.get()
          ? new DbAccessException(ErrorCode.TIMEOUT, timeoutMessage(policy), null, e)
          : new DbAccessException(ErrorCode.INTERNAL,
              "unexpected failure in the " + backend.type() + " backend (" + e.getClass()
                  .getSimpleName() + ")", null, e);
      auditFailure(request, mapped, stats, startNanos);
      throw mapped;
    } finally {
      if (ctx != null) {
        inFlight.remove(request.requestId(), ctx);
      }
    }
  }

  /**
   * Lists the tables (collections) the policy allows; {@code list_tables}. Each row has the keys
   * of {@link TableInfo#toRow()} (plus backend extras); {@link #tableInfos()} reads them as records.
   */
  public final QueryResult listTables() {
    return execute(QueryRequest.builder(Operation.LIST_TABLES).build());
  }

  /** Lists the tables of one schema; {@code list_tables} with a statement. */
  public final QueryResult listTables(String schema) {
    return execute(QueryRequest.builder(Operation.LIST_TABLES).statement(schema).build());
  }

  /**
   * Describes one table: columns, keys, indexes, size; {@code describe_table}. One row with the
   * keys of {@link TableDescription#toRow()}; {@link #tableDescription(String)} reads it as a record.
   */
  public final QueryResult describeTable(String table) {
    return execute(QueryRequest.builder(Operation.DESCRIBE_TABLE).statement(table).build());
  }

  /**
   * {@link #listTables()} read as records (the rows went through the same pipeline: policy,
   * masking, audit, row cap).
   */
  public final List<TableInfo> tableInfos() {
    return TableInfo.listFrom(listTables());
  }

  /** {@link #listTables(String)} read as records. */
  public final List<TableInfo> tableInfos(String schema) {
    return TableInfo.listFrom(listTables(schema));
  }

  /** {@link #describeTable(String)} read as a record. */
  public final TableDescription tableDescription(String table) {
    return TableDescription.from(describeTable(table));
  }

  /** The plan of a statement, never executed; {@code explain}. */
  public final QueryResult explain(String statement) {
    return execute(QueryRequest.builder(Operation.EXPLAIN).statement(statement).build());
  }

  /** The plan of a statement with parameters, never executed. */
  public final QueryResult explain(String statement, List<@Nullable Object> parameters) {
    return execute(QueryRequest.builder(Operation.EXPLAIN).statement(statement)
        .parameters(parameters).build());
  }

  /** One cheap round trip to the database; never throws. */
  public final HealthStatus health() {
    if (closed.get()) {
      return HealthStatus.down(0, ErrorCode.CONNECTION_FAILED, "data source is closed");
    }
    Duration t = settings.policy().statementTimeout();
    Duration cap = Duration.ofSeconds(5);
    try {
      return backend.health(t.compareTo(cap) < 0 ? t : cap);
    } catch (RuntimeException e) {
      return HealthStatus.down(0, ErrorCode.INTERNAL, "health check failed unexpectedly");
    }
  }

  /**
   * Cancels a running request at the database. The request fails with
   * {@link ErrorCode#CANCELLED}.
   *
   * @return whether a request with that id was running
   */
  public final boolean cancel(String requestId) {
    ExecutionContext ctx = inFlight.get(requestId);
    if (ctx == null) {
      return false;
    }
    ctx.cancel();
    return true;
  }

  /** Cancels every running request (used when a relay's connection drops). */
  public final int cancelAll() {
    int n = 0;
    for (ExecutionContext ctx : inFlight.values()) {
      ctx.cancel();
      n++;
    }
    return n;
  }

  /** Requests running now. */
  public final int inFlight() {
    return inFlight.size();
  }

  /** Audit sink failures seen (only non-zero in {@link AuditFailureMode#COUNT_AND_REPORT}). */
  public final long auditFailures() {
    return auditFailures.get();
  }

  /** Cancels running requests and closes what the backend opened itself. Idempotent. */
  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      cancelAll();
      backend.close();
    }
  }

  private QueryPlan validate(QueryRequest request, Policy policy) {
    QueryPlan plan;
    try {
      plan = backend.validate(request, policy);
    } catch (StackOverflowError e) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED,
          "statement is nested too deeply to validate", null, null);
    }
    if (plan == null) {
      throw new DbAccessException(ErrorCode.INTERNAL, "backend returned no plan");
    }
    return plan;
  }

  private QueryResult read(QueryPlan plan, ExecutionContext ctx, int rowLimit, MaskingStats stats,
      long startNanos) {
    boolean truncatedByRows = false;
    List<ai.causeflow.dbaccess.core.Column> columns;
    ResultCollector out;
    try (RowCursor cursor = backend.open(plan, ctx)) {
      columns = cursor.columns();
      BlockedFields blocked = null;
      if (plan.columnScope() == QueryPlan.ColumnScope.DOCUMENTS) {
        blocked = BlockedFields.of(settings.policy(), columns, plan.tables());
        if (blocked != null) {
          BlockedFields b = blocked;
          columns = columns.stream().filter(c -> !b.isBlocked(c.name())).toList();
        }
      } else {
        for (ai.causeflow.dbaccess.core.Column c : columns) {
          for (String source : c.sources()) {
            settings.policy().checkColumn(source); // before any row is read
          }
        }
      }
      out = new ResultCollector(settings.masking(), columns, stats,
          settings.policy().maxResultBytes(), settings.resultExecutor(), ctx, blocked);
      try {
        int read = 0;
        while (true) {
          Map<String, @Nullable Object> raw = cursor.next();
          if (raw == null) {
            break;
          }
          if (ctx.isCancelled()) {
            throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
          }
          if (read == rowLimit) {
            truncatedByRows = true;
            break;
          }
          read++;
          if (!out.accept(raw)) {
            break;
          }
        }
        out.finish();
      } catch (RuntimeException | Error e) {
        out.abandon();
        throw e;
      }
    }
    if (ctx.isCancelled()) {
      throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
    }
    List<Map<String, @Nullable Object>> rows = out.rows();
    // the byte cap ends the result before any row beyond it, so it wins over the row cap
    String truncatedBy = out.bytesCapped() ? "bytes" : truncatedByRows ? "rows" : null;
    List<ai.causeflow.dbaccess.core.Column> visible = settings.masking().visibleColumns(columns);
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    ResultMetadata meta = new ResultMetadata(resourceId(), ctx.requestId(),
        settings.masking().enabled(), stats.maskedFieldCount(), stats.patternsApplied(), ms,
        rowLimit, truncatedBy);
    return new QueryResult(visible, FrozenRows.ofReadOnly(rows), rows.size(), truncatedBy != null,
        meta);
  }

  private DbAccessException mapCancellation(DbAccessException e, @Nullable ExecutionContext ctx,
      AtomicBoolean timedOut) {
    if (timedOut.get() && e.code() != ErrorCode.TIMEOUT) {
      return new DbAccessException(ErrorCode.TIMEOUT, timeoutMessage(settings.policy()),
          e.driverCode().orElse(null), e);
    }
    if (ctx != null && ctx.isCancelled() && !timedOut.get() && e.code() != ErrorCode.CANCELLED) {
      return new DbAccessException(ErrorCode.CANCELLED, "request was cancelled",
          e.driverCode().orElse(null), e);
    }
    return e;
  }

  private static String timeoutMessage(Policy policy) {
    return "statement exceeded statementTimeout (" + policy.statementTimeout().toMillis()
        + " ms) and was cancelled";
  }

  private void auditFailure(QueryRequest request, DbAccessException e, MaskingStats stats,
      long startNanos) {
    AuditOutcome outcome = e.code().isPolicyRefusal() || e.code() == ErrorCode.INVALID_PARAMS
        ? AuditOutcome.REFUSED
        : AuditOutcome.FAILED;
    try {
      audit(request, outcome, e.code(), e.getMessage(), 0, false, stats, startNanos);
    } catch (DbAccessException auditFailed) {
      e.addSuppressed(auditFailed);
    }
  }

  private void audit(QueryRequest request, AuditOutcome outcome, @Nullable ErrorCode reason,
      @Nullable String detail, int rowCount, boolean truncated, MaskingStats stats,
      long startNanos) {
    AuditEvent event;
    try {
      String redacted = backend.redactLiterals(request.statement());
      if (redacted.length() > AUDIT_STATEMENT_MAX_CHARS) {
        redacted = redacted.substring(0, AUDIT_STATEMENT_MAX_CHARS) + "…";
      }
      String statement = settings.masking().maskText(redacted, new MaskingStats());
      // Details name identifiers from the statement, and a quoted identifier can carry anything
      // ("SELECT * FROM \"4111 1111 1111 1111\""): the audit log gets them masked too.
      String maskedDetail = detail == null ? null : settings.masking().maskText(detail,
          new MaskingStats());
      event = new AuditEvent(settings.clock().instant(), request.requestId(), resourceId(),
          request.operation().name(), outcome, reason, maskedDetail, rowCount, truncated,
          stats.maskedFieldCount(), stats.patternsApplied(),
          (System.nanoTime() - startNanos) / 1_000_000,
          redacted.isEmpty() ? null : Statements.fingerprint(redacted),
          statement.isEmpty() ? null : statement);
      settings.auditSink().record(event);
    } catch (RuntimeException sinkFailure) {
      if (settings.auditFailureMode() == AuditFailureMode.FAIL_CLOSED) {
        throw new DbAccessException(ErrorCode.INTERNAL,
            "audit sink failed; result withheld (auditFailureMode=FAIL_CLOSED)", null,
            sinkFailure);
      }
      long n = auditFailures.incrementAndGet();
      LOG.log(System.Logger.Level.ERROR, "audit sink failed for resource " + resourceId()
          + " (" + sinkFailure.getClass().getSimpleName() + "); failures so far: " + n);
    }
  }
}
