package ai.causeflow.dbaccess.postgres.internal;

/**
 * The fixed SQL of the schema operations and DBA reads. None of it contains caller text; the only
 * inputs are bound parameters ({@code ?}). Sizes come from {@code pg_class.relpages} (an estimate
 * kept by VACUUM/ANALYZE) rather than {@code pg_total_relation_size}, which takes a lock and would
 * hang on exactly the ACCESS EXCLUSIVE lock an investigator is looking for.
 */
final class PgSql {
  private PgSql() {}

  private static final String SIZE = "((c.relpages::bigint"
      + " + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index ix"
      + " JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid WHERE ix.indrelid = c.oid), 0)"
      + " + coalesce((SELECT tc.relpages FROM pg_catalog.pg_class tc WHERE tc.oid = c.reltoastrelid), 0))"
      + " * current_setting('block_size')::bigint)::bigint";

  private static final String KIND = "CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN"
      + " 'partitioned_table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'f'"
      + " THEN 'foreign_table' END";

  private static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

  static final String LIST_TABLES = "SELECT n.nspname AS schema, c.relname AS name, " + KIND
      + " AS kind, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS estimated_rows, "
      + SIZE + " AS size_bytes"
      + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + USER_SCHEMAS
      + " AND (?::text IS NULL OR n.nspname = ?::text) ORDER BY 1, 2";

  static final String DESCRIBE_TABLE = "SELECT c.oid::bigint AS oid, " + KIND + " AS kind,"
      + " CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS estimated_rows, "
      + SIZE + " AS size_bytes, obj_description(c.oid, 'pg_class') AS comment"
      + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

  static final String DESCRIBE_COLUMNS = "SELECT a.attname AS name,"
      + " format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,"
      + " pg_get_expr(d.adbin, d.adrelid) AS default_value,"
      + " CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END AS identity,"
      + " a.attgenerated = 's' AS generated"
      + " FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d"
      + " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
      + " WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

  static final String DESCRIBE_INDEXES = "SELECT ic.relname AS name, x.indisunique AS is_unique,"
      + " x.indisprimary AS is_primary, x.indisvalid AS is_valid,"
      + " ARRAY(SELECT coalesce(a.attname, '(expression)') FROM unnest(x.indkey::int2[])"
      + " WITH ORDINALITY k(attnum, ord) LEFT JOIN pg_catalog.pg_attribute a"
      + " ON a.attrelid = x.indrelid AND a.attnum = k.attnum WHERE k.ord <= x.indnkeyatts"
      + " ORDER BY k.ord) AS columns,"
      + " pg_get_indexdef(x.indexrelid) AS definition"
      + " FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid"
      + " WHERE x.indrelid = ?::oid ORDER BY x.indisprimary DESC, ic.relname";

