package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.internal.Glob;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Functions refused wherever they appear in a statement. Matched case-insensitively against the
 * function's own name (the last part of a qualified name) and, for the rules containing a dot,
 * against the qualified name as written. A read-only transaction stops none of these: they take
 * locks, sleep, signal other backends, read server files, run SQL text of their own (escaping the
 * table policy), reach other servers, or change server or session state.
 *
 * <p>Thread-safety: immutable.
 */
public final class FunctionDenyList {
  /** Each rule with the reason shown in refusals. Kept in docs/postgres-validation.md too. */
  public static final List<String[]> RULES = List.of(
      // session and configuration state
      rule("set_config", "changes settings (even the session default of read-only)"),
      rule("pg_reload_conf", "reloads server configuration"),
      rule("pg_rotate_logfile*", "server administration"),
      rule("pg_logfile_rotate", "server administration"),
      // sequences
      rule("nextval", "advances a sequence (not undone by rollback)"),
      rule("setval", "sets a sequence (not undone by rollback)"),
      // locks and waits
      rule("pg_advisory_*", "advisory locks outlive the transaction"),
      rule("pg_try_advisory_*", "advisory locks outlive the transaction"),
      rule("pg_sleep*", "holds a connection doing nothing"),
      // other backends
      rule("pg_terminate_backend", "kills another session"),
      rule("pg_cancel_backend", "cancels another session's query"),
      rule("pg_signal_backend", "signals another session"),
      rule("pg_log_backend_memory_contexts", "signals another session"),
      // server files
      rule("pg_read_file*", "reads server files"),
      rule("pg_read_binary_file*", "reads server files"),
      rule("pg_ls_*", "lists server directories"),
      rule("pg_stat_file", "inspects server files"),
      rule("pg_file_*", "adminpack writes server files"),
      rule("pg_logdir_ls", "adminpack lists server files"),
      // large objects
      rule("lo_*", "large-object functions import/export server files and write"),
      rule("loread", "large-object I/O"),
      rule("lowrite", "large-object I/O"),
      // other servers and background work
      rule("dblink*", "connects to other servers (dblink_exec writes)"),
      rule("pg_background_*", "runs SQL in another session"),
      rule("cron.*", "pg_cron schedules SQL"),
      rule("http_*", "pgsql-http reaches the network"),
      // notifications and transaction ids
      rule("pg_notify", "sends a notification"),
      rule("txid_current", "assigns a transaction id"),
      rule("pg_current_xact_id", "assigns a transaction id"),
      rule("pg_export_snapshot", "exports a snapshot to other sessions"),
      // functions that run SQL text of their own (would bypass the table policy)
      rule("query_to_xml*", "runs SQL text of its own"),
      rule("table_to_xml*", "dumps a whole table outside the table policy"),
      rule("cursor_to_xml*", "reads a cursor"),
      rule("schema_to_xml*", "dumps a whole schema"),
      rule("database_to_xml*", "dumps the whole database"),
      rule("ts_stat", "runs SQL text of its own"),
      rule("ts_rewrite", "runs SQL text of its own"),
      // XML parsing: DTDs and entities
      rule("xmlparse", "XML parsing with DTDs/entities is refused"),
      rule("xml", "XML parsing with DTDs/entities is refused"),
      // replication, WAL, backups, recovery
      rule("pg_*replication*", "replication slot/origin management"),
      rule("pg_logical_*", "logical decoding (consumes or emits WAL messages)"),
      rule("pg_create_*", "creates server objects (slots, restore points)"),
      rule("pg_drop_*", "drops server objects"),
      rule("pg_copy_*_slot", "creates replication slots"),
      rule("pg_backup_*", "backup control"),
      rule("pg_start_backup", "backup control"),
      rule("pg_stop_backup", "backup control"),
      rule("pg_switch_wal", "forces a WAL switch"),
      rule("pg_switch_xlog", "forces a WAL switch"),
      rule("pg_wal_replay_*", "recovery control"),
      rule("pg_xlog_replay_*", "recovery control"),
      rule("pg_promote", "promotes a standby"),
      rule("pg_sync_replication_slots", "replication control"),
      rule("pg_log_standby_snapshot", "writes WAL"),
      // statistics and maintenance with side effects
      rule("pg_stat_*reset*", "resets statistics"),
      rule("pg_import_system_collations", "creates collations"),
      rule("pg_truncate_visibility_map", "modifies a relation's visibility map"),
      rule("pg_prewarm", "loads relations into memory"),
      // index maintenance that writes even inside a READ ONLY transaction (verified on 17)
      rule("brin_summarize_*", "writes BRIN index summaries (not stopped by a read-only transaction)"),
      rule("brin_desummarize_range", "writes a BRIN index (not stopped by a read-only transaction)"),
      rule("gin_clean_pending_list", "writes a GIN index (not stopped by a read-only transaction)"),
      // session state that DISCARD ALL does not reset, and shared counters
      rule("setseed", "changes the session's random seed, which outlives the request"),
      rule("pg_nextoid", "consumes an object identifier from the server-wide counter"),
      // XML parsing entry points other than casts and XMLPARSE
      rule("xml_in", "XML parsing with DTDs/entities is refused"),
      rule("xml_recv", "XML parsing with DTDs/entities is refused"),
      rule("xml_is_well_formed*", "XML parsing with DTDs/entities is refused"),
      rule("xpath*", "parses its text argument as XML (DTDs/entities)"),
      rule("xmlconcat*", "parses text arguments as XML (DTDs/entities)"),
      rule("xml_out", "parses a text argument as XML (DTDs/entities)"),
      rule("xml_send", "parses a text argument as XML (DTDs/entities)"),
      rule("xmlvalidate", "parses a text argument as XML (DTDs/entities)"),
      rule("xmlexists", "parses a text argument as XML (DTDs/entities)"),
      rule("xmlagg", "parses text arguments as XML (DTDs/entities)"),
      rule("pg_input_is_valid", "runs the input function of a type named at run time (e.g. xml)"),
      rule("pg_input_error_info", "runs the input function of a type named at run time (e.g. xml)"),
      // contrib extensions: SQL text of their own, raw pages and WAL of any relation, writes
      rule("crosstab*", "tablefunc runs SQL text of its own"),
      rule("connectby", "tablefunc reads a table named at run time"),
      rule("get_raw_page", "pageinspect reads raw pages of any relation"),
      rule("*_page_items*", "pageinspect decodes raw page contents"),
      rule("heap_page_item*", "pageinspect decodes raw page contents"),
      rule("gin_leafpage_items", "pageinspect decodes raw page contents"),
      rule("tuple_data_split", "pageinspect decodes raw tuple contents"),
      rule("pg_get_wal_record*", "pg_walinspect reads WAL contents"),
      rule("pg_get_wal_block_info", "pg_walinspect reads WAL page images of any relation"),
      rule("pg_get_wal_stats*", "pg_walinspect reads WAL contents"),
      rule("heap_force_*", "pg_surgery writes heap pages"),
      rule("pg_buffercache_evict*", "evicts shared buffers"),
      rule("autoprewarm_*", "starts a background worker or writes a file"),
      rule("bt_index_parent_check", "amcheck takes a ShareLock that blocks writes to the table"),
      // --- issue 8 (sec): server paths and identifiers; raw pages and free space of any relation
      rule("pg_config", "reveals server installation paths and build options"),
      rule("pg_control_*", "reveals the control file: system identifier, paths, WAL positions"),
      rule("pg_current_logfile", "reveals server log file paths"),
      rule("pg_tablespace_location", "reveals server file system paths"),
      rule("pg_relation_filepath", "reveals server file system paths"),
      rule("pg_relation_filenode", "reveals on-disk file identifiers"),
      rule("pg_filenode_relation", "maps on-disk file identifiers to relations"),
      rule("page_header", "pageinspect reads raw pages of any relation"),
      rule("page_checksum", "pageinspect reads raw pages of any relation"),
      rule("fsm_page_contents", "pageinspect reads raw pages of any relation"),
      rule("bt_metap", "pageinspect reads raw index pages"),
      rule("bt_page_stats", "pageinspect reads raw index pages"),
      rule("bt_multi_page_stats", "pageinspect reads raw index pages"),
      rule("brin_metapage_info", "pageinspect reads raw index pages"),
      rule("brin_revmap_data", "pageinspect reads raw index pages"),
      rule("gin_metapage_info", "pageinspect reads raw index pages"),
      rule("gin_page_opaque_info", "pageinspect reads raw index pages"),
      rule("hash_metapage_info", "pageinspect reads raw index pages"),
      rule("hash_page_*", "pageinspect reads raw index pages"),
      rule("hash_bitmap_info", "pageinspect reads raw index pages"),
      rule("gist_page_opaque_info", "pageinspect reads raw index pages"),
      rule("pg_freespace", "pg_freespacemap reads the free space map of any relation"),
      rule("pg_visibility_map_summary", "pg_visibility reads the visibility map"),
      // ---- backend state that DISCARD ALL does not reset (issue 8, session state; keep apart)
      // isn_weak(bool) assigns the isn extension's C variable directly, bypassing the GUC
      // machinery: RESET ALL and ROLLBACK leave it set for the next request on the connection
      rule("isn_weak", "isn: sets a backend flag that outlives the request (DISCARD ALL keeps it)"),
      // extensions' shared statistics (pg_qualstats_reset, pg_stat_kcache_reset,
      // pg_wait_sampling_reset_profile, pg_store_plans_reset ...): server-wide state
      rule("*_reset", "resets an extension's server-wide statistics"),
      rule("*_reset_profile", "resets an extension's server-wide statistics"));

