package ai.causeflow.dbaccess.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One request to a {@link ReadOnlyDataSource}: an operation, its statement, bound parameters and an
 * optional row limit. Parameters are always bound by the backend, never spliced into the text.
 *
 * <pre>{@code
 * QueryRequest req = QueryRequest.query("SELECT id, status FROM orders WHERE customer_id = $1")
 *     .parameters(List.of(42))
 *     .limit(100)
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} never prints parameter values. Thread-safety: immutable value.
 *
 * @param requestId caller-chosen id carried into audit events and database session names;
 *     {@code [A-Za-z0-9._:-]}, at most 128 characters
 * @param operation what to do
 * @param statement the SQL text, command document or name the operation needs; may be empty for
 *     operations without one (e.g. {@code list_tables})
 * @param parameters values for {@code $1..$n}: null, Boolean, Number, String, List or Map
 * @param limit the caller's row limit, clamped to the policy's {@code maxRowsPerQuery}; null means
 *     the policy's maximum
 */
public record QueryRequest(
    String requestId,
    Operation operation,
    String statement,
    List<@Nullable Object> parameters,
    @Nullable Integer limit) {

  /** Largest statement accepted, in characters. */
  public static final int MAX_STATEMENT_CHARS = 1 << 20;
  /** Largest number of bound parameters accepted. */
  public static final int MAX_PARAMETERS = 1_000;

  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public QueryRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(parameters, "parameters");
    if (!REQUEST_ID.matcher(requestId).matches()) {
      throw invalid("requestId: must match [A-Za-z0-9._:-]{1,128}");
    }
    if (statement.length() > MAX_STATEMENT_CHARS) {
      throw invalid("statement: must be at most " + MAX_STATEMENT_CHARS + " characters, was "
          + statement.length());
    }
    if (parameters.size() > MAX_PARAMETERS) {
      throw invalid("parameters: at most " + MAX_PARAMETERS + " values, was " + parameters.size());
    }
    for (int i = 0; i < parameters.size(); i++) {
      checkJsonValue(parameters.get(i), "parameters[" + i + "]", 0);
    }
    if (limit != null && limit < 1) {
      throw invalid("limit: must be at least 1, was " + limit);
    }
    parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
  }

  /** A builder for a {@link Operation#QUERY} of {@code statement}. */
  public static Builder query(String statement) {
    return builder(Operation.QUERY).statement(statement);
  }

  /** A builder for any operation. */
  public static Builder builder(Operation operation) {
    return new Builder(operation);
  }

  /** A copy of this request with another operation (used by convenience methods). */
  public QueryRequest withOperation(Operation other) {
    return new QueryRequest(requestId, other, statement, parameters, limit);
  }

  @Override
  public String toString() {
    return "QueryRequest[requestId=" + requestId + ", operation=" + operation
        + ", statementChars=" + statement.length() + ", parameters=" + parameters.size()
        + ", limit=" + limit + "]";
  }

  private static void checkJsonValue(@Nullable Object v, String path, int depth) {
    if (depth > 32) {
      throw invalid(path + ": nested deeper than 32 levels");
    }
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
        || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof Double
        || v instanceof Float || v instanceof BigDecimal || v instanceof BigInteger) {
      return;
    }
    if (v instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkJsonValue(list.get(i), path + "[" + i + "]", depth + 1);
      }
      return;
    }
    if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw invalid(path + ": object keys must be strings");
        }
        checkJsonValue(e.getValue(), path + "." + key, depth + 1);
      }
      return;
    }
    throw invalid(path + ": must be null, boolean, number, string, array or object, was "
        + v.getClass().getSimpleName());
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.INVALID_PARAMS, message);
  }

  /** Builder for {@link QueryRequest}; not thread-safe. */
  public static final class Builder {
    private final Operation operation;
    private @Nullable String requestId;
    private String statement = "";
    private List<@Nullable Object> parameters = List.of();
    private @Nullable Integer limit;

    private Builder(Operation operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder statement(String statement) {
      this.statement = statement;
      return this;
    }

    public Builder parameters(List<@Nullable Object> parameters) {
      this.parameters = parameters;
      return this;
    }

    public Builder limit(@Nullable Integer limit) {
      this.limit = limit;
      return this;
    }

    /** Builds the request, generating a random request id if none was set. */
    public QueryRequest build() {
      String id = requestId != null ? requestId : UUID.randomUUID().toString();
      return new QueryRequest(id, operation, statement, parameters, limit);
    }
  }
}
