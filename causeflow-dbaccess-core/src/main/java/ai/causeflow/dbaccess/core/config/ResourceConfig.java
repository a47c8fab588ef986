package ai.causeflow.dbaccess.core.config;

import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code resources}.
 *
 * <p>Thread-safety: immutable value; secrets inside {@link #connection()} print as {@code ****}.
 *
 * @param id {@code [a-z0-9-]+}, unique
 * @param type the resource type, one with a registered {@link ConnectionParser} ({@code postgres},
 *     {@code mongodb}, {@code dynamodb})
 * @param name display name; default the id
 * @param connection the type's connection block, as its backend module's parser typed it
 * @param allowedOperations default query, describe_table, list_tables, explain
 * @param maxRowsPerQuery 1..100000, default 1000
 * @param statementTimeoutMs 1..3600000, default 30000
 * @param poolSize 1..100, default 5
 * @param allowedTables globs; empty means all
 * @param blockedTables globs
 * @param blockedColumns globs over {@code schema.table.column}
 */
public record ResourceConfig(
    String id,
    String type,
    String name,
    ConnectionConfig connection,
    Set<Operation> allowedOperations,
    int maxRowsPerQuery,
    long statementTimeoutMs,
    int poolSize,
    List<String> allowedTables,
    List<String> blockedTables,
    List<String> blockedColumns) {

  public ResourceConfig {
    allowedOperations = Set.copyOf(allowedOperations);
    allowedTables = List.copyOf(allowedTables);
    blockedTables = List.copyOf(blockedTables);
    blockedColumns = List.copyOf(blockedColumns);
  }

  /** The policy this resource's settings describe, with the default byte cap. */
  public Policy policy() {
    return policy(Policy.defaults().maxResultBytes());
  }

  /**
   * The policy this resource's settings describe, with a byte cap set elsewhere (a relay's
   * {@code limits.maxResultBytes}).
   */
  public Policy policy(long maxResultBytes) {
    return Policy.builder()
        .allowedOperations(allowedOperations)
        .maxRowsPerQuery(maxRowsPerQuery)
        .maxResultBytes(maxResultBytes)
        .statementTimeout(Duration.ofMillis(statementTimeoutMs))
        .allowedTables(allowedTables)
        .blockedTables(blockedTables)
        .blockedColumns(blockedColumns)
        .build();
  }
}
