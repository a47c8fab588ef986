package ai.causeflow.dbaccess.core;

import java.util.List;
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
 * @param sources the source columns ({@code schema.table.column}) the value is read or derived
 *     from, where the backend knows them: a plain reference under an alias ({@code ssn AS x}), an
 *     expression, an aggregate or a JSON/row wrapper around ruled columns. Masking column rules
 *     match these too, so a rule follows the data, not the output label. Empty when unknown.
 */
public record Column(String name, String type, @Nullable String sourceTable,
    List<String> sources) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  public Column(String name, String type) {
    this(name, type, null, List.of());
  }

  public Column(String name, String type, @Nullable String sourceTable) {
    this(name, type, sourceTable, List.of());
  }

  /** {@code sourceTable.name} when the source is known, otherwise just the name. */
  public String qualifiedName() {
    return sourceTable == null ? name : sourceTable + "." + name;
  }
}
