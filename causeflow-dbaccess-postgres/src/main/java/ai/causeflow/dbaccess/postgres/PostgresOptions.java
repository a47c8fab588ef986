package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * PostgreSQL-specific execution options of a {@link PostgresReadOnlyDataSource}. The defaults suit
 * most deployments; the policy (row cap, byte cap, statement timeout) lives in
 * {@link ai.causeflow.dbaccess.core.Policy}, not here.
 *
 * <pre>{@code
 * PostgresOptions options = PostgresOptions.builder()
 *     .defaultSchema("app")                       // unqualified names resolve here
 *     .lockTimeout(Duration.ofSeconds(2))
 *     .connectionWait(Duration.ofSeconds(3))      // bounded wait for a free pooled connection
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable value; validated in the constructor.
 *
 * @param defaultSchema the schema unqualified table names resolve to (the validator's and the
 *     session's {@code search_path} agree on it), a plain identifier folded to lower case as
 *     PostgreSQL folds an unquoted name; default {@code public}
 * @param lockTimeout {@code lock_timeout} of every transaction, capped by the statement timeout;
 *     default 5 s
 * @param connectionWait how long a request waits for a free connection of the internal pool (or
 *     for the user's data source to answer with one before the deadline); default 5 s
 * @param fetchSize rows per round trip of the streaming cursor, capped by {@code limit + 1};
 *     default 500
 * @param validationCacheSize how many validated statements are remembered per data source (keyed
 *     by statement text; the policy is fixed per data source); 0 disables; default 512
 */
public record PostgresOptions(
    String defaultSchema,
    Duration lockTimeout,
    Duration connectionWait,
    int fetchSize,
    int validationCacheSize) {

  private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public PostgresOptions {
    Objects.requireNonNull(defaultSchema, "defaultSchema");
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(connectionWait, "connectionWait");
    if (!SCHEMA.matcher(defaultSchema).matches()) {
      throw invalid("defaultSchema: must be a plain identifier [A-Za-z_][A-Za-z0-9_$]*");
    }
    // a plain (unquoted) identifier: PostgreSQL folds it to lower case (ASCII only, and the
    // pattern admits nothing else). The session's search_path quotes the folded name and the
    // validator resolves to it, so both read the same schema ("App" would otherwise be "App" to
    // the session and "app" to the validator).
    defaultSchema = defaultSchema.toLowerCase(java.util.Locale.ROOT);
    if (lockTimeout.toMillis() < 1 || lockTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw invalid("lockTimeout: must be between 1 ms and 1 h, was " + lockTimeout.toMillis()
          + " ms");
    }
    if (connectionWait.toMillis() < 1 || connectionWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw invalid("connectionWait: must be between 1 ms and 10 min, was "
          + connectionWait.toMillis() + " ms");
    }
    if (fetchSize < 1 || fetchSize > 100_000) {
      throw invalid("fetchSize: must be between 1 and 100000, was " + fetchSize);
    }
    if (validationCacheSize < 0 || validationCacheSize > 100_000) {
      throw invalid("validationCacheSize: must be between 0 and 100000, was "
          + validationCacheSize);
    }
  }

  /** The defaults: schema {@code public}, lock timeout 5 s, connection wait 5 s, fetch size 500. */
  public static PostgresOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().defaultSchema(defaultSchema).lockTimeout(lockTimeout)
        .connectionWait(connectionWait).fetchSize(fetchSize)
        .validationCacheSize(validationCacheSize);
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  /** Builder for {@link PostgresOptions}; not thread-safe. */
  public static final class Builder {
    private String defaultSchema = "public";
    private Duration lockTimeout = Duration.ofSeconds(5);
    private Duration connectionWait = Duration.ofSeconds(5);
    private int fetchSize = 500;
    private int validationCacheSize = 512;

    private Builder() {}

    public Builder defaultSchema(String v) {
      this.defaultSchema = v;
      return this;
    }

    public Builder lockTimeout(Duration v) {
      this.lockTimeout = v;
      return this;
    }

    public Builder connectionWait(Duration v) {
      this.connectionWait = v;
      return this;
    }

    public Builder fetchSize(int v) {
      this.fetchSize = v;
      return this;
    }

    public Builder validationCacheSize(int v) {
      this.validationCacheSize = v;
      return this;
    }

    public PostgresOptions build() {
      return new PostgresOptions(defaultSchema, lockTimeout, connectionWait, fetchSize,
          validationCacheSize);
    }
  }
}
