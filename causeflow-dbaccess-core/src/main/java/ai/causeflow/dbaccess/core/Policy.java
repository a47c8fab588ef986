package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.internal.Glob;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.Set;

/**
 * What a caller may do with one resource: which operations, which tables and columns, how many
 * rows and bytes, how long. Decisions follow "deny wins": a table matched by {@code blockedTables}
 * is refused whatever {@code allowedTables} says, and when {@code allowedTables} is not empty a
 * table it does not match is refused.
 *
 * <pre>{@code
 * Policy policy = Policy.builder()
 *     .allowedOperations(Set.of(Operation.QUERY, Operation.EXPLAIN))
 *     .maxRowsPerQuery(500)
 *     .statementTimeout(Duration.ofSeconds(10))
 *     .allowedTables(List.of("public.*"))
 *     .blockedTables(List.of("public.secrets"))
 *     .blockedColumns(List.of("public.users.password_hash"))
 *     .build();
 * Policy stricter = policy.toBuilder().maxRowsPerQuery(50).build();
 * }</pre>
 *
 * <p>{@code *} in a glob matches any run of characters. {@code allowedTables} compares names
 * exactly (case-sensitive: an allow rule admits only the spelling it names, since a database may
 * hold {@code orders} and {@code "ORDERS"} as two tables); {@code blockedTables} and
 * {@code blockedColumns} are case-insensitive (refusing more spellings is the safe side). Tables
 * are named
 * {@code schema.table} (SQL) or by collection/table name (MongoDB, DynamoDB); columns
 * {@code schema.table.column}.
 *
 * <p>Thread-safety: immutable; validated in the constructor, so an instance is always valid.
 */
public final class Policy {
  public static final int MAX_ROWS_LIMIT = 100_000;
  public static final long MIN_RESULT_BYTES = 1_024;
  public static final long MAX_RESULT_BYTES = 1L << 30;
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** The operations allowed when none are named: the four read operations every backend has. */
  public static final Set<Operation> DEFAULT_OPERATIONS = Set.of(
      Operation.QUERY, Operation.DESCRIBE_TABLE, Operation.LIST_TABLES, Operation.EXPLAIN);

  private final Set<Operation> allowedOperations;
  private final int maxRowsPerQuery;
  private final long maxResultBytes;
  private final Duration statementTimeout;
  private final List<String> allowedTables;
  private final List<String> blockedTables;
  private final List<String> blockedColumns;
  private final List<Glob> allowedTableGlobs;
  private final List<Glob> blockedTableGlobs;
  private final List<Glob> blockedColumnGlobs;

  private Policy(Builder b) {
    this.allowedOperations = Set.copyOf(new LinkedHashSet<>(b.allowedOperations));
    this.maxRowsPerQuery = b.maxRowsPerQuery;
    this.maxResultBytes = b.maxResultBytes;
    this.statementTimeout = Objects.requireNonNull(b.statementTimeout, "statementTimeout");
    this.allowedTables = List.copyOf(b.allowedTables);
    this.blockedTables = List.copyOf(b.blockedTables);
    this.blockedColumns = List.copyOf(b.blockedColumns);
    if (maxRowsPerQuery < 1 || maxRowsPerQuery > MAX_ROWS_LIMIT) {
      throw invalid("maxRowsPerQuery: must be between 1 and " + MAX_ROWS_LIMIT + ", was "
          + maxRowsPerQuery);
    }
    if (maxResultBytes < MIN_RESULT_BYTES || maxResultBytes > MAX_RESULT_BYTES) {
      throw invalid("maxResultBytes: must be between " + MIN_RESULT_BYTES + " and "
          + MAX_RESULT_BYTES + ", was " + maxResultBytes);
    }
    if (statementTimeout.compareTo(MIN_TIMEOUT) < 0 || statementTimeout.compareTo(MAX_TIMEOUT) > 0) {
      throw invalid("statementTimeout: must be between 1 ms and 1 h, was "
          + statementTimeout.toMillis() + " ms");
    }
    this.allowedTableGlobs = Glob.allExact(checked("allowedTables", allowedTables));
    this.blockedTableGlobs = globs("blockedTables", blockedTables);
    this.blockedColumnGlobs = globs("blockedColumns", blockedColumns);
  }

