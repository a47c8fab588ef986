package ai.causeflow.dbaccess.postgres.internal;

import java.util.Objects;
import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.postgres.PostgresOperations;
import ai.causeflow.dbaccess.postgres.PostgresOptions;
import ai.causeflow.dbaccess.postgres.PostgresQueryValidator;
import ai.causeflow.dbaccess.postgres.ValidatedQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL half of the pipeline: validation through {@link PostgresQueryValidator} for
 * {@code query}/{@code explain}, identifier checks for schema operations, fixed SQL for DBA reads,
 * and read-only execution through {@link PgSession}.
 *
 * <p>Thread-safety: thread-safe; one instance per data source.
 */
public final class PostgresBackend implements Backend {
  private static final int[] NO_PARAMS = new int[0];
  private static final int[] ONE_PARAM_TWICE = {1, 1};

  private final ConnectionSource source;
  private final PostgresOptions options;
  private final PostgresQueryValidator validator;

  public PostgresBackend(ConnectionSource source, PostgresOptions options,
      PostgresQueryValidator validator) {
    this.source = source;
    this.options = options;
    this.validator = validator;
  }

  @Override
  public String type() {
    return "postgres";
  }

  @Override
  public Set<Operation> supportedOperations() {
    return PostgresOperations.ALL;
  }

