package ai.causeflow.dbaccess.dynamo.internal;

import java.util.Objects;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkRequest;

/**
 * A validated DynamoDB request: which API call, on which table and index, the SDK request to send
 * (without paging fields), and what the policy needs to know about it.
 *
 * <p>Thread-safety: immutable (SDK requests are immutable).
 *
 * @param kind the call
 * @param table the table ({@code null} for list_tables)
 * @param index the index, or null
 * @param tables the policy names read: the table, and {@code table.index} for an index
 * @param sdkRequest GetItemRequest, QueryRequest, ScanRequest, BatchGetItemRequest, or null for
 *     the schema operations
 * @param userLimit the statement's {@code Limit} (items DynamoDB may evaluate), or null
 * @param count whether {@code Select} is {@code COUNT}
 * @param projectedAttributes top-level attribute names of the projection, in order (empty without one)
 */
public record DynamoPlan(
    QueryRequest request,
    Kind kind,
    @Nullable String table,
    @Nullable String index,
    Set<String> tables,
    @Nullable SdkRequest sdkRequest,
    @Nullable Integer userLimit,
    boolean count,
    List<String> projectedAttributes) implements QueryPlan {

  /** The table of a plan that reads one (not the table listing). */
  public String requireTable() {
    return Objects.requireNonNull(table, "table");
  }

  /** The SDK request of a plan that reads items (GetItem, Query, Scan, BatchGetItem). */
  public SdkRequest requireSdkRequest() {
    return Objects.requireNonNull(sdkRequest, "sdkRequest");
  }


  /** The API call a plan makes. */
  public enum Kind { GET_ITEM, QUERY, SCAN, BATCH_GET_ITEM, LIST_TABLES, DESCRIBE_TABLE }

  public DynamoPlan {
    tables = Set.copyOf(tables);
    projectedAttributes = List.copyOf(projectedAttributes);
  }

  /** Items are documents: blocked attributes are removed from every item by the pipeline. */
  @Override
  public ColumnScope columnScope() {
    return kind == Kind.LIST_TABLES || kind == Kind.DESCRIBE_TABLE ? ColumnScope.DECLARED
        : ColumnScope.DOCUMENTS;
  }

  @Override
  public String toString() {
    return "DynamoPlan[kind=" + kind + ", table=" + table + ", index=" + index + "]";
  }
}
