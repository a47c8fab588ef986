package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.spi.LazyValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL values to JSON-compatible Java values, as PROTOCOL.md says: numbers stay numbers where
 * a JSON reader's double gives them back exactly, otherwise they come as strings; timestamps are
 * ISO-8601; bytea is base64; arrays are lists; json/jsonb are nested maps and lists.
 *
 * <p>Thread-safety: stateless (the ObjectMapper is only used to read).
 */
public final class PgValues {
  /** Largest integer a double holds exactly. */
  static final long MAX_SAFE_INTEGER = (1L << 53);
  /** Decimals with at most this many significant digits survive a round trip through double. */
  static final int MAX_SAFE_DIGITS = 15;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private PgValues() {}

  /** Reads one column of the current row. */
  @FunctionalInterface
  public interface Reader {
    @Nullable Object read(ResultSet rs, int column) throws SQLException;
  }

  /** The canonical type name reported in {@link ai.causeflow.dbaccess.core.Column#type()}. */
  public static String canonicalType(String driverTypeName) {
    return switch (driverTypeName) {
      case "serial" -> "int4";
      case "bigserial" -> "int8";
      case "smallserial" -> "int2";
      default -> driverTypeName;
    };
  }

  /** The reader for a column of this (canonical) type. */
  public static Reader readerFor(String type) {
    if (type.startsWith("_")) {
      String element = type.substring(1);
      return (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : (LazyValue) () -> PgArrays.parse(s, element);
      };
    }
    return switch (type) {
      case "bool" -> (rs, i) -> {
        boolean b = rs.getBoolean(i);
        return rs.wasNull() ? null : b;
      };
      case "int2", "int4" -> (rs, i) -> {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
      };
      case "int8" -> (rs, i) -> {
        long v = rs.getLong(i);
        if (rs.wasNull()) {
          return null;
        }
        return safe(v) ? (Object) v : Long.toString(v);
      };
      case "oid", "xid8" -> (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : integer(s);
      };
      case "float4", "float8" -> (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : floating(s);
      };
      case "numeric" -> (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : (LazyValue) () -> decimal(s);
      };
      case "timestamptz" -> (rs, i) -> {
        String text = rs.getString(i);
        if (text == null) {
          return null;
        }
        if (isoShaped(text)) {
          return (LazyValue) () -> {
            String iso = timestamptzIso(text);
            return iso != null ? iso : timestamptzText(text);
          };
        }
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        if (t == null) {
          return null;
        }
        if (t.equals(OffsetDateTime.MAX)) {
          return "infinity";
        }
        if (t.equals(OffsetDateTime.MIN)) {
          return "-infinity";
        }
        return isoUtc(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
      };
      case "timestamp" -> (rs, i) -> {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        if (t == null) {
          return null;
        }
        if (t.equals(LocalDateTime.MAX)) {
          return "infinity";
        }
        if (t.equals(LocalDateTime.MIN)) {
          return "-infinity";
        }
        return isoLocal(t);
      };
      case "date" -> (rs, i) -> {
        LocalDate d = rs.getObject(i, LocalDate.class);
        if (d == null) {
          return null;
        }
        if (d.equals(LocalDate.MAX)) {
          return "infinity";
        }
        if (d.equals(LocalDate.MIN)) {
          return "-infinity";
        }
        return d.format(DateTimeFormatter.ISO_LOCAL_DATE);
      };
      case "time" -> (rs, i) -> rs.getString(i);
      case "timetz" -> (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : timetz(s);
      };
      case "bytea" -> (rs, i) -> {
        byte[] b = rs.getBytes(i);
        return b == null ? null : Base64.getEncoder().encodeToString(b);
      };
      case "json", "jsonb" -> (rs, i) -> {
        String s = rs.getString(i);
        return s == null ? null : (LazyValue) () -> json(s);
      };
      // text, varchar, bpchar, name, uuid, inet, cidr, macaddr, money, interval (ISO-8601 via
      // IntervalStyle), xml, bit, enums, ranges, geometric and composite types: their text form.
      default -> (rs, i) -> rs.getString(i);
    };
  }

  /**
   * Whether {@link #timestamptzIso} will convert this text (a cheap look at its shape): years
   * 1000-9998 AD in DateStyle ISO. Anything else (BC, infinity, years that an offset could carry
   * past 9999) is converted at once through the driver's own parser.
   */
  static boolean isoShaped(String s) {
    if (s.length() < 22 || s.charAt(4) != '-' || s.charAt(10) != ' '
        || s.charAt(s.length() - 1) == 'C') {
      return false;
    }
    int year = digits(s, 0, 4);
    return year >= 1000 && year <= 9998;
  }

  /** Converts the text form of a scalar (an array element) the way {@link #readerFor} would. */
  static @Nullable Object fromText(String type, String s) {
    switch (type) {
      case "bool":
        return s.equals("t") || s.equals("true");
      case "int2":
      case "int4":
      case "int8":
      case "oid":
      case "xid8":
        return integer(s);
      case "float4":
      case "float8":
        return floating(s);
      case "numeric":
        return decimal(s);
      case "json":
      case "jsonb":
        return json(s);
      case "bytea":
        if (s.startsWith("\\x")) {
          return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(s, 2, s.length()));
        }
        return s;
      case "timestamptz":
        return timestamptzText(s);
      case "timestamp":
        return s.indexOf(' ') > 0 && !s.endsWith(" BC") ? s.replace(' ', 'T') : s;
      case "timetz":
        return timetz(s);
      default:
        return s;
    }
  }

