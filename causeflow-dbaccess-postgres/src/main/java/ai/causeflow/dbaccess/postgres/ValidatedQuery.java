package ai.causeflow.dbaccess.postgres;

import java.util.Objects;
import java.util.Set;

/**
 * A statement that {@link PostgresQueryValidator} accepted, with what it reads.
 *
 * <pre>{@code
 * ValidatedQuery q = validator.validate("SELECT id FROM orders WHERE id = $1", policy);
 * q.tables();       // [public.orders]
 * q.jdbc().sql();   // SELECT id FROM orders WHERE id = ?
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param sql the single statement as received, trimmed, without a trailing {@code ;}
 * @param tables every table/view read, {@code schema.table}, lower-case (an unqualified
 *     {@code pg_*} name appears under both {@code pg_catalog} and the default schema, since
 *     PostgreSQL may resolve it to either)
 * @param functions every function called, lower-case, qualified as written
 * @param jdbc {@link #sql()} rewritten for pgjdbc
 * @param columns column references that could be attributed to a table,
 *     {@code schema.table.column}, lower-case
 * @param redacted {@link #sql()} with every literal replaced by {@code ?}, for audit and
 *     fingerprints
 */
public record ValidatedQuery(String sql, Set<String> tables, Set<String> functions,
    JdbcStatement jdbc, Set<String> columns, String redacted) {
  public ValidatedQuery {
    Objects.requireNonNull(sql, "sql");
    tables = Set.copyOf(tables);
    functions = Set.copyOf(functions);
    Objects.requireNonNull(jdbc, "jdbc");
    columns = Set.copyOf(columns);
    Objects.requireNonNull(redacted, "redacted");
  }
}
