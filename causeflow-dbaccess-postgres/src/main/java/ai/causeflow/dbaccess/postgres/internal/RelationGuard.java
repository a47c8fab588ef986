package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Judges the relations hidden behind the names a statement reads. The validator checks names; a
 * view, materialized view, partitioned table or inheritance parent is another name for the rows of
 * the relations under it. Before the statement runs, inside the same read-only transaction, one
 * catalog query expands every named relation recursively (views and materialized views through
 * their rewrite rule's dependencies in {@code pg_depend}, partitions and inheritance children
 * through {@code pg_inherits}) and every relation reached is judged by the table rule; a view
 * whose definition references a blocked column (or a child table with one) is refused.
 *
 * <p>Built-in catalog relations are pinned: PostgreSQL records no dependency on them, so for a
 * view over one (say {@code pg_authid}) the relation ids below 16384 are read from the range table
 * of the view's rule ({@code pg_rewrite.ev_action}, {@code :relid N}).
 *
 * <p>The column check is per edge and conservative: a view that references {@code users.email}
 * anywhere in its definition (select list, WHERE, join) is refused when that column is blocked,
 * even if the view does not return it; an inheritance child or partition counts with all its
 * columns. Relations in {@code pg_catalog}/{@code information_schema} are not expanded (the catalog
 * rule governs them), but a user view over one is judged by the catalog rule.
 *
 * <p>Thread-safety: stateless apart from a statistics counter; safe for concurrent use.
 */
final class RelationGuard {
  private RelationGuard() {}

  /** Catalog lookups made, for tests that prove a policy without rules makes none. */
  static final AtomicLong LOOKUPS = new AtomicLong();

