package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.Operation;
import java.util.Set;

/**
 * The operations a PostgreSQL resource implements: the four common ones and the built-in DBA reads
 * for incident investigation. Each DBA read runs fixed SQL (never caller text) inside the same
 * read-only transaction as a query, is allowed by name in {@code allowedOperations}, and its rows
 * pass through masking like any result. See {@code docs/postgres.md} for their columns and the
 * privileges each needs.
 *
 * <pre>{@code
 * Policy policy = Policy.builder()
 *     .allowedOperations(Set.of(Operation.QUERY, PostgresOperations.ACTIVITY, PostgresOperations.LOCKS))
 *     .build();
 * ds.execute(QueryRequest.builder(PostgresOperations.LOCKS).build());
 * }</pre>
 *
 * <p>Thread-safety: constants only.
 */
public final class PostgresOperations {
  /** Non-idle client sessions: pid, state, wait event, durations, literal-redacted query text. */
  public static final Operation ACTIVITY = Operation.of("activity");
  /** Blocking chains: one row per (waiting session, session it waits on) edge. */
  public static final Operation LOCKS = Operation.of("locks");
  /** The heaviest statements from {@code pg_stat_statements} (a coded error when not installed). */
  public static final Operation TOP_STATEMENTS = Operation.of("top_statements");
  /** Connections by state, application and user against {@code max_connections}. */
  public static final Operation CONNECTIONS = Operation.of("connections");
  /** Dead tuples, vacuum/analyze times, sequential vs index scans per table. */
  public static final Operation TABLE_HEALTH = Operation.of("table_health");
  /** Unused and invalid indexes. */
  public static final Operation INDEX_HEALTH = Operation.of("index_health");
  /** Replicas and their lag, replication slots and retained WAL, or the standby's replay delay. */
  public static final Operation REPLICATION = Operation.of("replication");

  /** The built-in DBA reads. */
  public static final Set<Operation> DBA_READS = Set.of(ACTIVITY, LOCKS, TOP_STATEMENTS,
      CONNECTIONS, TABLE_HEALTH, INDEX_HEALTH, REPLICATION);

  /** Everything a PostgreSQL resource implements. */
  public static final Set<Operation> ALL = Set.of(Operation.QUERY, Operation.EXPLAIN,
      Operation.LIST_TABLES, Operation.DESCRIBE_TABLE, ACTIVITY, LOCKS, TOP_STATEMENTS,
      CONNECTIONS, TABLE_HEALTH, INDEX_HEALTH, REPLICATION);

  private PostgresOperations() {}
}
