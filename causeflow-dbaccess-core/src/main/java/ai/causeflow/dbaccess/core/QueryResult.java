package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.internal.FrozenRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a request, after masking. Each row is an insertion-ordered map from column name to
 * a value of the {@link ai.causeflow.dbaccess.core.spi.ValueModel} (null, Boolean, the integer and
 * decimal types, String, byte[], temporal types, UUID, List, Set, Map; nested values masked too).
 * {@link ValueJson} turns them into JSON for every consumer, with the protocol's rules (integers
 * beyond 2^53 and long decimals as strings, binary as base64, instants as ISO-8601 UTC).
 *
 * <pre>{@code
 * QueryResult r = ds.execute(QueryRequest.query("SELECT id, email FROM users").limit(10).build());
 * for (Map<String, Object> row : r.rows()) { ... row.get("email") ... }   // "***@***.***"
 * if (r.truncated()) { ... more rows existed than were returned ... }
 * r.metadata().patternsApplied();                                        // {email=10}
 * }</pre>
 *
 * <p>{@link #toString()} prints the shape, never the rows. Thread-safety: immutable value (rows and
 * nested values are unmodifiable copies).
 *
 * @param columns the columns, in order (after masking rules that drop columns)
 * @param rows the rows, at most the effective row limit
 * @param rowCount {@code rows.size()}
 * @param truncated true when more rows existed (or the byte cap stopped reading)
 * @param metadata masking counts, timing and limits
 */
public record QueryResult(
    List<Column> columns,
    List<Map<String, @Nullable Object>> rows,
    int rowCount,
    boolean truncated,
    ResultMetadata metadata) {

  public QueryResult {
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(metadata, "metadata");
    columns = List.copyOf(columns);
    if (!(rows instanceof FrozenRows)) {
      List<Map<String, @Nullable Object>> copy = new ArrayList<>(rows.size());
      for (Map<String, @Nullable Object> row : rows) {
        copy.add(new LinkedHashMap<>(row));
      }
      rows = FrozenRows.adopt(copy);
    }
    if (rowCount != rows.size()) {
      throw new IllegalArgumentException("rowCount " + rowCount + " != rows " + rows.size());
    }
  }

  @Override
  public String toString() {
    return "QueryResult[columns=" + columns.size() + ", rowCount=" + rowCount + ", truncated="
        + truncated + ", metadata=" + metadata + "]";
  }
}