  /**
   * {@code $1}: schemas, {@code $2}: relation names, exactly as PostgreSQL resolved them (the
   * validator folds unquoted names the way the server does and keeps quoted ones; comparing
   * {@code lower(relname)} would miss a view whose upper-case non-ASCII name the server keeps).
   * One row per (named relation, relation under
   * it): the latter's kind and the columns the edge exposes (all of them for a child or a
   * whole-row reference, the referenced ones for a view).
   */
  static final String EXPAND = "WITH RECURSIVE roots AS ("
      + " SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS rel, c.relkind::text AS kind,"
      + " t.s || '.' || t.r AS root"
      + " FROM ROWS FROM (pg_catalog.unnest(?::text[]), pg_catalog.unnest(?::text[]))"
      + " AS t(s, r)"
      + " JOIN pg_catalog.pg_namespace n ON n.nspname = t.s"
      + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.r),"
      + " deps(root, oid, nsp, rel, kind, subid) AS ("
      + " SELECT root, oid, nsp, rel, kind, -1 FROM roots"
      + " UNION"
      + " SELECT d.root, e.child, cn.nspname::text, cc.relname::text, cc.relkind::text, e.subid"
      + " FROM deps d"
      // LATERAL keeps every step on the catalogs' indexes (inhparent; ev_class; the depender)
      + " CROSS JOIN LATERAL ("
      + " SELECT i.inhrelid AS child, 0 AS subid FROM pg_catalog.pg_inherits i"
      + " WHERE i.inhparent = d.oid"
      + " UNION ALL"
      + " SELECT dp.refobjid, dp.refobjsubid"
      + " FROM pg_catalog.pg_rewrite rw"
      + " JOIN pg_catalog.pg_depend dp ON dp.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
      + " AND dp.objid = rw.oid"
      // only ON SELECT rules say what reading the relation reads (an ON INSERT rule does not)
      + " WHERE rw.ev_class = d.oid AND rw.ev_type = '1'"
      + " AND dp.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
      + " AND dp.refobjid <> d.oid"
      // PostgreSQL records no dependency on pinned (built-in) objects, so a view over
      // pg_authid or pg_stats has none: take those relations from the rule's range table.
      + " UNION ALL"
      + " SELECT m.relid, 0"
      + " FROM pg_catalog.pg_rewrite rw2"
      + " CROSS JOIN LATERAL (SELECT DISTINCT x[1]::pg_catalog.oid AS relid FROM"
      + " pg_catalog.regexp_matches(rw2.ev_action::text, ':relid ([0-9]+)', 'g') AS x) m"
      + " WHERE rw2.ev_class = d.oid AND rw2.ev_type = '1' AND m.relid < 16384"
      + " AND m.relid <> d.oid) e"
      + " JOIN pg_catalog.pg_class cc ON cc.oid = e.child"
      + " JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace"
      + " WHERE d.nsp <> 'information_schema' AND d.nsp NOT LIKE 'pg\\_%'),"
      // upwards: a partition or inheritance child is blocked when an ancestor is (issue 8)
      + " ups(root, oid, depth) AS (SELECT root, oid, 0 FROM roots"
      + " UNION ALL SELECT u.root, i.inhparent, u.depth + 1 FROM ups u"
      + " JOIN pg_catalog.pg_inherits i ON i.inhrelid = u.oid WHERE u.depth < 100)"
      + " SELECT d.root, d.nsp || '.' || d.rel AS rel, d.kind,"
      + " (SELECT pg_catalog.array_agg(a.attname::text) FROM pg_catalog.pg_attribute a"
      + " WHERE a.attrelid = d.oid AND a.attnum > 0 AND NOT a.attisdropped"
      + " AND (d.subid = 0 OR a.attnum = d.subid)) AS cols"
      + " FROM deps d"
      + " WHERE d.subid >= 0"
      + " UNION ALL"
      + " SELECT u.root, un.nspname::text || '.' || uc.relname::text, 'ancestor', NULL"
      + " FROM ups u JOIN pg_catalog.pg_class uc ON uc.oid = u.oid"
      + " JOIN pg_catalog.pg_namespace un ON un.oid = uc.relnamespace WHERE u.depth > 0"
      + " ORDER BY 1, 2";

  /** Whether the policy has a rule that a relation under a view could break. */
  static boolean needed(Policy policy) {
    return !policy.blockedTables().isEmpty() || !policy.blockedColumns().isEmpty()
        || !policy.allowedTables().isEmpty();
  }

  /**
   * Refuses the request when a relation under one of {@code tables} is not allowed. Runs nothing
   * when the policy has no table or column rule. A name that does not exist is left for
   * PostgreSQL to report when the statement runs.
   */
  static void check(PgSession session, Set<String> tables, Policy policy) throws SQLException {
    if (tables.isEmpty() || !needed(policy)) {
      return;
    }
    List<String> schemas = new ArrayList<>(tables.size());
    List<String> names = new ArrayList<>(tables.size());
    for (String t : tables) {
      int dot = t.indexOf('.');
      if (dot <= 0) {
        throw new DbAccessException(ErrorCode.INTERNAL, "table name '" + t + "' is not qualified");
      }
      String schema = t.substring(0, dot);
      if (AstChecker.isSystemSchema(schema)) {
        continue; // the catalog rule already judged it by name; catalog views are not expanded
      }
      schemas.add(schema);
      names.add(t.substring(dot + 1));
    }
    if (schemas.isEmpty()) {
      return;
    }
    LOOKUPS.incrementAndGet();
    Connection c = session.connection();
    try (PreparedStatement ps = c.prepareStatement(EXPAND)) {
      session.track(ps); // a cancel or the deadline stops the lookup like the statement
      Array s = c.createArrayOf("text", schemas.toArray());
      Array r = c.createArrayOf("text", names.toArray());
      ps.setArray(1, s);
      ps.setArray(2, r);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          judge(rs.getString("root"), rs.getString("rel"), rs.getString("kind"),
              rs.getArray("cols"), policy);
        }
      }
    }
  }

  private static void judge(String root, String rel, String kind, @Nullable Array cols,
      Policy policy) throws SQLException {
    try {
      if (kind.equals("ancestor")) {
        AstChecker.checkAncestor(rel, policy);
      } else {
        AstChecker.checkRelation(rel, policy);
      }
    } catch (DbAccessException e) {
      if (kind.equals("ancestor")) {
        throw new DbAccessException(e.code(), "table '" + root + "' is a partition or"
            + " inheritance child of '" + rel + "', which is refused: " + e.getMessage());
      }
      throw new DbAccessException(e.code(), "table '" + root + "' reads " + describe(kind) + " '"
          + rel + "' (through a view, partition or inheritance child), which is refused: "
          + e.getMessage());
    }
    if (cols == null || policy.blockedColumns().isEmpty()) {
      return;
    }
    for (Object col : (Object[]) cols.getArray()) {
      String qualified = rel + "." + col;
      try {
        policy.checkColumn(qualified);
      } catch (DbAccessException e) {
        throw new DbAccessException(e.code(), "table '" + root + "' exposes column '" + qualified
            + "' (through a view, partition or inheritance child), which is refused: "
            + e.getMessage());
      }
    }
  }

  private static String describe(String kind) {
    switch (kind) {
      case "v":
        return "view";
      case "m":
        return "materialized view";
      case "p":
        return "partitioned table";
      case "f":
        return "foreign table";
      case "S":
        return "sequence";
      default:
        return "table";
    }
  }
}
