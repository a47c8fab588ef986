package ai.causeflow.dbaccess.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named operation a caller asks of a resource: the four common ones ({@link #QUERY},
 * {@link #EXPLAIN}, {@link #LIST_TABLES}, {@link #DESCRIBE_TABLE}) and backend-specific built-in
 * reads (PostgreSQL's {@code activity}, {@code locks}, ...). A policy allows operations by name.
 *
 * <pre>{@code
 * Operation op = Operation.of("locks");
 * policy.allows(op);
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param name lower-case snake case, e.g. {@code describe_table}
 */
public record Operation(String name) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  public static final Operation QUERY = new Operation("query");
  public static final Operation EXPLAIN = new Operation("explain");
  public static final Operation LIST_TABLES = new Operation("list_tables");
  public static final Operation DESCRIBE_TABLE = new Operation("describe_table");

  public Operation {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new DbAccessException(
          ErrorCode.INVALID_PARAMS, "operation: must match [a-z][a-z0-9_]* (at most 64 characters)");
    }
  }

  /** Parses an operation name; an invalid name is {@link ErrorCode#INVALID_PARAMS}. */
  public static Operation of(String name) {
    return new Operation(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