  private static final List<Glob> SIMPLE = RULES.stream()
      .filter(r -> !r[0].contains(".")).map(r -> Glob.of(r[0])).toList();
  private static final List<Glob> QUALIFIED = RULES.stream()
      .filter(r -> r[0].contains(".")).map(r -> Glob.of(r[0])).toList();

  /**
   * Functions behind the statistics/system views: they return what the view returns (other
   * sessions' query text, locks, settings), so they are allowed only where the view would be,
   * when an allowedTables rule names {@code pg_catalog}.
   */
  public static final List<String[]> CATALOG_READERS = List.of(
      rule("pg_stat_get_activity", "pg_stat_activity"),
      rule("pg_stat_get_backend_*", "pg_stat_activity"),
      rule("pg_stat_statements*", "pg_stat_statements"),
      rule("pg_stat_monitor*", "pg_stat_monitor"),
      rule("pg_qualstats*", "pg_qualstats"),
      rule("pg_show_plans*", "pg_show_plans"),
      rule("pg_store_plans*", "pg_store_plans"),
      rule("pg_lock_status", "pg_locks"),
      rule("pg_show_all_settings", "pg_settings"),
      rule("pg_show_all_file_settings", "pg_file_settings"),
      rule("pg_hba_file_rules", "pg_hba_file_rules"),
      rule("pg_ident_file_mappings", "pg_ident_file_mappings"),
      rule("pg_stat_get_wal_senders", "pg_stat_replication"),
      rule("pg_stat_get_wal_receiver", "pg_stat_wal_receiver"),
      rule("pg_get_replication_slots", "pg_replication_slots"),
      rule("pg_prepared_statement", "pg_prepared_statements"),
      rule("pg_prepared_xact", "pg_prepared_xacts"),
      rule("pg_cursor", "pg_cursors"),
      rule("pg_get_backend_memory_contexts", "pg_backend_memory_contexts"),
      rule("pg_get_shmem_allocations", "pg_shmem_allocations"),
      rule("pg_stat_get_progress_info", "pg_stat_progress_*"),
      rule("pg_stat_get_subscription*", "pg_stat_subscription"),
      // issue 8 (sec): the server's own address, as pg_stat_activity shows client addresses
      rule("inet_server_addr", "pg_stat_activity (server address)"),
      rule("inet_server_port", "pg_stat_activity (server port)"));

