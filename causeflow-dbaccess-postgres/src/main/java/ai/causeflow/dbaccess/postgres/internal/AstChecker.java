package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.internal.Glob;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.WithItem;
import org.jspecify.annotations.Nullable;

/**
 * Walks the WHOLE parsed tree reflectively (every field of every JSqlParser node, so that no node
 * type can be missed by a visitor that forgot it) and checks, in one pass: that every nested
 * statement is a query, that no locking or INTO clause appears, every function against
 * {@link FunctionDenyList}, every table against the policy and the system-schema rule, and every
 * column reference and {@code *} against {@code blockedColumns}, resolving aliases through a
 * stack of scopes (CTEs, FROM items of each SELECT, outer queries).
 *
 * <p>One instance checks one statement against one policy. Not thread-safe; cheap to create.
 */
public final class AstChecker {
  private static final int MAX_DEPTH = 3_000;

  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> out = new ArrayList<>();
      // only the parser's own classes: a node that is also an ArrayList has its elements
      // walked as a collection, and java.util internals are neither nodes nor accessible
      for (Class<?> c = type; c != null && isParserModel(c); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
            continue;
          }
          Class<?> ft = f.getType();
          if (ft.isPrimitive() || ft == String.class || ft.isEnum()
              || ft.getName().startsWith("net.sf.jsqlparser.parser.")) {
            continue; // no sub-nodes there; parser back-references (SimpleNode/Token) excluded
          }
          f.setAccessible(true);
          out.add(f);
        }
      }
      return out.toArray(new Field[0]);
    }
  };

  /**
   * Built-in functions of one polymorphic/record argument. PostgreSQL accepts {@code t.f} for
   * {@code f(t)} when {@code t} has no column {@code f} (verified on 17: {@code x.to_json},
   * {@code x.concat}, {@code x.array_agg}, {@code x.record_out} ... return the whole row), so such
   * a "column" of a table with blocked columns is treated as a whole-row reference.
   */
  static final Set<String> WHOLE_ROW_FUNCTIONS = Set.of("to_json", "to_jsonb", "row_to_json",
      "hstore", "concat", "quote_literal", "quote_nullable", "json_build_array",
      "jsonb_build_array", "json_build_object", "jsonb_build_object", "array_agg", "json_agg",
      "jsonb_agg", "json_agg_strict", "jsonb_agg_strict", "any_value", "record_out",
      "record_send", "hash_record", "hash_record_extended", "num_nulls", "num_nonnulls",
      "pg_column_size", "pg_column_compression", "pg_column_toast_chunk_id", "xmlforest",
      "json_strip_nulls", "to_char", "format");

  private final Policy policy;
  private final String defaultSchema;
  private final Set<String> tables = new LinkedHashSet<>();
  private final Set<String> functions = new LinkedHashSet<>();
  private final Set<String> columns = new LinkedHashSet<>();
  private final IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
  private final Map<String, Boolean> tablesWithBlockedColumns = new HashMap<>();
  /** SELECTs that are the direct body of an EXISTS: their select list is never returned. */
  private final IdentityHashMap<Object, Boolean> existsBodies = new IdentityHashMap<>();

  public AstChecker(Policy policy, String defaultSchema) {
    this.policy = policy;
    this.defaultSchema = defaultSchema;
  }

  public Set<String> tables() {
    return tables;
  }

  private boolean stringsApproximate;

  /**
   * Tells the checker that some string literal of the statement reached the parser only
   * approximately (escape, Unicode or dollar-quoted strings are rewritten as plain ones): then no
   * literal is trusted as a relation name.
   */
  public void stringsApproximate(boolean approximate) {
    this.stringsApproximate = approximate;
  }

  public Set<String> functions() {
    return functions;
  }

  public Set<String> columns() {
    return columns;
  }

  /** Checks a parsed top-level statement; throws a policy {@link DbAccessException} on refusal. */
  public void check(Statement statement) {
    if (!(statement instanceof Select)) {
      String kind = statement.getClass().getSimpleName().replace("Statement", "");
      if (kind.equalsIgnoreCase("Explain")) {
        throw blocked("EXPLAIN is not accepted as query text; use the explain operation, which"
            + " validates the inner statement and never runs ANALYZE");
      }
      throw blocked("only plain queries (SELECT, VALUES, TABLE, WITH of queries) are accepted;"
          + " this is a " + (kind.isEmpty() ? "non-query" : kind) + " statement");
    }
    walk(statement, new Scope(null), 0);
  }

  // ---------------------------------------------------------------------------------------------

  private void walk(@Nullable Object node, Scope scope, int depth) {
    if (node == null) {
      return;
    }
    if (depth > MAX_DEPTH) {
      throw blocked("statement nested too deeply");
    }
    if (node instanceof Collection<?> c) {
      for (Object o : c) {
        walk(o, scope, depth + 1);
      }
      if (isParserModel(node.getClass())) {
        walkFields(node, scope, depth, null); // e.g. ExpressionList is an ArrayList with fields
      }
      return;
    }
    if (node instanceof Map.Entry<?, ?> e) {
      // JsonExpression keeps the operands of -> ->> #> ... as entries: they must be walked too
      walk(e.getKey(), scope, depth + 1);
      walk(e.getValue(), scope, depth + 1);
      return;
    }
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        walk(e.getKey(), scope, depth + 1);
        walk(e.getValue(), scope, depth + 1);
      }
      return;
    }
    Class<?> type = node.getClass();
    if (type.isArray()) {
      if (!type.getComponentType().isPrimitive()) {
        int n = Array.getLength(node);
        for (int i = 0; i < n; i++) {
          walk(Array.get(node, i), scope, depth + 1);
        }
      }
      return;
    }
    if (!isParserModel(type)) {
      return;
    }
    if (visited.put(node, Boolean.TRUE) != null) {
      return;
    }

    if (node instanceof Statement && !(node instanceof Select)) {
      throw blocked("a " + node.getClass().getSimpleName().replace("Parenthesed", "")
          + " statement inside the query (for example a data-modifying WITH item) is not accepted");
    }
    if (node instanceof Select select) {
      walkSelect(select, scope, depth);
      return;
    }
    if (node instanceof Alias alias && alias.getName() != null
        && alias.getName().startsWith("'")) {
      // PostgreSQL has no string aliases: `xml '<x/>'` is a typed literal that runs the type's
      // input function, which JSqlParser misreads as a column with the alias '<x/>'.
      throw blocked("a string after a name is a typed literal (type 'text'), which the validator"
          + " does not understand; use CAST(... AS type)");
    }
    if (node instanceof Column column) {
      checkColumn(column, scope);
      walkFields(node, scope, depth, "table");
      return;
    }
    if (node instanceof AllTableColumns atc) {
      checkTableStar(atc.getTable(), scope);
      walkFields(node, scope, depth, "table");
      return;
    }
    if (node instanceof AllColumns) {
      checkStar(scope);
    } else if (node instanceof Table table) {
      checkTable(table, scope);
    } else if (node instanceof Function f) {
      checkFunction(f.getMultipartName());
      checkSettingRead(f);
      checkRelationFunction(f);
      ExpressionList<?> params = f.getParameters();
      if (params != null && params.size() == 1 && params.get(0).getClass() == AllColumns.class) {
        // count(*): the star names no column
        walkFields(node, scope, depth, "parameters");
        return;
      }
    } else if (node instanceof AnalyticExpression a) {
      if (a.getName() != null) {
        checkFunction(List.of(a.getName()));
      }
      if (a.getExpression() != null && a.getExpression().getClass() == AllColumns.class) {
        // count(*) OVER (...): the star names no column
        walkFields(node, scope, depth, "expression");
        return;
      }
    } else if (node instanceof CastExpression cast) {
      String t = cast.getColDataType() == null ? "" : cast.getColDataType().getDataType();
      if (t != null && Identifiers.unquote(t).replace("pg_catalog.", "").equals("xml")) {
        throw blocked("casts to xml are refused (XML parsing with DTDs and entities)");
      }
    } else if (node instanceof ExistsExpression ex
        && ex.getRightExpression() instanceof ParenthesedSelect body
        && body.getSelect() instanceof PlainSelect inner && body.getWithItemsList() == null) {
      existsBodies.put(inner, Boolean.TRUE);
    } else if (node instanceof NextValExpression) {
      throw blocked("NEXTVAL advances a sequence and is not accepted");
    } else if (node instanceof JdbcParameter jp) {
      if (!"$".equals(jp.getParameterCharacter()) || !jp.isUseFixedIndex()) {
        throw blocked("'?' placeholders are not accepted; use $1..$n");
      }
    } else if (node instanceof JdbcNamedParameter) {
      throw blocked("':name' placeholders are not accepted; use $1..$n");
    } else if (node instanceof UserVariable) {
      throw blocked("'@' variables are not PostgreSQL syntax this validator understands");
    }
    walkFields(node, scope, depth, null);
  }

  private static boolean isParserModel(Class<?> type) {
    String name = type.getName();
    return name.startsWith("net.sf.jsqlparser.") && !name.startsWith("net.sf.jsqlparser.parser.");
  }

  private void walkFields(Object node, Scope scope, int depth, @Nullable String skip) {
    walkFields(node, scope, depth, skip, null);
  }

  private void walkFields(Object node, Scope scope, int depth, @Nullable String skip,
      @Nullable String skip2) {
    for (Field f : FIELDS.get(node.getClass())) {
      String name = f.getName();
      if (name.equals(skip) || name.equals(skip2)) {
        continue;
      }
      Object v;
      try {
        v = f.get(node);
      } catch (IllegalAccessException e) {
        throw new DbAccessException(ErrorCode.INTERNAL,
            "validator could not inspect the parsed statement", null, e);
      }
      walk(v, scope, depth + 1);
    }
  }

  private void walkSelect(Select select, Scope outer, int depth) {
    if (select.getForMode() != null || select.getForUpdateTable() != null || select.isSkipLocked()
        || select.isNoWait() || select.getWait() != null) {
      throw blocked("locking clauses (FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE) are not accepted");
    }
    if (select.getForClause() != null) {
      throw blocked("FOR XML/JSON clauses are not PostgreSQL and are not accepted");
    }
    Scope scope = outer;
    List<WithItem<?>> with = select.getWithItemsList();
    if (with != null && !with.isEmpty()) {
      scope = new Scope(outer);
      boolean recursive = with.stream().anyMatch(WithItem::isRecursive);
      if (recursive) {
        for (WithItem<?> w : with) {
          scope.ctes.add(Identifiers.pg(w.getAliasName()));
        }
      }
      for (WithItem<?> w : with) {
        walk(w, scope, depth + 1);
        scope.ctes.add(Identifiers.pg(w.getAliasName()));
      }
    }
    if (select instanceof PlainSelect ps) {
      if ((ps.getIntoTables() != null && !ps.getIntoTables().isEmpty())
          || ps.getIntoTempTable() != null) {
        throw blocked("SELECT ... INTO creates a table and is not accepted");
      }
      scope = new Scope(scope);
      addSources(ps.getFromItem(), scope);
      boolean natural = false;
      if (ps.getJoins() != null) {
        for (Join j : ps.getJoins()) {
          addSources(j.getFromItem(), scope);
          natural |= j.isNatural();
        }
      }
      if (natural) {
        // NATURAL JOIN compares every same-named column: a blocked one would leak through the
        // join predicate, and which columns take part is not known without the catalog
        for (Source src : scope.sources) {
          for (String table : src.tables) {
            String rule = blockedColumnRuleFor(table);
            if (rule != null) {
              throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "NATURAL JOIN with table '"
                  + table + "' is refused because blockedColumns rule '" + rule
                  + "' can match one of its columns; join with ON or USING instead");
            }
          }
        }
      }
    } else if (select instanceof TableStatement ts) {
      checkTableStar(ts.getTable(), scope);
    }
    if (select instanceof PlainSelect ps && existsBodies.containsKey(ps)) {
      // EXISTS (SELECT * ...) returns only true/false: a bare * or t.* in its select list
      // exposes no column. Everything else in the body (WHERE, joins...) is checked as usual.
      for (SelectItem<?> item : ps.getSelectItems()) {
        Object e = item.getExpression();
        if (!(e instanceof AllColumns) || ((AllColumns) e).getExceptColumns() != null
            || ((AllColumns) e).getReplaceExpressions() != null) {
          walk(item, scope, depth + 1);
        }
      }
      walkFields(select, scope, depth, "withItemsList", "selectItems");
      return;
    }
    walkFields(select, scope, depth, "withItemsList");
  }

  private void addSources(@Nullable FromItem item, Scope scope) {
    if (item == null) {
      return;
    }
    String alias = item.getAlias() == null ? null : Identifiers.pg(item.getAlias().getName());
    if (item instanceof Table t) {
      checkTable(t, scope); // tables before columns: the table rule is the more useful refusal
      List<String> resolved = resolveTable(t, scope);
      if (item.getAlias() != null && item.getAlias().getAliasColumns() != null
          && !item.getAlias().getAliasColumns().isEmpty()) {
        // FROM users AS u(a, b, c) renames columns by position: which one is blocked is unknown
        for (String table : resolved) {
          String rule = blockedColumnRuleFor(table);
          if (rule != null) {
            throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "column aliases on table '"
                + table + "' are refused because blockedColumns rule '" + rule
                + "' can match one of its columns; alias the columns in the select list instead");
          }
        }
      }
      String name = alias != null ? alias : Identifiers.pg(t.getName());
      scope.sources.add(new Source(name, resolved));
    } else if (item instanceof ParenthesedFromItem p) {
      int first = scope.sources.size();
      addSources(p.getFromItem(), scope);
      if (p.getJoins() != null) {
        for (Join j : p.getJoins()) {
          addSources(j.getFromItem(), scope);
        }
      }
      if (alias != null) {
        // A join alias names the joined row: `SELECT j FROM (users JOIN orders ...) AS j`,
        // `row_to_json(j)`, `j.to_json` expose every column of every table inside (verified on
        // 17), so the alias stands for all of them.
        List<String> inner = new ArrayList<>();
        for (Source src : scope.sources.subList(first, scope.sources.size())) {
          inner.addAll(src.tables);
        }
        if (item.getAlias().getAliasColumns() != null
            && !item.getAlias().getAliasColumns().isEmpty()) {
          for (String table : inner) {
            String rule = blockedColumnRuleFor(table);
            if (rule != null) {
              throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "column aliases on a"
                  + " join involving table '" + table + "' are refused because blockedColumns"
                  + " rule '" + rule + "' can match one of its columns; alias the columns in the"
                  + " select list instead");
            }
          }
        }
        scope.sources.add(new Source(alias, List.copyOf(inner)));
      }
    } else if (alias != null) {
      scope.sources.add(new Source(alias, List.of())); // derived: checked where it is defined
    }
  }

  /**
   * PostgreSQL's reserved key words (including those that may only name functions or types): none
   * can be an unquoted table or schema name, so the parser returning one as such means it misread
   * the statement ({@code FROM (TABLE secrets) s} came back as a table named "TABLE" aliased
   * "secrets").
   */
  private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any",
      "array", "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column",
      "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
      "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
      "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group",
      "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit", "localtime",
      "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
      "references", "returning", "select", "session_user", "some", "symmetric", "system_user",
      "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
      "when", "where", "window", "with", "authorization", "binary", "collation", "concurrently",
      "cross", "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left",
      "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
      "verbose", "values");

  private static void requireNotKeyword(@Nullable String rawName) {
    if (rawName != null && !rawName.startsWith("\"")
        && RESERVED.contains(rawName.toLowerCase(java.util.Locale.ROOT))) {
      throw blocked("the statement is not understood (the parser read the key word '"
          + rawName.toUpperCase(java.util.Locale.ROOT) + "' as a table name)");
    }
  }

  /** Candidate {@code schema.table} names of a table reference; empty for a CTE reference. */
  private List<String> resolveTable(Table t, Scope scope) {
    requireNotKeyword(t.getName());
    requireNotKeyword(t.getSchemaName());
    // exactly as PostgreSQL resolves them: a quoted "Secrets" is neither secrets nor a CTE
    // named secrets, and an allow rule must not admit a name the server reads differently
    String name = Identifiers.pg(t.getName());
    String schema = t.getSchemaName() == null ? null : Identifiers.pg(t.getSchemaName());
    if (schema == null || schema.isEmpty()) {
      if (scope.isCte(name)) {
        return List.of();
      }
      if (name.startsWith("pg_")) {
        // PostgreSQL searches pg_catalog before the search path (unless the path lists it later
        // explicitly). A known catalog relation resolves there; any other pg_* name may be
        // either, so both must be allowed.
        if (PgCatalog.RELATIONS.contains(name)) {
          return List.of("pg_catalog." + name);
        }
        return List.of("pg_catalog." + name, defaultSchema + "." + name);
      }
      return List.of(defaultSchema + "." + name);
    }
    return List.of(schema + "." + name);
  }

  private void checkTable(Table t, Scope scope) {
    for (String qualified : resolveTable(t, scope)) {
      checkRelation(qualified, policy);
      tables.add(qualified);
    }
  }

  /**
   * The table rule for one {@code schema.table} (lower-case): the system-schema and catalog
   * content rules, then {@link Policy#checkTable}. Also applied by {@link RelationGuard} to the
   * relations under a view.
   */
  static void checkRelation(String qualified, Policy policy) {
    String schema = qualified.substring(0, qualified.indexOf('.'));
    if (isSystemSchema(schema) && !allowedTablesNameSchema(policy, schema)) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "table '" + qualified
          + "' is in system schema '" + schema + "', which is blocked unless an allowedTables"
          + " rule names that schema (e.g. '" + schema + ".pg_stat_activity')");
    }
    String relation = qualified.substring(qualified.indexOf('.') + 1);
    if (!isSystemSchema(schema) && Glob.firstMatch(EXTENSION_CATALOG_VIEWS, relation) != null
        && !allowedTablesNameSchema(policy, "pg_catalog")) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "table '" + qualified
          + "' is a monitoring view of an extension (other sessions' statements, plans or"
          + " buffers, like the pg_catalog statistics views), which is blocked unless an"
          + " allowedTables rule names schema 'pg_catalog'");
    }
    if (schema.equals("pg_catalog")
        && PgCatalog.CONTENT_RELATIONS.contains(qualified.substring("pg_catalog.".length()))
        && !allowedTablesNameExactly(policy, qualified)) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "table '" + qualified
          + "' exposes table contents or secrets (planner statistics keep column values), so"
          + " it is blocked unless an allowedTables rule names it exactly; a wildcard does not"
          + " count");
    }
    policy.checkTable(qualified);
  }

  /**
   * The rule for an inheritance/partition ancestor of a relation the statement reads: only the
   * block list applies (a partition of a blocked table is blocked by its own name; an allow list
   * that names a partition without its parent still admits the partition).
   */
  static void checkAncestor(String qualified, Policy policy) {
    for (String glob : policy.blockedTables()) {
      if (Glob.of(glob).matches(qualified)) {
        throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "table '" + qualified
            + "' matches blockedTables rule '" + glob + "'");
      }
    }
  }

  /**
   * Monitoring views that extensions install in an ordinary schema (usually {@code public}): they
   * show what the statistics views in {@code pg_catalog} show (other sessions' statement text,
   * with the literals of utility statements kept; plans; qualifier constants), so they follow the
   * catalog rule whatever schema they are in. Their functions are catalog readers too.
   */
  static final List<Glob> EXTENSION_CATALOG_VIEWS = Glob.all(List.of("pg_stat_statements*",
      "pg_stat_monitor*", "pg_qualstats*", "pg_stat_kcache*", "pg_store_plans*", "pg_show_plans*",
      "pg_wait_sampling*", "pg_buffercache*", "pg_stat_sql*"));

  static boolean isSystemSchema(String schema) {
    return schema.equals("information_schema") || schema.startsWith("pg_");
  }

  private boolean allowedTablesNameSchema(String schema) {
    return allowedTablesNameSchema(policy, schema);
  }

  private static boolean allowedTablesNameSchema(Policy policy, String schema) {
    for (String glob : policy.allowedTables()) {
      int dot = glob.indexOf('.');
      if (dot > 0 && glob.substring(0, dot).equals(schema)) { // admits: exact
        return true;
      }
    }
    return false;
  }

  private static boolean allowedTablesNameExactly(Policy policy, String qualified) {
    for (String glob : policy.allowedTables()) {
      if (glob.equals(qualified)) { // admits: exact
        return true;
      }
    }
    return false;
  }

  private void checkFunction(@Nullable List<String> nameParts) {
    if (nameParts == null || nameParts.isEmpty()) {
      return;
    }
    List<String> parts = new ArrayList<>(nameParts.size());
    for (String p : nameParts) {
      parts.add(Identifiers.unquote(p));
    }
    String simple = parts.get(parts.size() - 1);
    String qualified = String.join(".", parts);
    functions.add(qualified);
    String refusal = FunctionDenyList.refusal(simple, qualified);
    if (refusal != null) {
      throw blocked(refusal);
    }
    String catalogView = FunctionDenyList.catalogReader(simple);
    if (catalogView != null && !allowedTablesNameSchema("pg_catalog")) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "function '" + qualified
          + "' returns system catalog data (like " + catalogView + "), which is blocked unless an"
          + " allowedTables rule names schema 'pg_catalog'");
    }
  }

  /**
   * Functions about one relation (size, row count, row locks, tuple statistics, definition):
   * limited to a literal first argument naming a relation the table rule allows, which is then
   * recorded as a table of the statement (so the relation guard judges what is under it). See
   * {@link FunctionDenyList#RELATION_METADATA}.
   */
  private void checkRelationFunction(Function f) {
    List<String> name = f.getMultipartName();
    if (name == null || name.isEmpty()) {
      return;
    }
    String simple = Identifiers.unquote(name.get(name.size() - 1));
    String definition = FunctionDenyList.definitionReader(simple);
    if (definition != null && !allowedTablesNameSchema("pg_catalog")) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "function '" + simple
          + "' returns definitions from the system catalog (like " + definition + "), which is"
          + " blocked unless an allowedTables rule names schema 'pg_catalog'");
    }
    FunctionDenyList.RelationArgument kind = FunctionDenyList.relationArgument(simple);
    if (kind == null) {
      return;
    }
    ExpressionList<?> params = f.getParameters();
    Object first = params == null || params.isEmpty() || f.getNamedParameters() != null
        ? null : params.get(0);
    if (first instanceof CastExpression cast && cast.getColDataType() != null
        && Identifiers.unquote(cast.getColDataType().getDataType()).replace("pg_catalog.", "")
            .equals("regclass")) {
      first = cast.getLeftExpression();
    }
    List<String> parts = null;
    if (first instanceof StringValue sv && sv.getPrefix() == null && !stringsApproximate) {
      try {
        parts = PgIdentifiers.parse(sv.getValue(), 2, "a relation");
      } catch (DbAccessException e) {
        parts = null; // not a plain relation name: judged as a computed argument below
      }
    }
    if (parts == null) {
      if (kind == FunctionDenyList.RelationArgument.CONTENTS
          || !allowedTablesNameSchema("pg_catalog")) {
        throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "function '" + simple
            + "' reveals a relation's size, rows, locks or definition; its first argument must"
            + " be a literal relation name ('schema.table') the policy allows"
            + (kind == FunctionDenyList.RelationArgument.CONTENTS ? ""
                : ", or an allowedTables rule must name schema 'pg_catalog'"));
      }
      return;
    }
    Table t = parts.size() == 2 ? new Table(quote(parts.get(0)), quote(parts.get(1)))
        : new Table(quote(parts.get(0)));
    for (String qualified : resolveTable(t, new Scope(null))) {
      try {
        checkRelation(qualified, policy);
      } catch (DbAccessException e) {
        throw new DbAccessException(e.code(), "function '" + simple + "' names a relation that"
            + " is refused: " + e.getMessage());
      }
      tables.add(qualified);
    }
  }

  /** Quotes a resolved identifier so that {@link Identifiers#pg} returns it unchanged. */
  private static String quote(String resolved) {
    return "\"" + resolved.replace("\"", "\"\"") + "\"";
  }

  /**
   * Settings a statement may read with {@code current_setting} when the policy does not allow
   * {@code pg_catalog} (where {@code pg_settings} shows them all). Others can hold secrets a
   * superuser or {@code pg_read_all_settings} member reads: {@code primary_conninfo} (a
   * replication password), {@code archive_command}/{@code restore_command} (storage credentials),
   * {@code ssl_passphrase_command}, extension settings ({@code name.setting}). An allow list,
   * because the validator sees an escaped string ({@code E'\x70rimary_conninfo'}) only
   * approximately: a name it does not recognise is refused.
   */
  static final List<String> READABLE_SETTINGS = List.of("max_connections",
      "superuser_reserved_connections", "reserved_connections", "statement_timeout",
      "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
      "transaction_timeout", "deadlock_timeout", "work_mem", "maintenance_work_mem",
      "autovacuum_work_mem", "hash_mem_multiplier", "shared_buffers", "effective_cache_size",
      "temp_buffers", "temp_file_limit", "max_wal_size", "min_wal_size", "wal_level",
      "wal_buffers", "wal_keep_size", "max_slot_wal_keep_size", "max_wal_senders",
      "max_replication_slots", "max_worker_processes", "max_parallel_workers",
      "max_parallel_workers_per_gather", "max_parallel_maintenance_workers",
      "max_locks_per_transaction", "max_pred_locks_per_transaction", "max_prepared_transactions",
      "autovacuum", "autovacuum_*", "vacuum_*", "track_*", "checkpoint_timeout",
      "checkpoint_completion_target", "synchronous_commit", "hot_standby",
      "hot_standby_feedback", "max_standby_streaming_delay", "max_standby_archive_delay",
      "random_page_cost", "seq_page_cost", "effective_io_concurrency", "default_statistics_target",
      "jit", "huge_pages", "block_size", "server_version", "server_version_num", "server_encoding",
      "client_encoding", "timezone", "datestyle", "intervalstyle", "search_path",
      "transaction_read_only", "default_transaction_read_only", "transaction_isolation",
      "default_transaction_isolation", "application_name", "log_min_duration_statement",
      "log_lock_waits", "log_autovacuum_min_duration", "old_snapshot_threshold", "fsync",
      "full_page_writes", "data_checksums", "is_superuser", "max_files_per_process",
      "max_stack_depth", "standard_conforming_strings");

  private static final List<Glob> READABLE_SETTING_GLOBS = READABLE_SETTINGS.stream()
      .map(Glob::of).toList();

  private void checkSettingRead(Function f) {
    List<String> name = f.getMultipartName();
    if (name == null || name.isEmpty() || !Identifiers.unquote(name.get(name.size() - 1))
        .equals("current_setting") || allowedTablesNameSchema("pg_catalog")) {
      return;
    }
    ExpressionList<?> params = f.getParameters();
    Object first = params == null || params.isEmpty() || f.getNamedParameters() != null
        ? null : params.get(0);
    if (first instanceof StringValue sv && sv.getValue().matches("[A-Za-z0-9_]{1,63}")
        && Glob.firstMatch(READABLE_SETTING_GLOBS, sv.getValue()) != null) {
      return;
    }
    throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, "current_setting reads server"
        + " settings (like pg_settings, some hold credentials); without an allowedTables rule"
        + " naming schema 'pg_catalog' only a literal name from the readable-settings list is"
        + " accepted");
  }

  // --- columns --------------------------------------------------------------------------------

  private void checkColumn(Column c, Scope scope) {
    String col = Identifiers.pg(c.getColumnName());
    Table qualifier = c.getTable();
    String qName = qualifier == null || qualifier.getName() == null ? null
        : Identifiers.pg(qualifier.getName());
    if (qName == null || qName.isEmpty()) {
      checkUnqualified(col, scope);
      return;
    }
    String qSchema = qualifier.getSchemaName() == null ? null
        : Identifiers.pg(qualifier.getSchemaName());
    Source src = scope.find(qSchema, qName);
    if (src != null) {
      for (String table : src.tables) {
        if (WHOLE_ROW_FUNCTIONS.contains(col.toLowerCase(java.util.Locale.ROOT))) {
          // PostgreSQL's attribute notation: t.to_json is to_json(t), the whole row
          starOn(table);
        }
        blockColumn(table + "." + col);
        columns.add(table + "." + col);
      }
      return;
    }
    // Not a FROM item: a composite column's field (col.field) or an outer reference we cannot
    // attribute. Check both names against every table in scope.
    checkUnqualified(qName, scope);
    checkUnqualified(col, scope);
  }

  private void checkUnqualified(String col, Scope scope) {
    for (Scope s = scope; s != null; s = s.parent) {
      for (Source src : s.sources) {
        for (String table : src.tables) {
          blockColumn(table + "." + col);
        }
        if (src.name.equalsIgnoreCase(col)) {
          // a whole-row reference (SELECT u FROM users u) exposes every column, like u.*
          // (compared ignoring case: judging more references as whole rows only refuses more)
          for (String table : src.tables) {
            starOn(table);
          }
        }
      }
    }
    List<Source> own = scope.sources;
    if (own.size() == 1 && own.get(0).tables.size() == 1) {
      columns.add(own.get(0).tables.get(0) + "." + col);
    }
  }

  private void blockColumn(String qualifiedColumn) {
    policy.checkColumn(qualifiedColumn);
  }

  private void checkStar(Scope scope) {
    for (Source src : scope.sources) {
      for (String table : src.tables) {
        starOn(table);
      }
    }
  }

  private void checkTableStar(@Nullable Table qualifier, Scope scope) {
    if (qualifier == null || qualifier.getName() == null) {
      checkStar(scope);
      return;
    }
    String qName = Identifiers.pg(qualifier.getName());
    String qSchema = qualifier.getSchemaName() == null ? null
        : Identifiers.pg(qualifier.getSchemaName());
    Source src = scope.find(qSchema, qName);
    if (src != null) {
      for (String table : src.tables) {
        starOn(table);
      }
    } else {
      // TABLE t, or a qualifier we cannot attribute: judge by the table it names, if any.
      for (String table : resolveTable(qualifier, scope)) {
        starOn(table);
      }
    }
  }

  private void starOn(String table) {
    Boolean blocked = tablesWithBlockedColumns.get(table);
    String rule = null;
    if (blocked == null || blocked) {
      rule = blockedColumnRuleFor(table);
      tablesWithBlockedColumns.put(table, rule != null);
    }
    if (rule != null) {
      throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "'*' (or a whole-row reference)"
          + " on table '" + table + "' is refused because blockedColumns rule '" + rule
          + "' can match one of its columns; name the columns you need");
    }
  }

  /** The first blockedColumns glob that can match some column of {@code table}, or null. */
  private @Nullable String blockedColumnRuleFor(String table) {
    String prefix = table + ".";
    for (String glob : policy.blockedColumns()) {
      if (GlobPrefix.canMatchWithPrefix(glob, prefix)) {
        return glob;
      }
    }
    return null;
  }

  private static DbAccessException blocked(String why) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement refused: " + why);
  }

  // --- scopes ---------------------------------------------------------------------------------

  private record Source(String name, List<String> tables) {}

  private static final class Scope {
    final @Nullable Scope parent;
    final Set<String> ctes = new HashSet<>();
    final List<Source> sources = new ArrayList<>(4);

    Scope(@Nullable Scope parent) {
      this.parent = parent;
    }

    boolean isCte(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.ctes.contains(name)) {
          return true;
        }
      }
      return false;
    }

    @Nullable Source find(@Nullable String schema, String name) {
      for (Scope s = this; s != null; s = s.parent) {
        for (Source src : s.sources) {
          if (schema == null || schema.isEmpty()) {
            if (src.name.equals(name)) {
              return src;
            }
          } else if (src.tables.contains(schema + "." + name)) {
            return src;
          }
        }
      }
      return null;
    }
  }
}
