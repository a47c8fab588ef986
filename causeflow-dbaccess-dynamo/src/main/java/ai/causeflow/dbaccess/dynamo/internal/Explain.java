package ai.causeflow.dbaccess.dynamo.internal;

import java.util.Objects;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * {@code explain} for DynamoDB, which has no query planner: how a validated statement will read
 * (one item, one partition, the whole table), through which index, what is filtered after reading
 * (and so still costs capacity). Expressions only; values are never part of it. No I/O.
 *
 * <p>Thread-safety: stateless.
 */
final class Explain {
  private Explain() {}

  static Map<String, @Nullable Object> of(DynamoPlan plan) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    switch (plan.kind()) {
      case GET_ITEM -> {
        GetItemRequest r = (GetItemRequest) plan.requireSdkRequest();
        m.put("call", "GetItem");
        m.put("table", plan.table());
        m.put("access", "one item by its full primary key");
        m.put("key_attributes", java.util.List.copyOf(r.key().keySet()));
        m.put("projection", r.projectionExpression());
        m.put("consistent_read", Boolean.TRUE.equals(r.consistentRead()));
      }
      case QUERY -> {
        QueryRequest r = (QueryRequest) plan.requireSdkRequest();
        m.put("call", "Query");
        m.put("table", plan.table());
        m.put("index", plan.index());
        m.put("access", "items of one partition key"
            + (plan.index() == null ? "" : " of the index") + ", in sort key order"
            + (Boolean.FALSE.equals(r.scanIndexForward()) ? " (descending)" : ""));
        m.put("key_condition", r.keyConditionExpression());
        m.put("filter", r.filterExpression());
        m.put("projection", r.projectionExpression());
        m.put("select", r.selectAsString());
        m.put("consistent_read", Boolean.TRUE.equals(r.consistentRead()));
        m.put("limit", plan.userLimit());
      }
      case SCAN -> {
        ScanRequest r = (ScanRequest) plan.requireSdkRequest();
        m.put("call", "Scan");
        m.put("table", plan.table());
        m.put("index", plan.index());
        m.put("access", "every item of the " + (plan.index() == null ? "table" : "index")
            + (r.totalSegments() == null ? "" : " in segment " + r.segment() + " of "
                + r.totalSegments()) + ", in no particular order");
        m.put("filter", r.filterExpression());
        m.put("projection", r.projectionExpression());
        m.put("select", r.selectAsString());
        m.put("consistent_read", Boolean.TRUE.equals(r.consistentRead()));
        m.put("limit", plan.userLimit());
      }
      case BATCH_GET_ITEM -> {
        BatchGetItemRequest r = (BatchGetItemRequest) plan.requireSdkRequest();
        m.put("call", "BatchGetItem");
        m.put("table", plan.table());
        var items = Objects.requireNonNull(r.requestItems().get(plan.requireTable()));
        m.put("access", "up to " + items.keys().size() + " items by their full primary keys");
        m.put("projection", items.projectionExpression());
      }
      default -> m.put("call", plan.kind().name());
    }
    if (m.get("filter") != null) {
      m.put("note", "FilterExpression is applied after items are read: filtered-out items still"
          + " consume read capacity and count against Limit");
    }
    m.values().removeIf(java.util.Objects::isNull);
    return m;
  }
}
