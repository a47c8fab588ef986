package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import java.util.Set;

/**
 * A validated request, ready to run: what it touches, so the core can re-check it against the
 * policy (defence in depth), plus whatever the backend needs to execute it. Backends usually
 * subclass nothing and implement this with a record.
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
}
