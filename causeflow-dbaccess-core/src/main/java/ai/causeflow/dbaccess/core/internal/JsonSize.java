package ai.causeflow.dbaccess.core.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The UTF-8 JSON size of a row value as {@link ai.causeflow.dbaccess.core.ValueJson} writes it,
 * computed without serialising it: exact for ASCII strings without escapes, an upper bound
 * otherwise. Used for the byte cap. A value outside the
 * {@link ai.causeflow.dbaccess.core.spi.ValueModel} throws {@link OutsideModelException} (never
 * sized by its {@code toString()}). Stateless.
 */
public final class JsonSize {
  private JsonSize() {}

  /** A value of a type outside the value model; carries the type's simple name, never the value. */
  public static final class OutsideModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutsideModelException(String what) {
      super(what, null, false, false);
    }

    public static OutsideModelException of(Object value) {
      return new OutsideModelException(value.getClass().getSimpleName().isEmpty()
          ? value.getClass().getName() : value.getClass().getSimpleName());
    }
  }

  /**
   * Size of one value.
   *
   * @throws OutsideModelException if it (or something nested in it) is outside the value model
   */
  public static long of(@Nullable Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return stringSize(s);
    }
    if (value instanceof Long l) {
      return ValueForms.safe(l) ? digits(l) : digits(l) + 2;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return digits(((Number) value).longValue());
    }
    if (value instanceof Boolean b) {
      return b ? 4 : 5;
    }
    if (value instanceof BigDecimal d) {
      return ValueForms.safe(d) ? decimalSize(d) : decimalSize(d) + 2;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? value.toString().length()
          : ValueForms.nonFinite(d).length() + 2;
    }
    if (value instanceof BigInteger b) {
      return b.toString().length() + (ValueForms.safe(b) ? 0 : 2);
    }
    if (value instanceof ShapedRow r) {
      long size = 2;
      for (int i = 0; i < r.size(); i++) {
        size += r.shape().keyJsonSize(i) + of(r.valueAt(i));
      }
      return r.size() == 0 ? size : size - 1; // n - 1 commas
    }
    if (value instanceof Map<?, ?> m) {
      long size = 2;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new OutsideModelException("a map key that is not a String");
        }
        size += stringSize(k) + 2 + of(e.getValue());
      }
      return m.isEmpty() ? size : size - 1;
    }
    if (value instanceof List<?> || value instanceof Set<?>) {
      long size = 2;
      Collection<?> c = (Collection<?>) value;
      for (Object o : c) {
        size += of(o) + 1;
      }
      return c.isEmpty() ? size : size - 1;
    }
    if (value instanceof byte[] b) {
      return 2 + 4L * ((b.length + 2) / 3);
    }
    String text = ValueForms.textOf(value);
    if (text == null) {
      throw OutsideModelException.of(value);
    }
    return stringSize(text);
  }

  /**
   * Size of a row written as a JSON object.
   *
   * @throws DbAccessException {@link ErrorCode#INTERNAL} naming the column whose value is outside
   *     the value model
   */
  public static long ofRow(Map<String, @Nullable Object> row) {
    if (row instanceof ShapedRow r) {
      long size = 2;
      for (int i = 0; i < r.size(); i++) {
        try {
          size += r.shape().keyJsonSize(i) + of(r.valueAt(i));
        } catch (OutsideModelException e) {
          throw outside(r.shape().name(i), e);
        }
      }
      return r.size() == 0 ? size : size - 1;
    }
    long size = 2;
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      try {
        size += stringSize(e.getKey()) + 2 + of(e.getValue());
      } catch (OutsideModelException x) {
        throw outside(e.getKey(), x);
      }
    }
    return row.isEmpty() ? size : size - 1;
  }

  /** The coded error for a value outside the model in {@code column}. */
  public static DbAccessException outside(String column, OutsideModelException e) {
    return new DbAccessException(ErrorCode.INTERNAL, "column '" + column + "': the backend"
        + " returned a value outside the value model (" + e.getMessage() + "); backends must"
        + " convert driver types first", null, e);
  }

  /**
   * Characters of {@code d.toString()} (what a JSON writer prints), computed without building the
   * string: a BigDecimal caches its string once built, which would keep a second copy of every
   * numeric in a large result alive. Exact for plain notation; an upper bound otherwise.
   */
  static long decimalSize(BigDecimal d) {
    int precision = d.precision();
    int scale = d.scale();
    long sign = d.signum() < 0 ? 1 : 0;
    long adjusted = (long) precision - 1 - scale;
    if (scale == 0) {
      return sign + precision;
    }
    if (scale > 0 && adjusted >= -6) {
      // plain: digits with a point, "0.00ddd" when there are no integer digits
      return sign + (precision > scale ? precision + 1 : 2 + scale);
    }
    // scientific: d.ddddE+n
    return sign + precision + (precision > 1 ? 1 : 0) + 2 + digits(Math.abs(adjusted));
  }

  /** Characters in the decimal form of {@code v}, without allocating it. */
  static int digits(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    int sign = v < 0 ? 1 : 0;
    long a = Math.abs(v);
    int d = 1;
    for (long p = 10; d < 19 && a >= p; p *= 10) {
      d++;
    }
    return sign + d;
  }

  /** Size of a JSON string with its quotes. */
  public static long stringSize(String s) {
    int n = s.length();
    int i = 0;
    // the common case first: printable ASCII that JSON writes as is
    while (i < n) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        break;
      }
      i++;
    }
    if (i == n) {
      return 2L + n;
    }
    long size = 2 + i;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        size += 6;
      } else if (c < 0x80) {
        size += 1;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        size += 2;
      } else {
        size += 3;
      }
    }
    return size;
  }
}
