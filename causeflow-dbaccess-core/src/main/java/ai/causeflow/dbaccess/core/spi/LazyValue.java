package ai.causeflow.dbaccess.core.spi;

import org.jspecify.annotations.Nullable;

/**
 * A column value a cursor has read from the driver but not yet converted to its JSON form (a
 * numeric's text to a decimal, a timestamp's text to ISO-8601, json text to maps and lists). The
 * pipeline resolves it exactly once, before the row is masked, measured or returned — on the
 * thread that handles the row, which for a large result is not the one reading the socket. So
 * conversions that cost CPU overlap with fetching the next rows.
 *
 * <pre>{@code
 * values[i] = text == null ? null : (LazyValue) () -> new BigDecimal(text);
 * return shape.row(values);
 * }</pre>
 *
 * <p>Only top-level values of rows made by {@link RowShape#row} may be lazy. {@link #resolve()}
 * must depend on nothing but the value's own state (never the cursor, which has moved on), may
 * throw {@link ai.causeflow.dbaccess.core.DbAccessException} like a cursor would, and must return
 * a JSON-compatible value (never another lazy one). No lazy value ever leaves the pipeline.
 *
 * <p>Thread-safety: resolved once, by one thread, after a safe hand-over.
 */
@FunctionalInterface
public interface LazyValue {
  /** The converted value. */
  @Nullable Object resolve();

  /**
   * The converted value, built only while its JSON form fits {@code maxBytes} (what is left of the
   * result's byte cap): a conversion that builds a tree (json text, arrays) counts what it builds
   * and stops with {@link ai.causeflow.dbaccess.core.ErrorCode#RESULT_TOO_LARGE} as soon as the
   * value cannot fit, before the tree takes the heap. The default ignores the budget (conversions
   * whose result is no larger than what the driver already holds).
   */
  default @Nullable Object resolve(long maxBytes) {
    return resolve();
  }

  /**
   * {@code value} itself, or its conversion when it is lazy: the one place every lazy value is
   * resolved.
   *
   * @throws IllegalStateException if a lazy value resolves to another lazy value
   */
  static @Nullable Object resolved(@Nullable Object value) {
    return resolved(value, Long.MAX_VALUE);
  }

  /**
   * As {@link #resolved(Object)}, with the byte budget of {@link #resolve(long)}.
   *
   * @throws IllegalStateException if a lazy value resolves to another lazy value
   */
  static @Nullable Object resolved(@Nullable Object value, long maxBytes) {
    if (!(value instanceof LazyValue lazy)) {
      return value;
    }
    Object v = maxBytes == Long.MAX_VALUE ? lazy.resolve() : lazy.resolve(maxBytes);
    if (v instanceof LazyValue) {
      throw new IllegalStateException("a lazy value resolved to another lazy value");
    }
    return v;
  }
}
