package ai.causeflow.dbaccess.core.internal;

import ai.causeflow.dbaccess.core.spi.LazyValue;
import ai.causeflow.dbaccess.core.spi.RowShape;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A read-only row: a {@link RowShape} and one array of values. Made by {@link RowShape#row}; see
 * there. Iteration order is the shape's column order.
 *
 * <p>Thread-safety: immutable once made.
 */
public final class ShapedRow extends AbstractMap<String, @Nullable Object> {
  private final RowShape shape;
  private final @Nullable Object[] values;

  /**
   * A row that takes {@code values} over without copying: only for an array nobody else holds
   * (masking's copy of a row it changed). Backends use {@link RowShape#row}, which copies.
   */
  public ShapedRow(RowShape shape, @Nullable Object[] values) {
    this.shape = shape;
    this.values = values;
  }

  public RowShape shape() {
    return shape;
  }

  /** The value at position {@code i}. */
  public @Nullable Object valueAt(int i) {
    return values[i];
  }

  /**
   * Replaces the row's {@link LazyValue}s by their values. Only the
   * pipeline calls it, once, before the row is published; afterwards the row never changes.
   */
  public void resolveLazyValues() {
    for (int i = 0; i < values.length; i++) {
      values[i] = LazyValue.resolved(values[i]);
    }
  }

  /** A copy of the values, for a changed row of the same shape. */
  public @Nullable Object[] copyValues() {
    return values.clone();
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean isEmpty() {
    return values.length == 0;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return shape.indexOf(key) >= 0;
  }

  @Override
  public @Nullable Object get(@Nullable Object key) {
    int i = shape.indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super @Nullable Object> action) {
    for (int i = 0; i < values.length; i++) {
      action.accept(shape.name(i), values[i]);
    }
  }

  @Override
  public Set<Map.Entry<String, @Nullable Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, @Nullable Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, @Nullable Object> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(shape.name(i), values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }
}