  /** A builder with the defaults: the four read operations, 1000 rows, 16 MiB, 30 s, all tables. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default policy (see {@link #builder()}). */
  public static Policy defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.allowedOperations = allowedOperations;
    b.maxRowsPerQuery = maxRowsPerQuery;
    b.maxResultBytes = maxResultBytes;
    b.statementTimeout = statementTimeout;
    b.allowedTables = allowedTables;
    b.blockedTables = blockedTables;
    b.blockedColumns = blockedColumns;
    return b;
  }

  public Set<Operation> allowedOperations() {
    return allowedOperations;
  }

  public int maxRowsPerQuery() {
    return maxRowsPerQuery;
  }

  public long maxResultBytes() {
    return maxResultBytes;
  }

  public Duration statementTimeout() {
    return statementTimeout;
  }

  public List<String> allowedTables() {
    return allowedTables;
  }

  public List<String> blockedTables() {
    return blockedTables;
  }

  public List<String> blockedColumns() {
    return blockedColumns;
  }

  /** Whether {@code operation} is allowed. */
  public boolean allows(Operation operation) {
    return allowedOperations.contains(operation);
  }

  /** Throws {@link ErrorCode#OPERATION_NOT_ALLOWED} unless {@code operation} is allowed. */
  public void checkOperation(Operation operation) {
    if (!allows(operation)) {
      throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED,
          "operation '" + operation + "' is not in allowedOperations");
    }
  }

  /** Whether the table ({@code schema.table} or a collection name) may be read. Deny wins. */
  public boolean isTableAllowed(String table) {
    return tableRefusal(table) == null;
  }

  /**
   * Throws {@link ErrorCode#TABLE_NOT_ALLOWED} naming the rule that refuses {@code table}. The
   * table name is an identifier from the statement, not data, so it may be named.
   */
  public void checkTable(String table) {
    String refusal = tableRefusal(table);
    if (refusal != null) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, refusal);
    }
  }

  /** Whether the column {@code schema.table.column} (or {@code collection.field}) is blocked. */
  public boolean isColumnBlocked(String qualifiedColumn) {
    return Glob.firstMatch(blockedColumnGlobs, qualifiedColumn) != null;
  }

  /** Throws {@link ErrorCode#COLUMN_NOT_ALLOWED} naming the rule that blocks the column. */
  public void checkColumn(String qualifiedColumn) {
    Glob g = Glob.firstMatch(blockedColumnGlobs, qualifiedColumn);
    if (g != null) {
      throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED,
          "column '" + qualifiedColumn + "' matches blockedColumns rule '" + g + "'");
    }
  }

  private @Nullable String tableRefusal(String table) {
    Objects.requireNonNull(table, "table");
    @Nullable Glob blocked = Glob.firstMatch(blockedTableGlobs, table);
    if (blocked != null) {
      return "table '" + table + "' matches blockedTables rule '" + blocked + "'";
    }
    if (!allowedTableGlobs.isEmpty() && Glob.firstMatch(allowedTableGlobs, table) == null) {
      return "table '" + table + "' matches no allowedTables rule";
    }
    return null;
  }

  private static List<Glob> globs(String key, List<String> values) {
    return Glob.all(checked(key, values));
  }

  private static List<String> checked(String key, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null || v.isBlank()) {
        throw invalid(key + "[" + i + "]: must be a non-empty glob");
      }
    }
    return values;
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Policy p && allowedOperations.equals(p.allowedOperations)
        && maxRowsPerQuery == p.maxRowsPerQuery && maxResultBytes == p.maxResultBytes
        && statementTimeout.equals(p.statementTimeout) && allowedTables.equals(p.allowedTables)
        && blockedTables.equals(p.blockedTables) && blockedColumns.equals(p.blockedColumns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowedOperations, maxRowsPerQuery, maxResultBytes, statementTimeout,
        allowedTables, blockedTables, blockedColumns);
  }

  @Override
  public String toString() {
    return "Policy[allowedOperations=" + allowedOperations + ", maxRowsPerQuery=" + maxRowsPerQuery
        + ", maxResultBytes=" + maxResultBytes + ", statementTimeout=" + statementTimeout
        + ", allowedTables=" + allowedTables + ", blockedTables=" + blockedTables
        + ", blockedColumns=" + blockedColumns + "]";
  }

  /** Builder for {@link Policy}; not thread-safe. {@link #build()} validates every value. */
  public static final class Builder {
    private Set<Operation> allowedOperations = DEFAULT_OPERATIONS;
    private int maxRowsPerQuery = 1_000;
    private long maxResultBytes = 16L * 1024 * 1024;
    private Duration statementTimeout = Duration.ofSeconds(30);
    private List<String> allowedTables = List.of();
    private List<String> blockedTables = List.of();
    private List<String> blockedColumns = List.of();

    private Builder() {}

    public Builder allowedOperations(Set<Operation> v) {
      this.allowedOperations = Objects.requireNonNull(v);
      return this;
    }

    public Builder maxRowsPerQuery(int v) {
      this.maxRowsPerQuery = v;
      return this;
    }

    public Builder maxResultBytes(long v) {
      this.maxResultBytes = v;
      return this;
    }

    public Builder statementTimeout(Duration v) {
      this.statementTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Globs over {@code schema.table}, compared case-sensitively (write names as the database
     * stores them: PostgreSQL folds unquoted names to lower case); empty means every table
     * (subject to the backend's own rules).
     */
    public Builder allowedTables(List<String> v) {
      this.allowedTables = Objects.requireNonNull(v);
      return this;
    }

    public Builder blockedTables(List<String> v) {
      this.blockedTables = Objects.requireNonNull(v);
      return this;
    }

    public Builder blockedColumns(List<String> v) {
      this.blockedColumns = Objects.requireNonNull(v);
      return this;
    }

    /** @throws DbAccessException with {@link ErrorCode#CONFIG_INVALID} naming the bad value */
    public Policy build() {
      return new Policy(this);
    }
  }
}
