package ai.causeflow.dbaccess.mongo;

import ai.causeflow.dbaccess.core.Operation;
import java.util.Set;

/**
 * The operations a MongoDB resource implements: the four common ones and built-in DBA reads for
 * incident investigation. Each DBA read runs a fixed command (never caller text), is allowed by
 * name in {@code allowedOperations}, is checked against the table policy, and its rows pass
 * through masking like any result. See {@code docs/mongo.md}.
 *
 * <pre>{@code
 * Policy policy = Policy.builder()
 *     .allowedOperations(Set.of(Operation.QUERY, MongoOperations.CURRENT_OPS))
 *     .build();
 * ds.execute(QueryRequest.builder(MongoOperations.COLLECTION_STATS).statement("orders").build());
 * }</pre>
 *
 * <p>Thread-safety: constants only.
 */
public final class MongoOperations {
  /** Operations running on this database, their redacted command, duration and lock waits. */
  public static final Operation CURRENT_OPS = Operation.of("current_ops");
  /** Size, document count, storage and index sizes of one collection ({@code statement}). */
  public static final Operation COLLECTION_STATS = Operation.of("collection_stats");
  /** Usage counts per index of one collection ({@code statement}); unused indexes flagged. */
  public static final Operation INDEX_STATS = Operation.of("index_stats");
  /** Connections, operation counters, memory and replication state of the server. */
  public static final Operation SERVER_STATUS = Operation.of("server_status");

  /** The built-in DBA reads. */
  public static final Set<Operation> DBA_READS = Set.of(CURRENT_OPS, COLLECTION_STATS,
      INDEX_STATS, SERVER_STATUS);

  /** Everything a MongoDB resource implements. */
  public static final Set<Operation> ALL = Set.of(Operation.QUERY, Operation.EXPLAIN,
      Operation.LIST_TABLES, Operation.DESCRIBE_TABLE, CURRENT_OPS, COLLECTION_STATS,
      INDEX_STATS, SERVER_STATUS);

  private MongoOperations() {}
}