  /** An integer: a JSON number up to 2^53, a string beyond. */
  static Object integer(String s) {
    try {
      long v = Long.parseLong(s);
      return safe(v) ? (Object) v : s;
    } catch (NumberFormatException e) {
      return s;
    }
  }

  /** Whether a double holds {@code v} exactly and so does every integer next to it. */
  static boolean safe(long v) {
    return v >= -MAX_SAFE_INTEGER && v <= MAX_SAFE_INTEGER;
  }

  static Object floating(String s) {
    try {
      double d = Double.parseDouble(s);
      return Double.isFinite(d) ? (Object) d : s;
    } catch (NumberFormatException e) {
      return s; // NaN, Infinity spelled by the server
    }
  }

  /** A numeric: a BigDecimal (scale kept) up to 15 significant digits, the exact text beyond. */
  static Object decimal(String s) {
    try {
      BigDecimal d = new BigDecimal(s);
      return d.precision() <= MAX_SAFE_DIGITS ? d : s;
    } catch (NumberFormatException e) {
      return s; // NaN, Infinity, -Infinity
    }
  }

  /**
   * {@code 2024-02-29T11:14:15.5Z}: what {@code ISO_OFFSET_DATE_TIME} prints for UTC, written by
   * hand because the formatter costs more than reading the value (100k rows: ~35 ms).
   */
  static String isoUtc(LocalDateTime t) {
    return isoLocal(t) + "Z";
  }

