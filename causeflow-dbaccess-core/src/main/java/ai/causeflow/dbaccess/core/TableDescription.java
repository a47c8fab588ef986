package ai.causeflow.dbaccess.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One table or collection as {@code describe_table} reports it, whatever the backend: its columns
 * (or, for documents, the fields inferred from a sample, with how often each was seen), its key
 * and its indexes.
 *
 * <p>A {@code describe_table} result is a {@link QueryResult} of one row (so policy, masking,
 * audit and caps apply to it), written by {@link #toRow()}: the standard keys {@code schema},
 * {@code name}, {@code kind}, {@code estimated_rows}, {@code columns}, {@code primary_key},
 * {@code indexes}, then the backend's own {@link #details()} ({@code size_bytes},
 * {@code comment}, {@code foreign_keys} for PostgreSQL). Read it back with
 * {@link #from(QueryResult)} or {@link ReadOnlyDataSource#tableDescription(String)}.
 *
 * <pre>{@code
 * TableDescription d = ds.tableDescription("public.orders");
 * for (TableDescription.Field f : d.columns()) {
 *   System.out.println(f.name() + " " + f.type() + (f.blocked() ? " (blocked)" : ""));
 * }
 * d.primaryKey();                  // [id]
 * // in a document backend, from a sample of 100 documents where 40 had "coupon":
 * new TableDescription.Field("coupon", "string", true, 0.4, false, Map.of());
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param schema the schema (SQL), database (MongoDB) or null where there is none
 * @param name the table or collection name, unqualified
 * @param kind as in {@link TableInfo#kind()}
 * @param estimatedRows the backend's estimate, or null when unknown
 * @param columns the columns or inferred fields, in the backend's order
 * @param primaryKey the key's columns in order (DynamoDB: partition key, then sort key; MongoDB:
 *     {@code _id}); empty when there is none
 * @param indexes the secondary and unique indexes (and the primary key's index where the backend
 *     has one)
 * @param details backend-specific entries written after the standard keys
 */
public record TableDescription(@Nullable String schema, String name, String kind,
    @Nullable Long estimatedRows, List<Field> columns, List<String> primaryKey,
    List<Index> indexes, Map<String, @Nullable Object> details) {

  private static final Set<String> KEYS = Set.of("schema", "name", "kind", "estimated_rows",
      "columns", "primary_key", "indexes");

  /** The standard columns of a {@code describe_table} result, in order (details not included). */
  public static final List<Column> COLUMNS = List.of(new Column("schema", "text"),
      new Column("name", "text"), new Column("kind", "text"),
      new Column("estimated_rows", "int8"), new Column("columns", "json"),
      new Column("primary_key", "json"), new Column("indexes", "json"));

  public TableDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    indexes = List.copyOf(indexes);
    details = frozen(details);
  }

  /**
   * One column, or one field inferred from sampled documents.
   *
   * @param name the column name, or the field's dotted path ({@code profile.email})
   * @param type the database's type name; for inferred fields the observed types joined with
   *     {@code |} ({@code string|null})
   * @param nullable whether it may be null (or absent), null when unknown
   * @param frequency for inferred fields, the share of sampled documents that had it (0..1);
   *     null for declared columns
   * @param blocked whether {@code blockedColumns} blocks it (its name is schema, not data, so it is
   *     listed; its values are never returned)
   * @param details backend-specific entries ({@code default}, {@code identity},
   *     {@code generated} for PostgreSQL)
   */
  public record Field(String name, String type, @Nullable Boolean nullable,
      @Nullable Double frequency, boolean blocked, Map<String, @Nullable Object> details) {
    private static final Set<String> KEYS = Set.of("name", "type", "nullable", "frequency",
        "blocked");

    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      details = frozen(details);
    }

    /** {@code name, type, nullable, [frequency,] blocked}, then the details. */
    public Map<String, @Nullable Object> toMap() {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("type", type);
      m.put("nullable", nullable);
      if (frequency != null) {
        m.put("frequency", frequency);
      }
      m.put("blocked", blocked);
      m.putAll(details);
      return m;
    }

    static @Nullable Field fromMap(Map<String, @Nullable Object> m) {
      String name = SchemaValues.text(m.get("name"));
      if (name == null) {
        return null;
      }
      String type = SchemaValues.text(m.get("type"));
      return new Field(name, type == null ? "unknown" : type, SchemaValues.bool(m.get("nullable")),
          SchemaValues.fraction(m.get("frequency")),
          Boolean.TRUE.equals(m.get("blocked")),
          rest(m, KEYS));
    }
  }

  /**
   * One index.
   *
   * @param name the index name
   * @param columns its key columns or fields in order ({@code (expression)} for an expression)
   * @param unique whether it enforces uniqueness
   * @param details backend-specific entries ({@code primary}, {@code valid},
   *     {@code definition} for PostgreSQL; {@code type} for DynamoDB global/local indexes)
   */
  public record Index(String name, List<String> columns, boolean unique,
      Map<String, @Nullable Object> details) {
    private static final Set<String> KEYS = Set.of("name", "columns", "unique");

    public Index {
      Objects.requireNonNull(name, "name");
      columns = List.copyOf(columns);
      details = frozen(details);
    }

    /** {@code name, columns, unique}, then the details. */
    public Map<String, @Nullable Object> toMap() {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("columns", columns);
      m.put("unique", unique);
      m.putAll(details);
      return m;
    }

    static @Nullable Index fromMap(Map<String, @Nullable Object> m) {
      String name = SchemaValues.text(m.get("name"));
      if (name == null) {
        return null;
      }
      return new Index(name, SchemaValues.strings(m.get("columns")),
          Boolean.TRUE.equals(m.get("unique")), rest(m, KEYS));
    }
  }

  /** {@code schema.name}, or the name alone when there is no schema. */
  public String qualifiedName() {
    return schema == null ? name : schema + "." + name;
  }

  /** The result row: the standard keys in order, then the details. */
  public Map<String, @Nullable Object> toRow() {
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("schema", schema);
    row.put("name", name);
    row.put("kind", kind);
    row.put("estimated_rows", estimatedRows);
    List<Map<String, @Nullable Object>> cols = new ArrayList<>(columns.size());
    columns.forEach(c -> cols.add(c.toMap()));
    row.put("columns", cols);
    row.put("primary_key", primaryKey);
    List<Map<String, @Nullable Object>> ix = new ArrayList<>(indexes.size());
    indexes.forEach(i -> ix.add(i.toMap()));
    row.put("indexes", ix);
    row.putAll(details);
    return row;
  }

  /**
   * Reads a row written by {@link #toRow()}, as masking left it (a masked name is kept as masked;
   * entries without a string name are skipped).
   *
   * @return null when the row has no string {@code name}
   */
  public static @Nullable TableDescription fromRow(Map<String, @Nullable Object> row) {
    String name = SchemaValues.text(row.get("name"));
    if (name == null) {
      return null;
    }
    List<Field> fields = new ArrayList<>();
    for (Map<String, @Nullable Object> m : SchemaValues.maps(row.get("columns"))) {
      Field f = Field.fromMap(m);
      if (f != null) {
        fields.add(f);
      }
    }
    List<Index> indexes = new ArrayList<>();
    for (Map<String, @Nullable Object> m : SchemaValues.maps(row.get("indexes"))) {
      Index i = Index.fromMap(m);
      if (i != null) {
        indexes.add(i);
      }
    }
    String kind = SchemaValues.text(row.get("kind"));
    return new TableDescription(SchemaValues.text(row.get("schema")), name,
        kind == null ? "table" : kind, SchemaValues.whole(row.get("estimated_rows")), fields,
        SchemaValues.strings(row.get("primary_key")), indexes, rest(row, KEYS));
  }

  /**
   * The description in a {@code describe_table} result.
   *
   * @throws DbAccessException {@link ErrorCode#INTERNAL} when the result holds no description
   */
  public static TableDescription from(QueryResult result) {
    if (result.rowCount() == 1) {
      TableDescription d = fromRow(result.rows().get(0));
      if (d != null) {
        return d;
      }
    }
    throw new DbAccessException(ErrorCode.INTERNAL,
        "describe_table: the backend returned " + result.rowCount()
            + " row(s) where one table description was expected");
  }

  private static Map<String, @Nullable Object> rest(Map<String, @Nullable Object> m,
      Set<String> standard) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!standard.contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Map<String, @Nullable Object> frozen(Map<String, @Nullable Object> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
