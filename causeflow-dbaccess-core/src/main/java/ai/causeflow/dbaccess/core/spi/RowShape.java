package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.internal.ShapedRow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The column names of one result, shared by all of its rows. A row made with {@link #row} is a
 * compact, read-only, insertion-ordered map: one array of values and a pointer to this shape, where
 * a {@link java.util.LinkedHashMap} would need a table and an entry object per column. The row owns
 * a copy of the array it was given (so a cursor may fill one array for every row); the pipeline
 * keeps such rows as they are (no wrapper, no further copy), and masking copies only the array of
 * a row it changes.
 *
 * <pre>{@code
 * RowShape shape = RowShape.of(List.of("id", "email"));     // once per cursor
 * Map<String, Object> row = shape.row(new Object[] {42L, "ana@example.com"});   // per row
 * }</pre>
 *
 * <p>Thread-safety: immutable; rows are immutable once made (they own their array).
 */
public final class RowShape {
  private final String[] names;
  private final Map<String, Integer> index;
  private final long[] keySizes;

  private RowShape(String[] names) {
    this.names = names;
    this.index = new HashMap<>(names.length * 2);
    this.keySizes = new long[names.length];
    for (int i = 0; i < names.length; i++) {
      if (index.putIfAbsent(names[i], i) != null) {
        throw new IllegalArgumentException("duplicate column name at position " + (i + 1));
      }
    }
  }

  /**
   * A shape for these column names, in order.
   *
   * @throws IllegalArgumentException if a name repeats (rows are maps)
   */
  public static RowShape of(List<String> names) {
    String[] a = names.toArray(String[]::new);
    for (String n : a) {
      Objects.requireNonNull(n, "column name");
    }
    return new RowShape(a);
  }

  /** Number of columns. */
  public int size() {
    return names.length;
  }

  /** The names, in order. */
  public List<String> names() {
    return List.of(names);
  }

  /**
   * A row over a copy of {@code values}: the caller may fill the same array again for the next
   * row. (Nested lists, maps and byte arrays are not copied: the cursor must not change them.)
   *
   * @throws IllegalArgumentException if the array's length is not {@link #size()}
   */
  public Map<String, @Nullable Object> row(@Nullable Object[] values) {
    if (values.length != names.length) {
      throw new IllegalArgumentException("expected " + names.length + " values, got "
          + values.length);
    }
    return new ShapedRow(this, values.clone());
  }

  /** Position of {@code key}, or -1. */
  public int indexOf(@Nullable Object key) {
    Integer i = index.get(key);
    return i == null ? -1 : i;
  }

  /** The name at {@code i}. */
  public String name(int i) {
    return names[i];
  }

  /** Cached JSON size of the key at {@code i} with its quotes, colon and comma (for the byte cap). */
  public long keyJsonSize(int i) {
    long s = keySizes[i];
    if (s == 0) {
      s = ai.causeflow.dbaccess.core.ValueJson.size(names[i]) + 2;
      keySizes[i] = s; // benign race: every thread computes the same value
    }
    return s;
  }
}