  static final String DESCRIBE_FOREIGN_KEYS = "SELECT con.conname AS name,"
      + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)"
      + " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
      + " ORDER BY k.ord) AS columns,"
      + " rn.nspname || '.' || rc.relname AS references_table,"
      + " ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)"
      + " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum"
      + " ORDER BY k.ord) AS references_columns,"
      + " pg_get_constraintdef(con.oid) AS definition"
      + " FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid"
      + " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
      + " WHERE con.conrelid = ?::oid AND con.contype = 'f' ORDER BY con.conname";

  /** Whether the role sees other sessions' state and query text. */
  static final String HAS_STATS_PRIVILEGE = "SELECT pg_has_role(current_user, 'pg_read_all_stats',"
      + " 'USAGE') OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)";

  static final String ACTIVITY = "SELECT a.pid, a.usename AS user_name, a.datname AS database,"
      + " a.application_name, host(a.client_addr) AS client_addr, a.state, a.wait_event_type,"
      + " a.wait_event, a.backend_start, a.xact_start, a.query_start, a.state_change,"
      + " (EXTRACT(EPOCH FROM clock_timestamp() - a.query_start) * 1000)::bigint AS query_ms,"
      + " (EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start) * 1000)::bigint AS xact_ms,"
      + " pg_blocking_pids(a.pid) AS blocked_by, a.query"
      + " FROM pg_catalog.pg_stat_activity a"
      + " WHERE a.backend_type = 'client backend' AND a.state IS DISTINCT FROM 'idle'"
      + " AND a.pid <> pg_backend_pid() ORDER BY a.query_start NULLS LAST, a.pid";

  static final String LOCKS = "SELECT w.pid AS blocked_pid, w.usename AS blocked_user,"
      + " w.application_name AS blocked_application, w.wait_event_type, w.wait_event,"
      + " (EXTRACT(EPOCH FROM clock_timestamp() - w.query_start) * 1000)::bigint AS blocked_ms,"
      + " l.locktype, l.mode AS wanted_mode,"
      + " CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation,"
      + " b.pid AS blocking_pid, b.usename AS blocking_user,"
      + " b.application_name AS blocking_application, b.state AS blocking_state,"
      + " (EXTRACT(EPOCH FROM clock_timestamp() - b.xact_start) * 1000)::bigint AS blocking_xact_ms,"
      + " cardinality(pg_blocking_pids(b.pid)) > 0 AS blocking_is_waiting,"
      + " w.query AS blocked_query, b.query AS blocking_query"
      + " FROM pg_catalog.pg_stat_activity w"
      + " CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)"
      + " JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid"
      + " LEFT JOIN LATERAL (SELECT pl.locktype, pl.mode, pl.relation FROM pg_catalog.pg_locks pl"
      + " WHERE pl.pid = w.pid AND NOT pl.granted LIMIT 1) l ON true"
      + " ORDER BY blocked_ms DESC NULLS LAST, w.pid, b.pid";

  static final String CONNECTIONS = "WITH s AS (SELECT state, application_name, usename"
      + " FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'),"
      + " t AS (SELECT count(*) AS total FROM s)"
      + " SELECT coalesce(s.state, 'unknown') AS state, s.application_name, s.usename AS user_name,"
      + " count(*) AS connections, t.total AS total_connections,"
      + " current_setting('max_connections')::int AS max_connections,"
      + " current_setting('superuser_reserved_connections')::int AS superuser_reserved_connections,"
      + " round(100.0 * t.total / current_setting('max_connections')::int, 1) AS used_percent"
      + " FROM s CROSS JOIN t GROUP BY s.state, s.application_name, s.usename, t.total"
      + " ORDER BY connections DESC, 1, 2, 3";

  static final String TABLE_HEALTH = "SELECT s.schemaname AS schema, s.relname AS table_name,"
      + " s.n_live_tup AS live_tuples, s.n_dead_tup AS dead_tuples,"
      + " round(100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0), 1) AS dead_percent,"
      + " s.n_mod_since_analyze AS modified_since_analyze, s.last_vacuum, s.last_autovacuum,"
      + " s.last_analyze, s.last_autoanalyze, s.vacuum_count, s.autovacuum_count, s.seq_scan,"
      + " s.seq_tup_read, s.idx_scan, s.idx_tup_fetch, " + SIZE + " AS size_bytes"
      + " FROM pg_catalog.pg_stat_user_tables s JOIN pg_catalog.pg_class c ON c.oid = s.relid"
      + " WHERE (?::text IS NULL OR s.schemaname = ?::text)"
      + " ORDER BY s.n_dead_tup DESC, 1, 2";

  static final String INDEX_HEALTH = "SELECT s.schemaname AS schema, s.relname AS table_name,"
      + " s.indexrelname AS index_name,"
      + " CASE WHEN NOT x.indisvalid THEN 'invalid' WHEN NOT x.indisready THEN 'not_ready'"
      + " ELSE 'unused' END AS problem, s.idx_scan, x.indisunique AS is_unique,"
      + " x.indisvalid AS is_valid,"
      + " (c.relpages::bigint * current_setting('block_size')::bigint) AS size_bytes,"
      + " (SELECT d.stats_reset FROM pg_catalog.pg_stat_database d"
      + " WHERE d.datname = current_database()) AS stats_since,"
      + " pg_get_indexdef(x.indexrelid) AS definition"
      + " FROM pg_catalog.pg_stat_user_indexes s"
      + " JOIN pg_catalog.pg_index x ON x.indexrelid = s.indexrelid"
      + " JOIN pg_catalog.pg_class c ON c.oid = s.indexrelid"
      + " WHERE (NOT x.indisvalid OR NOT x.indisready OR (s.idx_scan = 0 AND NOT x.indisunique"
      + " AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k"
      + " WHERE k.conindid = x.indexrelid)))"
      + " AND (?::text IS NULL OR s.schemaname = ?::text)"
      + " ORDER BY 4, 8 DESC, 1, 2, 3";

  static final String IN_RECOVERY = "SELECT pg_is_in_recovery()";

  static final String REPLICATION_PRIMARY = "SELECT 'replica' AS kind, r.application_name AS name,"
      + " host(r.client_addr) AS client_addr, r.state, r.sync_state, r.sent_lsn::text AS sent_lsn,"
      + " r.replay_lsn::text AS replay_lsn,"
      + " pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint AS lag_bytes,"
      + " (EXTRACT(EPOCH FROM r.replay_lag) * 1000)::bigint AS replay_lag_ms, NULL::text AS note"
      + " FROM pg_catalog.pg_stat_replication r"
      + " UNION ALL SELECT 'slot', s.slot_name::text, NULL, CASE WHEN s.active THEN 'active'"
      + " ELSE 'inactive' END, s.slot_type, NULL, s.restart_lsn::text,"
      + " pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint, NULL,"
      + " CASE WHEN NOT s.active THEN 'an inactive slot retains WAL until it is dropped' END"
      + " FROM pg_catalog.pg_replication_slots s"
      + " UNION ALL SELECT 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
      + " 'primary with no connected replicas and no replication slots'"
      + " WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_replication)"
      + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots)";

  static final String REPLICATION_STANDBY = "SELECT 'standby' AS kind, NULL::text AS name,"
      + " NULL::text AS client_addr, 'streaming' AS state, NULL::text AS sync_state,"
      + " pg_last_wal_receive_lsn()::text AS sent_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn,"
      + " pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint AS lag_bytes,"
      + " (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint"
      + " AS replay_lag_ms, 'this server is a standby; replay_lag_ms is the age of the last"
      + " replayed transaction' AS note";

  static final String STAT_STATEMENTS_SCHEMA = "SELECT n.nspname FROM pg_catalog.pg_extension e"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
      + " WHERE e.extname = 'pg_stat_statements'";

  static String topStatements(String schema) {
    return "SELECT s.queryid::text AS queryid, r.rolname AS user_name, d.datname AS database,"
        + " s.calls, round(s.total_exec_time::numeric, 3) AS total_exec_ms,"
        + " round(s.mean_exec_time::numeric, 3) AS mean_exec_ms,"
        + " round(s.max_exec_time::numeric, 3) AS max_exec_ms, s.rows,"
        + " s.shared_blks_hit, s.shared_blks_read, s.temp_blks_written, s.query"
        + " FROM " + PgSession.quoteIdent(schema) + ".pg_stat_statements s"
        + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid"
        + " LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid"
        + " ORDER BY s.total_exec_time DESC, s.queryid";
  }
}