  private static final List<Glob> CATALOG_READER_GLOBS = CATALOG_READERS.stream()
      .map(r -> Glob.of(r[0])).toList();

  // --- issue 8 (sec): functions about one relation, named by their first argument ------------

  /**
   * Functions whose first argument names a relation and whose result reveals that relation's
   * size, row count, row locks, tuple statistics, visibility or definition. They are accepted only
   * when that argument is a literal ({@code 'orders'} or {@code 'orders'::regclass}) naming a
   * relation the table rule allows; the named relation is then judged like a table of the
   * statement (also under views, partitions and inheritance). A computed argument (a column, an
   * oid, an expression) could name any relation: for {@link #RELATION_CONTENTS} it is refused, for
   * the others it is accepted only where the catalog would show the same (an allowedTables rule
   * names {@code pg_catalog}).
   */
  public static final List<String> RELATION_METADATA = List.of("pg_relation_size",
      "pg_total_relation_size", "pg_table_size", "pg_indexes_size", "pg_get_viewdef",
      "pg_stat_get_*", "pg_stat_get_xact_*", "pg_get_partkeydef", "pg_partition_tree",
      "pg_partition_ancestors", "pg_partition_root", "pg_get_replica_identity_index",
      "pg_column_is_updatable", "pg_relation_is_updatable", "pg_indexam_has_property",
      "pg_index_has_property", "pg_index_column_has_property", "pg_get_serial_sequence");