  /** {@code ISO_LOCAL_DATE_TIME} (seconds always, fraction without trailing zeros). */
  static String isoLocal(LocalDateTime t) {
    int year = t.getYear();
    if (year < 1000 || year > 9999) {
      return t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }
    StringBuilder b = new StringBuilder(32);
    b.append(year).append('-');
    two(b, t.getMonthValue()).append('-');
    two(b, t.getDayOfMonth()).append('T');
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond());
    int nanos = t.getNano();
    if (nanos > 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      String f = Integer.toString(nanos);
      b.append('.');
      for (int i = f.length(); i < digits; i++) {
        b.append('0');
      }
      b.append(f);
    }
    return b.toString();
  }

  private static StringBuilder two(StringBuilder b, int v) {
    if (v < 10) {
      b.append('0');
    }
    return b.append(v);
  }

  /** {@code 10:00:00+02} to {@code 10:00:00+02:00}. */
  static String timetz(String s) {
    int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
    if (sign > 0 && s.length() - sign == 3) {
      return s + ":00";
    }
    return s;
  }

  /**
   * The server's text form of a timestamptz ({@code 2024-01-02 03:04:05.6+00}, DateStyle ISO, as
   * pgjdbc sets it) as ISO-8601 in UTC, parsed by hand: the driver's parser and a formatter cost
   * about a fifth of reading 100k rows. Returns null for anything else (infinity, BC, years past
   * 9999, another layout), which the callers convert the slow way.
   */
  static @Nullable String timestamptzIso(String s) {
    int n = s.length();
    if (n < 22 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != ' '
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int p = 19;
    int nanos = 0;
    if (s.charAt(p) == '.') {
      int start = ++p;
      while (p < n && p - start < 9 && isDigit(s.charAt(p))) {
        p++;
      }
      int len = p - start;
      if (len == 0) {
        return null;
      }
      nanos = digits(s, start, len);
      for (int k = len; k < 9; k++) {
        nanos *= 10;
      }
    }
    if (p >= n) {
      return null;
    }
    char sign = s.charAt(p);
    if (sign != '+' && sign != '-') {
      return null;
    }
    int offHours = p + 3 <= n ? digits(s, p + 1, 2) : -1;
    int offMinutes = 0;
    int offSeconds = 0;
    int q = p + 3;
    if (q < n) {
      if (s.charAt(q) != ':' || q + 3 > n) {
        return null;
      }
      offMinutes = digits(s, q + 1, 2);
      q += 3;
      if (q < n) {
        if (s.charAt(q) != ':' || q + 3 != n) {
          return null;
        }
        offSeconds = digits(s, q + 1, 2);
        q += 3;
      }
    }
    if ((offHours | offMinutes | offSeconds) < 0 || q != n) {
      return null;
    }
    int offset = offHours * 3600 + offMinutes * 60 + offSeconds;
    boolean trimmed = nanos == 0 ? p == 19 : s.charAt(p - 1) != '0';
    if (offset == 0 && trimmed && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23
        && minute <= 59 && second <= 59) {
      // already UTC: the ISO form is the same characters with 'T' and 'Z'
      char[] out = new char[p + 1];
      s.getChars(0, p, out, 0);
      out[10] = 'T';
      out[p] = 'Z';
      return new String(out);
    }
    try {
      LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
      LocalDateTime utc = local.minusSeconds(sign == '-' ? -offset : offset);
      return utc.getYear() > 9999 || utc.getYear() < 1 ? null : isoUtc(utc);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The decimal value of {@code len} digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The text form ({@code 2024-01-02 03:04:05.6+00}) as ISO-8601 in UTC. */
  static String timestamptzText(String s) {
    String fast = timestamptzIso(s);
    if (fast != null) {
      return fast;
    }
    if (s.equals("infinity") || s.equals("-infinity") || s.endsWith(" BC")) {
      return s;
    }
    String iso = s.replace(' ', 'T');
    int sign = Math.max(iso.lastIndexOf('+'), iso.lastIndexOf('-'));
    if (sign > 10 && iso.length() - sign == 3) {
      iso = iso + ":00";
    }
    try {
      return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC)
          .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      return s;
    }
  }

  /** Parses json/jsonb text into maps, lists and safe numbers. */
  static @Nullable Object json(String s) {
    try {
      return normalize(JSON.readValue(s, Object.class));
    } catch (JsonProcessingException e) {
      // The server produced it, so this is a limit of the reader (depth, size), not bad data.
      throw new DbAccessException(ErrorCode.QUERY_FAILED,
          "a json value could not be decoded (nesting or size beyond the reader's limits)");
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object normalize(@Nullable Object v) {
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        e.setValue(normalize(e.getValue()));
      }
      return m;
    }
    if (v instanceof List<?> l) {
      List<Object> list = (List<Object>) l;
      for (int i = 0; i < list.size(); i++) {
        list.set(i, normalize(list.get(i)));
      }
      return list;
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() <= 63 && safe(b.longValue()) ? (Object) b.longValue() : b.toString();
    }
    if (v instanceof Integer || v instanceof Long) {
      long x = ((Number) v).longValue();
      return safe(x) ? (Object) x : String.valueOf(x);
    }
    if (v instanceof BigDecimal d) {
      return d.precision() <= MAX_SAFE_DIGITS ? d : d.toString();
    }
    return v;
  }

  /** Parser for PostgreSQL's array text form: {@code {1,"a b",NULL,{2,3}}}. */
  static final class PgArrays {
    private final String s;
    private final String element;
    private int pos;

    private PgArrays(String s, String element) {
      this.s = s;
      this.element = element;
    }

    static List<@Nullable Object> parse(String text, String element) {
      PgArrays p = new PgArrays(text, element);
      if (text.startsWith("[")) {
        // Non-default bounds: [0:2]={...}
        int eq = text.indexOf('=');
        p.pos = eq + 1;
      }
      return p.array();
    }

    private List<@Nullable Object> array() {
      expect('{');
      List<@Nullable Object> out = new ArrayList<>();
      if (peek() == '}') {
        pos++;
        return out;
      }
      while (true) {
        char c = peek();
        if (c == '{') {
          out.add(array());
        } else if (c == '"') {
          out.add(fromText(element, quoted()));
        } else {
          String raw = unquoted();
          out.add(raw.equalsIgnoreCase("NULL") ? null : fromText(element, raw));
        }
        char next = s.charAt(pos++);
        if (next == '}') {
          return out;
        }
        if (next != ',' && next != ';') {
          throw new IllegalStateException("unexpected character in array text at " + (pos - 1));
        }
      }
    }

    private String quoted() {
      pos++;
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          b.append(s.charAt(pos++));
        } else if (c == '"') {
          return b.toString();
        } else {
          b.append(c);
        }
      }
    }

    private String unquoted() {
      int start = pos;
      while (s.charAt(pos) != ',' && s.charAt(pos) != '}' && s.charAt(pos) != ';') {
        pos++;
      }
      return s.substring(start, pos).trim();
    }

    private char peek() {
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (s.charAt(pos) != c) {
        throw new IllegalStateException("expected '" + c + "' in array text at " + pos);
      }
      pos++;
    }
  }
}