  @Override
  public QueryPlan validate(QueryRequest request, Policy policy) {
    Operation op = request.operation();
    // first: a NUL is refused with its own message whatever else the lexer would say of it
    PgSession.refuseNul(request.statement(), request.parameters());
    if (op.equals(Operation.QUERY) || op.equals(Operation.EXPLAIN)) {
      ValidatedQuery vq = validated(request.statement(), policy);
      int max = vq.jdbc().maxParameter();
      int given = request.parameters().size();
      if (given != max) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: the statement uses "
            + max + " parameter(s) ($1..$" + max + ") but " + given + " were given");
      }
      return new PgPlan(request, vq.tables(), vq.jdbc().sql(), vq.jdbc().parameterIndexes(), max,
          null, null, vq.columns());
    }
    if (op.equals(Operation.LIST_TABLES) || op.equals(PostgresOperations.TABLE_HEALTH)
        || op.equals(PostgresOperations.INDEX_HEALTH)) {
      String schema = null;
      if (!request.statement().isBlank()) {
        schema = PgIdentifiers.parse(request.statement(), 1, "a schema name").get(0);
      }
      noParameters(request);
      return new PgPlan(request, Set.of(), null, NO_PARAMS, 0, schema, null, Set.of());
    }
    if (op.equals(Operation.DESCRIBE_TABLE)) {
      List<String> parts = PgIdentifiers.parse(request.statement(), 2, "a table or schema.table");
      String schema = parts.size() == 2 ? parts.get(0) : options.defaultSchema();
      String table = parts.get(parts.size() - 1);
      String qualified = schema + "." + table;
      policy.checkTable(qualified);
      noParameters(request);
      return new PgPlan(request, Set.of(qualified), null, NO_PARAMS, 0, schema, table, Set.of());
    }
    if (PostgresOperations.DBA_READS.contains(op)) {
      if (!request.statement().isBlank()) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS,
            "statement: operation '" + op + "' takes no statement (it runs fixed SQL)");
      }
      noParameters(request);
      return new PgPlan(request, Set.of(), null, NO_PARAMS, 0, null, null, Set.of());
    }
    throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED,
        "operation '" + op + "' is not supported by a postgres resource");
  }

  private ValidatedQuery validated(String sql, Policy policy) {
    // The validator caches results (and refusals) keyed by statement text and policy.
    return validator.validate(sql, policy);
  }

  private static void noParameters(QueryRequest request) {
    if (!request.parameters().isEmpty()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS,
          "parameters: operation '" + request.operation() + "' takes no parameters");
    }
  }

  @Override
  public RowCursor open(QueryPlan queryPlan, ExecutionContext ctx) {
    if (!(queryPlan instanceof PgPlan plan)) {
      throw new DbAccessException(ErrorCode.INTERNAL, "plan was not made by this backend");
    }
    PgSession.refuseNul(plan.request().statement(), plan.request().parameters());
    PgSession session = PgSession.open(source, ctx, options.defaultSchema(),
        options.lockTimeout(), options.connectionWait());
    ctx.onCancel(session::cancel);
    int fetch = Math.max(1, Math.min(options.fetchSize(), ctx.maxRowsToRead()));
    Operation op = plan.operation();
    Policy policy = ctx.policy();
    PlanAuthority.Lineage lineage = null;
    try {
      if (op.equals(Operation.QUERY) || op.equals(Operation.EXPLAIN)) {
        session.refuseIfLoggedWhole(Objects.requireNonNull(plan.jdbcSql()));
        RelationGuard.check(session, plan.tables(), policy);
        // the server's own name resolution: what the plan scans is judged too, always (the
        // catalog rule holds under every policy); see PlanAuthority
        lineage = PlanAuthority.check(session, Objects.requireNonNull(plan.jdbcSql()), plan.parameterIndexes(),
            plan.request().parameters(), plan.tables(), policy);
      }
      if (op.equals(Operation.QUERY)) {
        return PgCursor.execute(session, ctx, Objects.requireNonNull(plan.jdbcSql()), plan.parameterIndexes(),
            plan.request().parameters(), fetch, policy, null, null, lineage);
      }
      if (op.equals(Operation.EXPLAIN)) {
        return explain(session, ctx, plan, fetch);
      }
      if (op.equals(Operation.LIST_TABLES)) {
        return PgCursor.execute(session, ctx, PgSql.LIST_TABLES, ONE_PARAM_TWICE,
            schemaParam(plan), fetch, null, row -> allowed(policy, row, "schema", "name"), null);
      }
      if (op.equals(Operation.DESCRIBE_TABLE)) {
        return describe(session, plan, policy);
      }
      if (op.equals(PostgresOperations.TABLE_HEALTH)) {
        return PgCursor.execute(session, ctx, PgSql.TABLE_HEALTH, ONE_PARAM_TWICE,
            schemaParam(plan), fetch, null, row -> allowed(policy, row, "schema", "table_name"),
            null);
      }
      if (op.equals(PostgresOperations.INDEX_HEALTH)) {
        return PgCursor.execute(session, ctx, PgSql.INDEX_HEALTH, ONE_PARAM_TWICE,
            schemaParam(plan), fetch, null, row -> allowed(policy, row, "schema", "table_name"),
            null);
      }
      return dbaRead(session, ctx, op, fetch);
    } catch (SQLException e) {
      if (SqlErrors.isFatal(e)) {
        session.markBroken();
      }
      // the caller's own statement lets the error name an identifier it misspelled (the plan
      // authority's EXPLAIN meets an undefined column before the statement runs)
      DbAccessException mapped = SqlErrors.map(e, "running " + op,
          plan.request().statement().isBlank() ? null : plan.request().statement());
      session.close();
      throw mapped;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * {@code EXPLAIN (FORMAT JSON)} of the validated statement with its parameters bound, never
   * ANALYZE. Values are required for {@code $n}: {@code EXPLAIN (GENERIC_PLAN)} cannot be used
   * through the extended protocol (tested: the server plans with whatever values are bound), and
   * splicing placeholders into text is what this library never does.
   */
  private RowCursor explain(PgSession session, ExecutionContext ctx, PgPlan plan, int fetch)
      throws SQLException {
    return PgCursor.execute(session, ctx, "EXPLAIN (FORMAT JSON) " + plan.jdbcSql(),
        plan.parameterIndexes(), plan.request().parameters(), fetch, null, null,
        new String[] {"plan"});
  }

  private static List<@Nullable Object> schemaParam(PgPlan plan) {
    List<@Nullable Object> p = new ArrayList<>(1);
    p.add(plan.schema());
    return p;
  }

  private static @Nullable Map<String, @Nullable Object> allowed(Policy policy,
      Map<String, @Nullable Object> row, String schemaKey, String tableKey) {
    return policy.isTableAllowed(row.get(schemaKey) + "." + row.get(tableKey)) ? row : null;
  }

  private RowCursor dbaRead(PgSession session, ExecutionContext ctx, Operation op, int fetch)
      throws SQLException {
    Connection c = session.connection();
    requireStatsPrivilege(c, op);
    String sql;
    if (op.equals(PostgresOperations.ACTIVITY)) {
      sql = PgSql.ACTIVITY;
    } else if (op.equals(PostgresOperations.LOCKS)) {
      sql = PgSql.LOCKS;
    } else if (op.equals(PostgresOperations.CONNECTIONS)) {
      sql = PgSql.CONNECTIONS;
    } else if (op.equals(PostgresOperations.REPLICATION)) {
      sql = scalarBoolean(c, PgSql.IN_RECOVERY) ? PgSql.REPLICATION_STANDBY
          : PgSql.REPLICATION_PRIMARY;
    } else if (op.equals(PostgresOperations.TOP_STATEMENTS)) {
      sql = topStatementsSql(c);
    } else {
      throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED,
          "operation '" + op + "' is not supported by a postgres resource");
    }
    try {
      return PgCursor.execute(session, ctx, sql, NO_PARAMS, List.of(), fetch, null,
          PostgresBackend::redactQueries, null);
    } catch (DbAccessException e) {
      if (op.equals(PostgresOperations.TOP_STATEMENTS)
          && "55000".equals(e.driverCode().orElse(null))) {
        throw new DbAccessException(ErrorCode.QUERY_FAILED, "top_statements: pg_stat_statements is"
            + " installed but not loaded; add it to shared_preload_libraries and restart the"
            + " server", "55000", e);
      }
      throw e;
    }
  }

  /** Other sessions' statement text carries literals (PII): keep its shape, drop its values. */
  private static Map<String, @Nullable Object> redactQueries(Map<String, @Nullable Object> row) {
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      if (e.getKey().endsWith("query") && e.getValue() instanceof String s) {
        e.setValue(PgLexer.redactLiterals(s));
      }
    }
    return row;
  }

  private static void requireStatsPrivilege(Connection c, Operation op) throws SQLException {
    if (op.equals(PostgresOperations.TABLE_HEALTH) || op.equals(PostgresOperations.INDEX_HEALTH)) {
      return;
    }
    if (!scalarBoolean(c, PgSql.HAS_STATS_PRIVILEGE)) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "operation '" + op + "' needs the"
          + " database role to have pg_read_all_stats (GRANT pg_monitor TO <role>); without it"
          + " PostgreSQL hides other sessions and the result would be silently incomplete",
          "42501");
    }
  }

  private static String topStatementsSql(Connection c) throws SQLException {
    String schema = null;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(PgSql.STAT_STATEMENTS_SCHEMA)) {
      if (rs.next()) {
        schema = rs.getString(1);
      }
    }
    if (schema == null) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "top_statements: pg_stat_statements is"
          + " not installed in this database; add pg_stat_statements to shared_preload_libraries,"
          + " restart, then run CREATE EXTENSION pg_stat_statements", "42P01");
    }
    return PgSql.topStatements(schema);
  }

  private static boolean scalarBoolean(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private RowCursor describe(PgSession session, PgPlan plan, Policy policy) throws SQLException {
    Connection c = session.connection();
    String schema = plan.schema();
    String table = Objects.requireNonNull(plan.table(), "table");
    String qualified = schema + "." + table;
    Map<String, @Nullable Object> details = new LinkedHashMap<>();
    String kind;
    Long estimatedRows;
    long oid;
    try (PreparedStatement ps = c.prepareStatement(PgSql.DESCRIBE_TABLE)) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new DbAccessException(ErrorCode.QUERY_FAILED, "describe_table: table '" + qualified
              + "' does not exist or is not visible to the database role", "42P01");
        }
        oid = rs.getLong("oid");
        kind = rs.getString("kind");
        long rows = rs.getLong("estimated_rows");
        estimatedRows = rs.wasNull() ? null : rows;
        details.put("size_bytes", nullableLong(rs, "size_bytes"));
        details.put("comment", rs.getString("comment"));
      }
    }
    List<TableDescription.Field> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PgSql.DESCRIBE_COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString("name");
          boolean blocked = policy.isColumnBlocked(qualified + "." + name);
          Map<String, @Nullable Object> more = new LinkedHashMap<>();
          // A blocked column is listed (its name is schema, not data) but its default is not.
          more.put("default", blocked ? null : rs.getString("default_value"));
          more.put("identity", rs.getString("identity"));
          more.put("generated", rs.getBoolean("generated"));
          columns.add(new TableDescription.Field(name, rs.getString("type"),
              rs.getBoolean("nullable"), null, blocked, more));
        }
      }
    }
    List<TableDescription.Index> indexes = new ArrayList<>();
    List<String> primaryKey = List.of();
    try (PreparedStatement ps = c.prepareStatement(PgSql.DESCRIBE_INDEXES)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> cols = names(PgValues.PgArrays.parse(rs.getString("columns"), "name"));
          if (rs.getBoolean("is_primary")) {
            primaryKey = cols;
          }
          Map<String, @Nullable Object> more = new LinkedHashMap<>();
          more.put("primary", rs.getBoolean("is_primary"));
          more.put("valid", rs.getBoolean("is_valid"));
          more.put("definition", rs.getString("definition"));
          indexes.add(new TableDescription.Index(rs.getString("name"), cols,
              rs.getBoolean("is_unique"), more));
        }
      }
    }
    List<Map<String, @Nullable Object>> fks = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PgSql.DESCRIBE_FOREIGN_KEYS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, @Nullable Object> fk = new LinkedHashMap<>();
          fk.put("name", rs.getString("name"));
          fk.put("columns", PgValues.PgArrays.parse(rs.getString("columns"), "name"));
          fk.put("references_table", rs.getString("references_table"));
          fk.put("references_columns",
              PgValues.PgArrays.parse(rs.getString("references_columns"), "name"));
          fk.put("definition", rs.getString("definition"));
          fks.add(fk);
        }
      }
    }
    details.put("foreign_keys", fks);
    TableDescription d = new TableDescription(schema, table, kind, estimatedRows, columns,
        primaryKey, indexes, details);
    List<Column> cols = new ArrayList<>(TableDescription.COLUMNS);
    cols.add(new Column("size_bytes", "int8"));
    cols.add(new Column("comment", "text"));
    cols.add(new Column("foreign_keys", "json"));
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    rows.add(d.toRow());
    return new ListCursor(List.copyOf(cols), rows, session);
  }

  private static List<String> names(List<@Nullable Object> values) {
    List<String> out = new ArrayList<>(values.size());
    for (Object v : values) {
      out.add(String.valueOf(v));
    }
    return out;
  }

  private static @Nullable Object nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : PgValues.integer(Long.toString(v));
  }

  @Override
  public HealthStatus health(Duration timeout) {
    long start = System.nanoTime();
    Instant now = Instant.now();
    ExecutionContext ctx = new ExecutionContext("health", "health", Policy.defaults(), timeout,
        now.plus(timeout), 1);
    try {
      PgSession s = PgSession.open(source, ctx, options.defaultSchema(), options.lockTimeout(),
          timeout);
      s.close();
      return HealthStatus.up((System.nanoTime() - start) / 1_000_000);
    } catch (DbAccessException e) {
      return HealthStatus.down((System.nanoTime() - start) / 1_000_000, e.code(), e.getMessage());
    }
  }

  @Override
  public String redactLiterals(String statement) {
    return PgLexer.redactLiterals(statement);
  }

  @Override
  public void close() {
    source.close();
  }
}
