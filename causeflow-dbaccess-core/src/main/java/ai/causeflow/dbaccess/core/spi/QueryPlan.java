package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import java.util.Set;

/**
 * A validated request, ready to run: what it touches, so the core can re-check it against the
 * policy itself (table and column rules), plus whatever the backend needs to execute it. Backends
 * usually implement this with a record.
 *
 * <p>Column policy ({@link ai.causeflow.dbaccess.core.Policy#blockedColumns()}) is applied by the
 * pipeline, not only by the backend, in one of two ways chosen by {@link #columnScope()}:
 *
 * <ul>
 *   <li>{@link ColumnScope#DECLARED} (the default, for SQL): {@link #columns()} names every column
 *       the plan reads that the backend could attribute to a table; the pipeline refuses the plan
 *       with {@code COLUMN_NOT_ALLOWED} if one is blocked, and refuses the result before any row
 *       is read if a result {@link ai.causeflow.dbaccess.core.Column}'s
 *       {@link ai.causeflow.dbaccess.core.Column#sources() sources} name a blocked column.
 *   <li>{@link ColumnScope#DOCUMENTS} (MongoDB, DynamoDB): fields cannot be known in advance; the
 *       pipeline removes every blocked field from every row, nested paths included
 *       ({@code customers.profile.ssn}, sub-documents inside arrays), before masking.
 * </ul>
 *
 * <pre>{@code
 * record MyPlan(QueryRequest request, Set<String> tables, Set<String> columns, String sql)
 *     implements QueryPlan {}                                   // SQL: declared columns
 *
 * record MyDocPlan(QueryRequest request, Set<String> tables, Document command)
 *     implements QueryPlan {
 *   public ColumnScope columnScope() { return ColumnScope.DOCUMENTS; }
 * }
 * }</pre>
 *
 * <p>Thread-safety: implementations must be immutable.
 */
public interface QueryPlan {

  /** The request this plan was made from. */
  QueryRequest request();

  /** The operation it performs. */
  default Operation operation() {
    return request().operation();
  }

  /** Every table or collection the plan reads ({@code schema.table} for SQL). */
  Set<String> tables();

  /**
   * The columns the plan reads, qualified the way {@code blockedColumns} globs match them
   * ({@code schema.table.column} for SQL, {@code collection.field.sub} for documents), as far as
   * the backend knows them; empty when it knows none. Default: empty.
   */
  default Set<String> columns() {
    return Set.of();
  }

  /** How the pipeline applies column policy to this plan's result. Default: DECLARED. */
  default ColumnScope columnScope() {
    return ColumnScope.DECLARED;
  }

  /** How column policy applies to a plan's rows; see {@link QueryPlan}. */
  enum ColumnScope {
    /**
     * The plan's columns are named by {@link QueryPlan#columns()} and the result's
     * {@link RowCursor#columns()} carry their source columns: blocked ones are refused.
     */
    DECLARED,
    /**
     * Rows are documents whose fields are not known in advance: blocked fields are removed from
     * every row, at any depth, before masking. The path of a field is its source table (the
     * result column's {@code sourceTable}, else each of {@link QueryPlan#tables()}), then its
     * keys joined with dots; array elements add no segment.
     */
    DOCUMENTS
  }
}
