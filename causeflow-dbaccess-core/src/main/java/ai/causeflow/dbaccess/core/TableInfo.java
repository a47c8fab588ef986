package ai.causeflow.dbaccess.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One table, view or collection as {@code list_tables} reports it, whatever the backend.
 *
 * <p>A {@code list_tables} result is still a {@link QueryResult} (its rows pass through the
 * pipeline: policy, masking, audit, caps); each row carries the standard keys {@code schema},
 * {@code name}, {@code kind}, {@code estimated_rows} written by {@link #toRow()}, and may carry
 * backend-specific keys after them ({@code size_bytes} for PostgreSQL). Front ends read the
 * records through {@link #listFrom(QueryResult)} or {@link ReadOnlyDataSource#tableInfos()}, never
 * by guessing column names.
 *
 * <pre>{@code
 * for (TableInfo t : ds.tableInfos()) {
 *   System.out.println(t.qualifiedName() + " " + t.kind() + " ~" + t.estimatedRows());
 * }
 * // in a backend's cursor:
 * rows.add(new TableInfo("events", "clicks", "collection", 12_000L).toRow());
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param schema the schema (SQL), database (MongoDB) or null where there is none (DynamoDB)
 * @param name the table or collection name, unqualified
 * @param kind {@code table}, {@code view}, {@code materialized_view}, {@code foreign_table},
 *     {@code partitioned_table}, {@code collection}...
 * @param estimatedRows the backend's estimate, or null when unknown
 */
public record TableInfo(@Nullable String schema, String name, String kind,
    @Nullable Long estimatedRows) {

  /** The standard columns of a {@code list_tables} result, in order. */
  public static final List<Column> COLUMNS = List.of(new Column("schema", "text"),
      new Column("name", "text"), new Column("kind", "text"),
      new Column("estimated_rows", "int8"));

  public TableInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  /** {@code schema.name}, or the name alone when there is no schema. */
  public String qualifiedName() {
    return schema == null ? name : schema + "." + name;
  }

  /** The standard row: {@code schema, name, kind, estimated_rows}, in that order. */
  public Map<String, @Nullable Object> toRow() {
    Map<String, @Nullable Object> row = new LinkedHashMap<>(8);
    row.put("schema", schema);
    row.put("name", name);
    row.put("kind", kind);
    row.put("estimated_rows", estimatedRows);
    return row;
  }

  /**
   * Reads a standard row. Values are read as masking left them: a non-string schema or kind is
   * taken as absent, an estimate that is not a whole number as unknown.
   *
   * @return null when the row has no string {@code name}
   */
  public static @Nullable TableInfo fromRow(Map<String, @Nullable Object> row) {
    if (!(row.get("name") instanceof String name)) {
      return null;
    }
    String schema = row.get("schema") instanceof String s ? s : null;
    String kind = row.get("kind") instanceof String k ? k : "table";
    return new TableInfo(schema, name, kind, SchemaValues.whole(row.get("estimated_rows")));
  }

  /**
   * 16 hex digits over the sorted {@code qualifiedName:kind} lines of {@code tables}: changes when
   * the set of tables (or a kind) changes, whatever the order they were listed in. The relay's
   * {@code describe_resource} fingerprint.
   */
  public static String fingerprint(List<TableInfo> tables) {
    java.util.TreeSet<String> lines = new java.util.TreeSet<>();
    for (TableInfo t : tables) {
      lines.add(t.qualifiedName() + ":" + t.kind());
    }
    return ai.causeflow.dbaccess.core.internal.Statements.fingerprint(String.join("\n", lines));
  }

  /** The tables of a {@code list_tables} result; rows without a name are skipped. */
  public static List<TableInfo> listFrom(QueryResult result) {
    List<TableInfo> out = new ArrayList<>(result.rowCount());
    for (Map<String, @Nullable Object> row : result.rows()) {
      TableInfo t = fromRow(row);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }
}