  /** Relation functions that read contents-level detail: a literal allowed relation only. */
  public static final List<String> RELATION_CONTENTS = List.of("pgstattuple*", "pgstatindex",
      "pgstatginindex", "pgstathashindex", "pgrowlocks", "pg_visibility*", "pg_check_frozen",
      "pg_check_visible");

  /**
   * Definition functions taking an object id (of a rule, trigger, index, constraint, statistics
   * object, or an expression node of a relation): the definition can name blocked columns and
   * carry literals, and the id itself comes from the catalog, so they are catalog readers.
   */
  public static final List<String[]> DEFINITION_READERS = List.of(
      rule("pg_get_ruledef", "pg_rules"), rule("pg_get_triggerdef", "pg_trigger"),
      rule("pg_get_indexdef", "pg_indexes"), rule("pg_get_constraintdef", "pg_constraint"),
      rule("pg_get_statisticsobjdef*", "pg_statistic_ext"), rule("pg_get_expr", "pg_attrdef"),
      rule("pg_get_functiondef", "pg_proc"), rule("pg_get_function_*", "pg_proc"),
      rule("pg_get_policydef", "pg_policies"));

  private static final List<Glob> RELATION_METADATA_GLOBS = Glob.all(RELATION_METADATA);
  private static final List<Glob> RELATION_CONTENTS_GLOBS = Glob.all(RELATION_CONTENTS);
  private static final List<Glob> DEFINITION_READER_GLOBS = DEFINITION_READERS.stream()
      .map(r -> Glob.of(r[0])).toList();

  /** How a function taking a relation as its first argument is limited; null if it is not one. */
  public enum RelationArgument { METADATA, CONTENTS }

  public static @Nullable RelationArgument relationArgument(String simpleName) {
    if (Glob.firstMatch(RELATION_CONTENTS_GLOBS, simpleName) != null) {
      return RelationArgument.CONTENTS;
    }
    if (Glob.firstMatch(RELATION_METADATA_GLOBS, simpleName) != null) {
      return RelationArgument.METADATA;
    }
    return null;
  }

  /** The catalog relation a definition function reads, or null. */
  public static @Nullable String definitionReader(String simpleName) {
    Glob g = Glob.firstMatch(DEFINITION_READER_GLOBS, simpleName);
    return g == null ? null : DEFINITION_READERS.stream().filter(r -> r[0].equals(g.source()))
        .findFirst().map(r -> r[1]).orElse("the catalog");
  }

  private FunctionDenyList() {}

  /** The system view a catalog-reading function stands for, or null. */
  public static @Nullable String catalogReader(String simpleName) {
    Glob g = Glob.firstMatch(CATALOG_READER_GLOBS, simpleName);
    if (g == null) {
      return null;
    }
    return CATALOG_READERS.stream().filter(r -> r[0].equals(g.source())).findFirst()
        .map(r -> r[1]).orElse("a system view");
  }

  /**
   * The first rule that refuses a function, or null. {@code simpleName} is the function's own
   * name, {@code qualifiedName} the dotted name as written (both unquoted).
   */
  public static @Nullable String refusal(String simpleName, String qualifiedName) {
    Glob g = Glob.firstMatch(SIMPLE, simpleName);
    if (g == null) {
      g = Glob.firstMatch(QUALIFIED, qualifiedName);
    }
    if (g == null) {
      return null;
    }
    String rule = g.source();
    String reason = RULES.stream().filter(r -> r[0].equals(rule)).findFirst().map(r -> r[1])
        .orElse("denied");
    return "function '" + qualifiedName + "' matches the function deny list rule '" + rule + "' ("
        + reason + ")";
  }

  private static String[] rule(String glob, String reason) {
    return new String[] {glob, reason};
  }
}
