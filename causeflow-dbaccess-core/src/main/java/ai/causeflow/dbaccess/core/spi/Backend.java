package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import java.time.Duration;
import java.util.Set;

/**
 * The database-specific half of a {@link ai.causeflow.dbaccess.core.ReadOnlyDataSource}. A backend
 * validates a request into an immutable {@link QueryPlan} and executes a plan read-only as a
 * {@link RowCursor}. It never returns rows to a caller itself: only the core pipeline calls it, and
 * the pipeline applies the row cap, byte cap, timeout, masking and audit to everything it yields.
 *
 * <p>Rules every backend follows (the contract suite in the test kit checks them):
 *
 * <ul>
 *   <li>{@link #validate} does no I/O and refuses (throws) anything it cannot classify as a read:
 *       fail closed.
 *   <li>{@link #open} enforces read-only at the database/driver level as well, assuming validation
 *       failed; honours {@link ExecutionContext#deadline()}; registers a cancel hook with
 *       {@link ExecutionContext#onCancel(Runnable)} before it blocks.
 *   <li>Every failure is a {@link DbAccessException}; a driver's message is never copied into it
 *       (it can quote data), only the driver's code.
 * </ul>
 *
 * <pre>{@code
 * final class MyBackend implements Backend {
 *   public QueryPlan validate(QueryRequest r, Policy p) {
 *     MyPlan plan = parseAndCheck(r);           // throws QUERY_BLOCKED etc.; no I/O
 *     plan.tables().forEach(p::checkTable);
 *     return plan;
 *   }
 *   public RowCursor open(QueryPlan plan, ExecutionContext ctx) {
 *     MyStatement st = prepareReadOnly((MyPlan) plan);
 *     ctx.onCancel(st::cancel);                  // before anything blocks
 *     return new MyCursor(st.execute());         // lazy: one batch at a time
 *   }
 *   ...
 * }
 * ReadOnlyDataSource ds = ReadOnlyDataSource.of(new MyBackend(), settings);
 * }</pre>
 *
 * <p>Thread-safety: implementations must be safe for concurrent use by many requests.
 */
public interface Backend extends AutoCloseable {

  /** The resource type: {@code postgres}, {@code mongodb}, {@code dynamodb}... */
  String type();

  /** The operations this backend implements (the policy decides which are allowed). */
  Set<Operation> supportedOperations();

  /**
   * Validates a request without touching the database. Refusals are {@link DbAccessException}s
   * with a policy code ({@code QUERY_BLOCKED}, {@code TABLE_NOT_ALLOWED}, ...).
   */
  QueryPlan validate(QueryRequest request, Policy policy);

  /** Executes a plan that {@link #validate} produced, read-only, as a stream of rows. */
  RowCursor open(QueryPlan plan, ExecutionContext context);

  /** One cheap round trip; never throws. */
  HealthStatus health(Duration timeout);

  /**
   * The statement as it may be written to the audit log: its shape, every literal value replaced
   * by a placeholder. There is no default: a backend says how its statements are redacted, with
   * its own lexer or with a ready one from {@link Redactors} ({@link Redactors#sql} for SQL,
   * {@link Redactors#jsonDocument} for JSON command documents). The pipeline masks the result
   * again before it is written. Must not throw: text it cannot read redacts to a fixed marker.
   */
  String redactLiterals(String statement);

  /** Releases what the backend opened itself; never closes what the user passed in. */
  @Override
  void close();
}
