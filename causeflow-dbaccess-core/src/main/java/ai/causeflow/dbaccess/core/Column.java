package ai.causeflow.dbaccess.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One column of a result: its name as it appears in each row, the database's type name, and where
 * the backend knows it, the {@code schema.table} the value was read from (used by column masking
 * rules such as {@code public.users.email}).
 *
 * <pre>{@code
 * for (Column c : result.columns()) {
 *   System.out.println(c.name() + " " + c.type());   // "email text"
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param name the key of this column in every row map
 * @param type the database's type name ({@code int4}, {@code jsonb}, {@code string}...)
 * @param sourceTable {@code schema.table} (or collection) the column comes from, or null if it is
 *     computed or unknown
 * @param sourceColumn the column's name in {@code sourceTable} when the backend knows it and it
 *     differs from {@code name} (an alias: {@code SELECT email AS e}); null means {@code name}
 */
public record Column(String name, String type, @Nullable String sourceTable,
    @Nullable String sourceColumn) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public Column(String name, String type) {
    this(name, type, null, null);
  }

  /** A column read from {@code sourceTable} under its own name. */
  public Column(String name, String type, @Nullable String sourceTable) {
    this(name, type, sourceTable, null);
  }

  /**
   * {@code sourceTable.sourceColumn} (the column as column policy names it), or null when the
   * source table is unknown.
   */
  public @Nullable String sourceQualifiedName() {
    return sourceTable == null ? null
        : sourceTable + "." + (sourceColumn == null ? name : sourceColumn);
  }

  /** {@code sourceTable.name} when the source is known, otherwise just the name. */
  public String qualifiedName() {
    return sourceTable == null ? name : sourceTable + "." + name;
  }
}
