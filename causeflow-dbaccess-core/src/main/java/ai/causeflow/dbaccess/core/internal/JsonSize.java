package ai.causeflow.dbaccess.core.internal;

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
    long size = 2;
    for (int i = 0; i < s.length(); i++) {
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
