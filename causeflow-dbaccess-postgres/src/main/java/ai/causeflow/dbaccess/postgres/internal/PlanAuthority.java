package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The second, independent authority on what a statement reads: PostgreSQL's own name resolution.
 * Inside the request's read-only transaction, before the statement runs, the server plans it with
 * the same bound parameters ({@code EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON)}, never
 * {@code ANALYZE}: nothing is executed). The plan names every base relation the server will scan,
 * after views, CTEs, subqueries, partitions and inheritance children are resolved, and (VERBOSE)
 * every column each scan's rows feed into an expression, qualified with an alias that is unique in
 * the plan. The policy is applied to that:
 *
 * <ul>
 *   <li>every scanned relation by the table rule (system schemas, catalog content relations,
 *       {@code allowedTables}/{@code blockedTables}), and each of its inheritance/partition
 *       ancestors too: a partition of a blocked table is blocked by its own name;
 *   <li>every column read, by {@code blockedColumns} under the relation's own name and under each
 *       ancestor's name (a rule on a partitioned table reaches its partitions by attribute name),
 *       and for a stored generated column, the columns its expression reads ({@code pg_depend});
 *       a whole-row reference ({@code t.*}) reads every column.
 * </ul>
 *
 * <p>A relation the validator did not see (it is not one of the statement's names) that the
 * policy refuses is a disagreement between the validator and the server: the refusal says so, and
 * the audit records it through the refusal's message. Messages name relations, columns and rules,
 * never values: the plan text carries the statement's literals and is neither logged nor returned.
 * Anything in the plan this class does not understand refuses the request.
 *
 * <p>Which columns count: expressions the plan evaluates (filters, join and index conditions, sort
 * and group keys, function calls...) and the output lists of the plan's top node and of the top
 * nodes of subplans, CTEs, subqueries and set-operation members. The output list of a scan under a
 * join, hash, sort or aggregate is not counted: the planner often lists every column of the table
 * there (a "physical target list") without using them; the node above names what it uses.
 *
 * <p>Thread-safety: stateless apart from counters; safe for concurrent use.
 */
final class PlanAuthority {
  private PlanAuthority() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Plans checked, for tests. */
  static final AtomicLong CHECKS = new AtomicLong();

  /** Catalog lookups made (ancestors, columns, generated-column dependencies), for tests. */
  static final AtomicLong LOOKUPS = new AtomicLong();

  /**
   * Per relation ({@code $1} schemas, {@code $2} names, exact): its inheritance/partition
   * ancestors (kind 'a'), and its columns with, for generated columns, the columns their
   * expression reads (kind 'c').
   */
  static final String HIERARCHY = "WITH RECURSIVE rel AS ("
      + " SELECT c.oid, t.s || '.' || t.r AS name"
      + " FROM ROWS FROM (pg_catalog.unnest(?::text[]), pg_catalog.unnest(?::text[])) AS t(s, r)"
      + " JOIN pg_catalog.pg_namespace n ON n.nspname = t.s"
      + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.r),"
      + " up(name, oid, depth) AS (SELECT name, oid, 0 FROM rel"
      + " UNION ALL SELECT u.name, i.inhparent, u.depth + 1 FROM up u"
      + " JOIN pg_catalog.pg_inherits i ON i.inhrelid = u.oid WHERE u.depth < 100)"
      + " SELECT 'a' AS k, u.name, an.nspname::text || '.' || ac.relname::text AS x,"
      + " NULL::text[] AS deps"
      + " FROM up u JOIN pg_catalog.pg_class ac ON ac.oid = u.oid"
      + " JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace WHERE u.depth > 0"
      + " UNION ALL"
      + " SELECT 'c', r.name, a.attname::text,"
      + " CASE WHEN a.attgenerated <> '' THEN (SELECT pg_catalog.array_agg(DISTINCT b.attname::text)"
      + " FROM pg_catalog.pg_depend d"
      + " JOIN pg_catalog.pg_attribute b ON b.attrelid = r.oid AND b.attnum = d.refobjsubid"
      + " WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = r.oid"
      + " AND d.refobjsubid > 0 AND d.refobjsubid <> a.attnum"
      + " AND ((d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = r.oid"
      + " AND d.objsubid = a.attnum)"
      + " OR (d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND d.objid IN"
      + " (SELECT ad.oid FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = r.oid"
      + " AND ad.adnum = a.attnum)))) END"
      + " FROM rel r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0"
      + " AND NOT a.attisdropped";

  /**
   * Columns of catalog content relations that hold the secret part (password hashes, sampled
   * column values, large-object data, connection strings). Reached under a catalog view the
   * statement names (pg_stat_activity reads pg_authid's role names), the relation is accepted
   * as long as none of these is read.
   */
  static final Map<String, List<String>> CONTENT_COLUMNS = Map.of(
      "pg_catalog.pg_authid", List.of("rolpassword"),
      "pg_catalog.pg_statistic", List.of("stavalues1", "stavalues2", "stavalues3", "stavalues4",
          "stavalues5"),
      "pg_catalog.pg_statistic_ext_data", List.of("stxdmcv", "stxdexpr"),
      "pg_catalog.pg_largeobject", List.of("data"),
      "pg_catalog.pg_user_mapping", List.of("umoptions"),
      "pg_catalog.pg_subscription", List.of("subconninfo"));

  /** One scanned relation: its qualified name, the columns read, whether a whole row is. */
  static final class Scan {
    final String relation;
    final Set<String> columns = new LinkedHashSet<>();
    boolean wholeRow;

    Scan(String relation) {
      this.relation = relation;
    }
  }

  /**
   * Plans {@code jdbcSql} with its parameters bound and judges what it reads. Throws a policy
   * {@link DbAccessException} on refusal, {@code QUERY_BLOCKED} when the plan is not understood.
   *
   * @param named the relations the validator resolved from the statement's names
   */
  static Lineage check(PgSession session, String jdbcSql, int[] parameterIndexes,
      List<@Nullable Object> parameters, Set<String> named, Policy policy) throws SQLException {
    CHECKS.incrementAndGet();
    Connection c = session.connection();
    String planText;
    try (PreparedStatement ps = c.prepareStatement(
        "EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) " + jdbcSql)) {
      session.track(ps);
      PgBinder.bind(ps, parameterIndexes, parameters);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw unreadable("no plan");
        }
        planText = rs.getString(1);
      }
    }
    Plan plan = plan(planText);
    Catalog catalog = judge(session, plan.scans, named, policy);
    return lineage(plan, catalog);
  }

  /** A parsed plan: the scanned relations by alias, and the top node's output expressions. */
  record Plan(Map<String, Scan> scans, @Nullable List<String> topOutputs) {}

  /** Node types that merge rows of several inputs: the top output names only the first one. */
  private static final Set<String> MERGING = Set.of("Append", "Merge Append", "SetOp",
      "Recursive Union");

  /** The relations a plan scans, keyed by their (unique) alias in the plan. */
  static Map<String, Scan> scans(@Nullable String planText) {
    return plan(planText).scans();
  }

  static Plan plan(@Nullable String planText) {
    JsonNode root;
    try {
      root = planText == null ? null : JSON.readTree(planText);
    } catch (JsonProcessingException e) {
      throw unreadable("not JSON");
    }
    if (root == null || !root.isArray() || root.size() != 1 || !root.get(0).has("Plan")) {
      throw unreadable("unexpected shape");
    }
    Map<String, Scan> byAlias = new LinkedHashMap<>();
    List<String> expressions = new ArrayList<>();
    JsonNode top = root.get(0).get("Plan");
    collect(top, true, byAlias, expressions, 0);
    Scan only = byAlias.size() == 1 ? byAlias.values().iterator().next() : null;
    for (String e : expressions) {
      PlanExpressions.references(e, byAlias, only);
    }
    List<String> topOutputs = null;
    JsonNode out = top.get("Output");
    if (out != null && out.isArray() && !merges(top, 0)) {
      topOutputs = new ArrayList<>();
      for (JsonNode o : out) {
        topOutputs.add(o.asText());
      }
    }
    return new Plan(byAlias, topOutputs);
  }

  /**
   * For each output column of the statement (by position), the source columns
   * ({@code schema.table.column}) its value is derived from, for masking rules that follow the
   * data. Read from the plan's top node: a reference to a scanned relation's column names it, a
   * whole row ({@code t.*}) names all its columns. Where the value comes through a subquery, CTE,
   * set operation, subplan or function scan (the top node does not name base columns), every
   * column the statement reads counts: over-masking is the safe side.
   */
  static Lineage lineage(Plan plan, Catalog columns) {
    Set<String> all = new LinkedHashSet<>();
    for (Scan s : plan.scans.values()) {
      all.addAll(sourcesOf(s, columns));
    }
    List<List<String>> out = new ArrayList<>();
    if (plan.topOutputs == null) {
      return new Lineage(List.copyOf(all), List.of()); // every position: everything read
    }
    for (String expr : plan.topOutputs) {
      Map<String, Scan> fresh = new LinkedHashMap<>();
      plan.scans.forEach((alias, s) -> fresh.put(alias, new Scan(s.relation)));
      Scan only = fresh.size() == 1 ? fresh.values().iterator().next() : null;
      boolean foreign = PlanExpressions.references(expr, fresh, only)
          || expr.contains("InitPlan ") || expr.contains("SubPlan ") || expr.matches("(?s).*\\$\\d.*");
      if (foreign) {
        out.add(List.copyOf(all));
        continue;
      }
      Set<String> mine = new LinkedHashSet<>();
      for (Scan s : fresh.values()) {
        mine.addAll(sourcesOf(s, columns));
      }
      out.add(List.copyOf(mine));
    }
    return new Lineage(List.copyOf(all), out);
  }

  /**
   * Source columns per output position; a position without an entry derives from {@code all}
   * (every column the statement reads).
   */
  record Lineage(List<String> all, List<List<String>> perColumn) {
    List<String> of(int position) {
      return position < perColumn.size() ? perColumn.get(position) : all;
    }
  }

  /** The qualified columns a scan reads, generated columns' sources included. */
  private static Set<String> sourcesOf(Scan s, Catalog catalog) {
    Map<String, List<String>> cols = catalog.columns().getOrDefault(s.relation, Map.of());
    List<String> up = catalog.ancestors().getOrDefault(s.relation, List.of());
    Set<String> read = new LinkedHashSet<>(s.wholeRow ? cols.keySet() : s.columns);
    if (s.wholeRow && cols.isEmpty()) {
      read.add("*"); // columns unknown: a glob such as public.users.* still matches
    }
    Set<String> out = new LinkedHashSet<>();
    for (String c : read) {
      Set<String> names = new LinkedHashSet<>();
      names.add(c);
      names.addAll(cols.getOrDefault(c, List.of()));
      for (String n : names) {
        out.add(s.relation + "." + n);
        for (String a : up) {
          out.add(a + "." + n); // a rule on a partitioned table reaches its partitions
        }
      }
    }
    return out;
  }

  private static void collect(JsonNode node, boolean countOutput, Map<String, Scan> byAlias,
      List<String> expressions, int depth) {
    if (depth > 1_000 || !node.isObject()) {
      throw unreadable("unexpected node");
    }
    JsonNode relation = node.get("Relation Name");
    if (relation != null) {
      JsonNode schema = node.get("Schema");
      JsonNode alias = node.get("Alias");
      if (schema == null || alias == null || !relation.isTextual() || !schema.isTextual()
          || !alias.isTextual()) {
        throw unreadable("a scan without schema or alias");
      }
      String qualified = schema.asText() + "." + relation.asText();
      Scan previous = byAlias.put(alias.asText(), new Scan(qualified));
      if (previous != null && !previous.relation.equals(qualified)) {
        throw unreadable("an alias used for two relations");
      }
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String key = f.getKey();
      JsonNode v = f.getValue();
      switch (key) {
        case "Plans" -> {
          if (!v.isArray()) {
            throw unreadable("unexpected Plans");
          }
          for (JsonNode child : v) {
            JsonNode rel = child.get("Parent Relationship");
            String r = rel == null ? "" : rel.asText();
            // a subplan's, CTE's, subquery's or set-operation member's top output is what
            // its consumer reads; an Outer/Inner child's output is re-stated by its parent
            boolean top = r.equals("InitPlan") || r.equals("SubPlan") || r.equals("Subquery")
                || r.equals("Member");
            collect(child, top, byAlias, expressions, depth + 1);
          }
        }
        case "Output" -> {
          if (countOutput) {
            strings(v, expressions);
          }
        }
        // names, not expressions
        case "Relation Name", "Schema", "Alias", "Index Name", "CTE Name", "Subplan Name",
            "Node Type", "Parent Relationship", "Function Name", "Strategy", "Partial Mode",
            "Join Type", "Scan Direction", "Command", "Operation", "Sort Method",
            "Sort Space Type", "Setop Strategy" -> { }
        default -> strings(v, expressions);
      }
    }
  }

  private static boolean merges(JsonNode node, int depth) {
    JsonNode type = node.get("Node Type");
    if (depth > 1_000 || (type != null && MERGING.contains(type.asText()))) {
      return true;
    }
    JsonNode plans = node.get("Plans");
    if (plans != null) {
      for (JsonNode child : plans) {
        if (merges(child, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void strings(JsonNode v, List<String> out) {
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      for (JsonNode e : v) {
        strings(e, out);
      }
    } else if (v.isObject()) {
      v.elements().forEachRemaining(e -> strings(e, out));
    }
  }

  /** What the catalog lookup said: ancestors and columns (with generated sources) per relation. */
  record Catalog(Map<String, List<String>> ancestors,
      Map<String, Map<String, List<String>>> columns) {
    static final Catalog NONE = new Catalog(Map.of(), Map.of());
  }

  private static Catalog judge(PgSession session,
      Map<String, Scan> scans, Set<String> named, Policy policy) throws SQLException {
    // merge scans of one relation (a table read twice has two aliases)
    Map<String, Scan> byRelation = new LinkedHashMap<>();
    for (Scan s : scans.values()) {
      Scan m = byRelation.computeIfAbsent(s.relation, Scan::new);
      m.columns.addAll(s.columns);
      m.wholeRow |= s.wholeRow;
    }
    boolean namesCatalog = named.stream()
        .anyMatch(t -> AstChecker.isSystemSchema(t.substring(0, t.indexOf('.'))));
    boolean namesContent = named.stream().anyMatch(t -> t.startsWith("pg_catalog.")
        && PgCatalog.CONTENT_RELATIONS.contains(t.substring("pg_catalog.".length())));
    List<String> lookupSchemas = new ArrayList<>();
    List<String> lookupNames = new ArrayList<>();
    for (Scan s : byRelation.values()) {
      String schema = s.relation.substring(0, s.relation.indexOf('.'));
      if (AstChecker.isSystemSchema(schema)) {
        judgeCatalog(s, named, namesCatalog, namesContent, policy);
      } else {
        judgeRelation(s.relation, null, named, policy);
        lookupSchemas.add(schema);
        lookupNames.add(s.relation.substring(schema.length() + 1));
      }
    }
    boolean wholeRow = byRelation.values().stream().anyMatch(x -> x.wholeRow);
    // ancestors matter only to block rules (an allow list judges the relation scanned)
    boolean blockRules = !policy.blockedTables().isEmpty() || !policy.blockedColumns().isEmpty();
    if (lookupSchemas.isEmpty() || (!blockRules && !wholeRow)) {
      // no rule can refuse an ancestor or a column (the catalog rule was all), and no whole row
      // needs its columns named for masking
      return Catalog.NONE;
    }
    LOOKUPS.incrementAndGet();
    Map<String, List<String>> ancestors = new HashMap<>();
    Map<String, Map<String, List<String>>> columns = new HashMap<>();
    Connection c = session.connection();
    try (PreparedStatement ps = c.prepareStatement(HIERARCHY)) {
      session.track(ps);
      Array s = c.createArrayOf("text", lookupSchemas.toArray());
      Array r = c.createArrayOf("text", lookupNames.toArray());
      ps.setArray(1, s);
      ps.setArray(2, r);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(2);
          if ("a".equals(rs.getString(1))) {
            ancestors.computeIfAbsent(name, k -> new ArrayList<>()).add(rs.getString(3));
          } else {
            Array deps = rs.getArray(4);
            List<String> d = new ArrayList<>();
            if (deps != null) {
              for (Object o : (Object[]) deps.getArray()) {
                d.add(String.valueOf(o));
              }
            }
            columns.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(rs.getString(3), d);
          }
        }
      }
    }
    for (Scan s : byRelation.values()) {
      if (AstChecker.isSystemSchema(s.relation.substring(0, s.relation.indexOf('.')))) {
        continue;
      }
      List<String> up = ancestors.getOrDefault(s.relation, List.of());
      for (String a : up) {
        judgeRelation(a, s.relation, named, policy);
      }
      if (policy.blockedColumns().isEmpty()) {
        continue;
      }
      Map<String, List<String>> cols = columns.getOrDefault(s.relation, Map.of());
      Set<String> read = new LinkedHashSet<>(s.wholeRow ? cols.keySet() : s.columns);
      for (String col : List.copyOf(read)) {
        read.addAll(cols.getOrDefault(col, List.of())); // a generated column reads its sources
      }
      for (String col : read) {
        judgeColumn(s.relation, s.relation, col, s.wholeRow, policy);
        for (String a : up) {
          judgeColumn(s.relation, a, col, s.wholeRow, policy);
        }
      }
    }
    return new Catalog(ancestors, columns);
  }

  private static void judgeRelation(String relation, @Nullable String child, Set<String> named,
      Policy policy) {
    try {
      if (child != null) {
        AstChecker.checkAncestor(relation, policy);
      } else {
        AstChecker.checkRelation(relation, policy);
      }
    } catch (DbAccessException e) {
      String how = child != null
          ? "reads '" + child + "', a partition or inheritance child of '" + relation + "'"
              + (named.contains(child) ? "" : ", which the statement does not name (validator"
                  + " and server disagree)")
          : named.contains(relation) ? "reads '" + relation + "'"
          : "reads '" + relation + "', which the statement does not name (a view, partition or"
              + " inheritance child, or a name the validator resolved differently: validator and"
              + " server disagree)";
      throw new DbAccessException(e.code(), "PostgreSQL's plan for the statement " + how
          + "; refused: " + e.getMessage());
    }
  }

  private static void judgeCatalog(Scan s, Set<String> named, boolean namesCatalog,
      boolean namesContent, Policy policy) {
    if (named.contains(s.relation)) {
      return; // judged by name by the validator
    }
    if (namesCatalog) {
      // under a catalog view the statement names (pg_stat_activity reads pg_authid, pg_database)
      List<String> secret = CONTENT_COLUMNS.get(s.relation);
      if (secret == null || namesContent) {
        return;
      }
      for (String col : secret) {
        if (s.wholeRow || s.columns.contains(col)) {
          throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "PostgreSQL's plan for the"
              + " statement reads column '" + s.relation + "." + col + "', which holds secrets"
              + " or table contents, and the statement does not name '" + s.relation
              + "' (validator and server disagree); an allowedTables rule must name it exactly");
        }
      }
      return;
    }
    judgeRelation(s.relation, null, named, policy);
  }

  private static void judgeColumn(String scanned, String owner, String col, boolean wholeRow,
      Policy policy) {
    String qualified = owner + "." + col;
    try {
      policy.checkColumn(qualified);
    } catch (DbAccessException e) {
      String via = owner.equals(scanned) ? "" : " (through '" + scanned + "', a partition or"
          + " inheritance child)";
      throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "PostgreSQL's plan for the"
          + " statement reads column '" + qualified + "'" + via
          + (wholeRow ? " in a whole-row reference" : "") + "; refused: " + e.getMessage());
    }
  }

  static DbAccessException unreadable(String what) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement refused: PostgreSQL's plan"
        + " for it could not be read (" + what + "), so what it reads is not known");
  }
}
