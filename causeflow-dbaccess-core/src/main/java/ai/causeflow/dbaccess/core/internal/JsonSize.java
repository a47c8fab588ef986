package ai.causeflow.dbaccess.core.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Estimates the UTF-8 JSON size of a row value without serialising it: exact for ASCII strings
 * without escapes, an upper-bound-ish estimate otherwise. Used for the byte cap. Stateless.
 */
public final class JsonSize {
  private JsonSize() {}

  public static long of(Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return stringSize(s);
    }
    if (value instanceof Boolean b) {
      return b ? 4 : 5;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      return digits(((Number) value).longValue());
    }
    if (value instanceof BigDecimal d) {
      return decimalSize(d);
    }
    if (value instanceof Number n) {
      return n.toString().length();
    }
    if (value instanceof ShapedRow r) {
      long size = 2;
      for (int i = 0; i < r.size(); i++) {
        size += r.shape().keyJsonSize(i) + of(r.valueAt(i));
      }
      return size;
    }
    if (value instanceof Map<?, ?> m) {
      long size = 2;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        size += stringSize(String.valueOf(e.getKey())) + 2 + of(e.getValue());
      }
      return size;
    }
    if (value instanceof List<?> l) {
      long size = 2;
      for (Object o : l) {
        size += of(o) + 1;
      }
      return size;
    }
    return stringSize(value.toString());
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

  private static long stringSize(String s) {
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
