package ai.causeflow.dbaccess.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Lenient readers for schema rows as masking left them. Stateless. */
final class SchemaValues {
  private SchemaValues() {}

  static @Nullable Long whole(@Nullable Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    try {
      if (v instanceof BigInteger b) {
        return b.longValueExact();
      }
      if (v instanceof BigDecimal d) {
        return d.longValueExact();
      }
      if (v instanceof String s && !s.isEmpty() && s.length() <= 20) {
        return Long.parseLong(s); // 64-bit integers beyond 2^53 arrive as strings
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  static @Nullable Double fraction(@Nullable Object v) {
    return v instanceof Number n ? n.doubleValue() : null;
  }

  static @Nullable Boolean bool(@Nullable Object v) {
    return v instanceof Boolean b ? b : null;
  }

  static @Nullable String text(@Nullable Object v) {
    return v instanceof String s ? s : null;
  }

  static List<String> strings(@Nullable Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, @Nullable Object>> maps(@Nullable Object v) {
    List<Map<String, @Nullable Object>> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.add((Map<String, @Nullable Object>) m);
        }
      }
    }
    return out;
  }
}
