package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.spi.LazyValue;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.math.BigDecimal;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL values to JSON-compatible Java values, as docs/protocol.md says: numbers stay numbers where
 * a JSON reader's double gives them back exactly, otherwise they come as strings; timestamps are
 * ISO-8601; bytea is base64; arrays are lists; json/jsonb are nested maps and lists.
 *
 * <p>Thread-safety: stateless (the JsonFactory is thread-safe).
 */
public final class PgValues {
  /** Largest integer a double holds exactly. */
  static final long MAX_SAFE_INTEGER = (1L << 53);
  /** Decimals with at most this many significant digits survive a round trip through double. */
  static final int MAX_SAFE_DIGITS = 15;

  /** Reads json/jsonb text token by token; its default limits bound nesting and string length. */
  private static final JsonFactory JSON = new JsonFactory();

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
        return s == null ? null : new ArrayText(s, element);
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
        return s == null ? null : new JsonText(s);
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

  /**
   * json/jsonb text, converted when the pipeline handles the row: streamed into maps and lists
   * within the byte budget it is given, so text of tiny elements ({@code [{},{},...]}) that would
   * take many times its size on the heap stops at the cap instead of building the tree.
   */
  private static final class JsonText implements LazyValue {
    private final String text;

    JsonText(String text) {
      this.text = text;
    }

    @Override
    public @Nullable Object resolve() {
      return json(text);
    }

    @Override
    public @Nullable Object resolve(long maxBytes) {
      return json(text, new Budget(maxBytes));
    }

    @Override
    public String toString() {
      return "JsonText[" + text.length() + " chars]"; // never the value
    }
  }

  /** Array text ({@code {1,2}}), converted like {@link JsonText} within a byte budget. */
  private static final class ArrayText implements LazyValue {
    private final String text;
    private final String element;

    ArrayText(String text, String element) {
      this.text = text;
      this.element = element;
    }

    @Override
    public @Nullable Object resolve() {
      return PgArrays.parse(text, element);
    }

    @Override
    public @Nullable Object resolve(long maxBytes) {
      return PgArrays.parse(text, element, new Budget(maxBytes));
    }

    @Override
    public String toString() {
      return "ArrayText[" + element + ", " + text.length() + " chars]";
    }
  }

  /**
   * What a json or array value may still build: its JSON size (counted as it is built: strings,
   * numbers, keys, brackets; white space and escapes not counted, so never more than the JSON
   * written later) and its nodes, at most one per {@link #BYTES_PER_NODE} bytes of the budget. A
   * node costs tens of bytes of heap whatever its JSON size, so a value of tiny elements is
   * limited by the count. Either limit stops the value with {@code RESULT_TOO_LARGE}.
   */
  static final class Budget {
    static final int BYTES_PER_NODE = 16;
    /** A value of up to this many nodes is never refused for its count alone. */
    static final long MIN_NODES = 1_024;
    private final long maxBytes;
    private final long maxNodes;
    private long bytes;
    private long nodes;

    Budget(long maxBytes) {
      this.maxBytes = maxBytes;
      this.maxNodes = maxBytes == Long.MAX_VALUE ? Long.MAX_VALUE
          : Math.max(MIN_NODES, maxBytes / BYTES_PER_NODE);
    }

    static Budget unlimited() {
      return new Budget(Long.MAX_VALUE);
    }

    /** One node of {@code jsonBytes}. */
    void node(long jsonBytes) {
      if (++nodes > maxNodes) {
        throw tooLarge("elements");
      }
      bytes(jsonBytes);
    }

    /** JSON bytes that are no node (a key, a separator). */
    void bytes(long jsonBytes) {
      bytes += jsonBytes;
      if (bytes > maxBytes) {
        throw tooLarge("bytes");
      }
    }

    private DbAccessException tooLarge(String what) {
      return new DbAccessException(ErrorCode.RESULT_TOO_LARGE, "a json or array value exceeds "
          + "what is left of maxResultBytes (" + maxBytes + " bytes, at most " + maxNodes
          + " elements) and was not read further (" + what + ")");
    }
  }

  /** Converts the text form of a scalar (an array element) the way {@link #readerFor} would. */
  static @Nullable Object fromText(String type, String s) {
    return fromText(type, s, Budget.unlimited());
  }

  private static @Nullable Object fromText(String type, String s, Budget budget) {
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
        return json(s, budget);
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
    return json(s, Budget.unlimited());
  }

  /**
   * Parses json/jsonb text into maps, lists and safe numbers, token by token, charging every node
   * to {@code budget} before it is kept: a value that cannot fit stops with
   * {@code RESULT_TOO_LARGE} having built no more than the budget allows.
   */
  static @Nullable Object json(String s, Budget budget) {
    try (JsonParser p = JSON.createParser(s)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new DbAccessException(ErrorCode.QUERY_FAILED, "a json value was empty");
      }
      return jsonValue(p, t, budget);
    } catch (JsonProcessingException e) {
      // The server produced it, so this is a limit of the reader (depth, size), not bad data.
      throw new DbAccessException(ErrorCode.QUERY_FAILED,
          "a json value could not be decoded (nesting or size beyond the reader's limits)");
    } catch (IOException e) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "a json value could not be decoded");
    }
  }

  /** One value starting at {@code t}; nesting is bounded by the parser's depth limit. */
  private static @Nullable Object jsonValue(JsonParser p, JsonToken t, Budget budget)
      throws IOException {
    switch (t) {
      case START_OBJECT -> {
        budget.node(2);
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          budget.bytes(key.length() + 4L); // "key": and a comma
          JsonToken v = p.nextToken();
          m.put(key, jsonValue(p, v, budget));
        }
        return m;
      }
      case START_ARRAY -> {
        budget.node(2);
        List<@Nullable Object> l = new ArrayList<>();
        JsonToken x;
        while ((x = p.nextToken()) != JsonToken.END_ARRAY && x != null) {
          budget.bytes(1); // the comma
          l.add(jsonValue(p, x, budget));
        }
        return l;
      }
      case VALUE_STRING -> {
        budget.node(p.getTextLength() + 2L);
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        budget.node(p.getTextLength());
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          BigInteger b = p.getBigIntegerValue();
          return b.bitLength() <= 63 && safe(b.longValue()) ? (Object) b.longValue()
              : b.toString();
        }
        long x = p.getLongValue();
        return safe(x) ? (Object) x : String.valueOf(x);
      }
      case VALUE_NUMBER_FLOAT -> {
        budget.node(p.getTextLength());
        BigDecimal d = p.getDecimalValue();
        return d.precision() <= MAX_SAFE_DIGITS ? d : d.toString();
      }
      case VALUE_TRUE -> {
        budget.node(4);
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        budget.node(5);
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        budget.node(4);
        return null;
      }
      default -> throw new DbAccessException(ErrorCode.QUERY_FAILED,
          "a json value could not be decoded (unexpected token)");
    }
  }

  /** Parser for PostgreSQL's array text form: {@code {1,"a b",NULL,{2,3}}}. */
  static final class PgArrays {
    private final String s;
    private final String element;
    private final Budget budget;
    private int pos;

    private PgArrays(String s, String element, Budget budget) {
      this.s = s;
      this.element = element;
      this.budget = budget;
    }

    static List<@Nullable Object> parse(String text, String element) {
      return parse(text, element, Budget.unlimited());
    }

    /** Parses within {@code budget}: every element is charged before it is converted. */
    static List<@Nullable Object> parse(String text, String element, Budget budget) {
      PgArrays p = new PgArrays(text, element, budget);
      if (text.startsWith("[")) {
        // Non-default bounds: [0:2]={...}
        int eq = text.indexOf('=');
        p.pos = eq + 1;
      }
      return p.array();
    }

    private List<@Nullable Object> array() {
      expect('{');
      budget.node(2);
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
          String q = quoted();
          element(q);
          out.add(fromText(element, q, budget));
        } else {
          String raw = unquoted();
          element(raw);
          out.add(raw.equalsIgnoreCase("NULL") ? null : fromText(element, raw, budget));
        }
        budget.bytes(1); // the comma
        char next = s.charAt(pos++);
        if (next == '}') {
          return out;
        }
        if (next != ',' && next != ';') {
          throw new IllegalStateException("unexpected character in array text at " + (pos - 1));
        }
      }
    }

    /**
     * Charges one element: its text and quotes (json elements are charged node by node as they
     * are parsed, so only one node here).
     */
    private void element(String text) {
      boolean json = element.equals("json") || element.equals("jsonb");
      budget.node(json ? 0 : text.length() + 2L);
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
