package ai.causeflow.dbaccess.core.masking.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.internal.ShapedRow;
import ai.causeflow.dbaccess.core.spi.RowShape;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import ai.causeflow.dbaccess.core.masking.Strategy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Walks a row and every value in it (strings, numbers, nested maps, lists and arrays) through
 * the column rules, the scanner and the custom patterns. Unchanged values, maps and lists are
 * returned as the same instances; changed ones are copied, never modified in place.
 *
 * <p>Thread-safety: immutable; per-request state lives in the {@link MaskingStats} passed in.
 */
public final class ValueMasker {
  /** Nesting deeper than this is masked whole (fail closed). */
  public static final int MAX_DEPTH = 64;
  static final String WHOLE = CustomPattern.WHOLE_VALUE_MASK;

  /** Below 10^10 a positive integer has at most 10 digits: no bare number detector applies. */
  private static final long SMALLEST_CANDIDATE = 10_000_000_000L;
  /** From 10^16 on a bare integer has 17+ digits: never a card, CPF or CNPJ. */
  private static final long LARGEST_CANDIDATE = 10_000_000_000_000_000L;

  private final Scanner scanner;
  private final CustomPattern[] patterns; // an array: no iterator per value
  private final ColumnRules rules;
  private final @Nullable Tokenizer tokenizer;
  private volatile ColumnIndex lastColumns = new ColumnIndex(List.of(), Map.of());

  private record ColumnIndex(List<Column> columns, Map<String, Column> byName) {}

  public ValueMasker(Scanner scanner, List<CustomPattern> patterns, ColumnRules rules,
      @Nullable Tokenizer tokenizer) {
    this.scanner = scanner;
    this.patterns = patterns.toArray(CustomPattern[]::new);
    this.rules = rules;
    this.tokenizer = tokenizer;
    for (ColumnRules.Rule r : rules.rules()) {
      if (r.action() == Strategy.TOKENIZE && tokenizer == null) {
        throw new IllegalArgumentException("column rule '" + r.glob().source()
            + "' tokenizes but no tokenization key is set");
      }
    }
  }

  // ------------------------------------------------------------------ rows

  public Map<String, @Nullable Object> maskRow(List<Column> columns,
      Map<String, @Nullable Object> row, MaskingStats stats) {
    Map<String, Column> byName = rules.isEmpty() ? Map.of() : index(columns);
    if (row instanceof ShapedRow shaped) {
      return maskShaped(byName, shaped, stats);
    }
    Map<String, @Nullable Object> out = null;
    int seen = 0;
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      Object masked = column(byName, key, value, stats);
      if (masked != value && out == null) {
        out = new LinkedHashMap<>(row.size() * 2);
        copyFirst(row, seen, out);
      }
      if (out != null && masked != Scanner.DROPPED) {
        out.put(key, masked);
      }
      seen++;
    }
    return out == null ? row : out;
  }

  /** {@link #maskRow} for a compact row: a changed row copies the value array, not the map. */
  private Map<String, @Nullable Object> maskShaped(Map<String, Column> byName, ShapedRow row,
      MaskingStats stats) {
    RowShape shape = row.shape();
    @Nullable Object[] out = null;
    boolean dropped = false;
    for (int i = 0; i < row.size(); i++) {
      String key = shape.name(i);
      Object value = row.valueAt(i);
      Object masked = column(byName, key, value, stats);
      if (masked != value) {
        if (out == null) {
          out = row.copyValues();
        }
        out[i] = masked;
        dropped |= masked == Scanner.DROPPED;
      }
    }
    if (out == null) {
      return row;
    }
    if (!dropped) {
      return new ShapedRow(shape, out); // out is masking's own copy: no second copy
    }
    Map<String, @Nullable Object> kept = new LinkedHashMap<>(row.size() * 2);
    for (int i = 0; i < out.length; i++) {
      if (out[i] != Scanner.DROPPED) {
        kept.put(shape.name(i), out[i]);
      }
    }
    return kept;
  }

  /** One column's value, masked by its column rule or by content. */
  private @Nullable Object column(Map<String, Column> byName, String key, @Nullable Object value,
      MaskingStats stats) {
    if (rules.isEmpty()) {
      return keyed(key, value, key, null, 1, stats);
    }
    Column col = byName.get(key);
    String qualified = col == null || col.sourceTable() == null ? null : col.qualifiedName();
    ColumnRules.Rule rule = rules.match(key, null, qualified);
    return rule != null ? whole(rule, value, stats) : keyed(key, value, key, qualified, 1, stats);
  }

  /** Columns without those a {@code drop} rule removes. */
  public List<Column> visibleColumns(List<Column> columns) {
    if (rules.isEmpty()) {
      return columns;
    }
    List<Column> out = null;
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      ColumnRules.Rule r = rules.match(c.name(), null,
          c.sourceTable() == null ? null : c.qualifiedName());
      if (r != null && r.action() == Strategy.DROP) {
        if (out == null) {
          out = new ArrayList<>(columns.subList(0, i));
        }
      } else if (out != null) {
        out.add(c);
      }
    }
    return out == null ? columns : List.copyOf(out);
  }

  /** Free text: detectors and patterns, {@code drop} redacts. */
  public String maskText(String text, MaskingStats stats) {
    Object r = scanner.scan(text, stats, true);
    String s = patterns((String) r, stats);
    if (s != text) {
      stats.fieldMasked();
    }
    return s;
  }

  private Map<String, Column> index(List<Column> columns) {
    ColumnIndex last = lastColumns;
    if (last.columns() == columns) {
      return last.byName();
    }
    Map<String, Column> byName = new HashMap<>();
    for (Column c : columns) {
      byName.putIfAbsent(c.name(), c);
    }
    lastColumns = new ColumnIndex(columns, byName);
    return byName;
  }

  private static <K, V> void copyFirst(Map<? extends K, ? extends V> from, int count,
      Map<K, V> to) {
    Iterator<? extends Map.Entry<? extends K, ? extends V>> it = from.entrySet().iterator();
    for (int i = 0; i < count; i++) {
      Map.Entry<? extends K, ? extends V> e = it.next();
      to.put(e.getKey(), e.getValue());
    }
  }

  // ------------------------------------------------------------------ values

  /**
   * The masked value: the same instance when unchanged, a new value, or {@link Scanner#DROPPED}.
   * {@code path} is the key path from the column (null when no column rules are configured).
   */
  @Nullable Object value(@Nullable Object v, @Nullable String path, @Nullable String qualified,
      int depth, MaskingStats stats) {
    if (v == null || v instanceof Boolean || v instanceof Character || v instanceof UUID
        || v instanceof TemporalAccessor || v instanceof Date || v instanceof byte[]
        || v instanceof Enum<?>) {
      return v;
    }
    if (depth > MAX_DEPTH) {
      stats.applied("max_depth");
      stats.fieldMasked();
      return WHOLE;
    }
    if (v instanceof String s) {
      if (!rules.isEmpty() && JsonText.looksLikeDocument(s)) {
        // JSON held as text (json/jsonb columns read as strings): key rules need its keys
        Object doc = JsonText.parse(s);
        if (doc != null) {
          Object r = value(doc, path, qualified, depth, stats);
          return r == doc ? s : r == Scanner.DROPPED ? r : JsonText.write(r);
        }
      }
      return leaf(s, s, stats);
    }
    if (v instanceof Number num) {
      String digits = numberText(num);
      return digits == null ? v : leaf(v, digits, stats);
    }
    if (v instanceof Map<?, ?> m) {
      return map(m, path, qualified, depth, stats);
    }
    if (v instanceof List<?> l) {
      return list(l, path, qualified, depth, stats);
    }
    if (v instanceof Collection<?> c) {
      // sets (DynamoDB string and number sets) come back as lists only when something changed
      List<?> l = new ArrayList<>(c);
      Object r = list(l, path, qualified, depth, stats);
      return r == l ? v : r;
    }
    if (v instanceof Object[] a) {
      List<?> l = java.util.Arrays.asList(a);
      Object r = list(l, path, qualified, depth, stats);
      return r == l ? v : ((List<?>) r).toArray();
    }
    if (v instanceof char[] chars) {
      Object r = leaf(v, new String(chars), stats);
      return r == v ? v : r;
    }
    if (v.getClass().isArray()) {
      // long[], int[], double[] ...: toString() would be a type and an address, never the values
      List<Object> l = primitives(v);
      Object r = list(l, path, qualified, depth, stats);
      return r == l ? v : r;
    }
    String text = String.valueOf(v);
    return leaf(v, text, stats);
  }

  private static List<Object> primitives(Object array) {
    int n = java.lang.reflect.Array.getLength(array);
    List<Object> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(java.lang.reflect.Array.get(array, i));
    }
    return l;
  }

  /**
   * A value under a column or document key: a string or number under a key that names a secret
   * ({@code password}, {@code api_key}, {@code accessToken}...) is masked whole, as
   * secret_assignment masks {@code password=...} in text; anything else goes to {@link #value}.
   * JSON documents and rows carry the key beside the value, not in the same string, so the text
   * scan alone would never see {@code {"password": "hunter2"}} read as a map.
   */
  private @Nullable Object keyed(String key, @Nullable Object v, @Nullable String path,
      @Nullable String qualified, int depth, MaskingStats stats) {
    if ((v instanceof String || v instanceof Number)
        && scanner.namesSecret(key)) {
      String text = v instanceof BigDecimal d ? d.toPlainString() : v.toString();
      Object r = scanner.scanUnderSecretKey(key, text, stats, false);
      if (r != text) {
        stats.fieldMasked();
        return r;
      }
    }
    if (v instanceof Collection<?> c && depth <= MAX_DEPTH && !c.isEmpty()
        && scanner.namesSecret(key)) {
      // "tokens" no, but "token": ["t1", "t2"] (a list or a DynamoDB string set) yes
      return secretElements(key, c, path, qualified, depth, stats);
    }
    return value(v, path, qualified, depth, stats);
  }

  private Object secretElements(String key, Collection<?> c, @Nullable String path,
      @Nullable String qualified, int depth, MaskingStats stats) {
    List<@Nullable Object> out = null;
    int i = 0;
    for (Object el : c) {
      Object m = keyed(key, el, path, qualified, depth + 1, stats);
      if (m != el && out == null) {
        out = new ArrayList<>(c.size());
        out.addAll(new ArrayList<>(c).subList(0, i));
      }
      if (out != null && m != Scanner.DROPPED) {
        out.add(m);
      }
      i++;
    }
    return out == null ? c : out;
  }

  /** Masks {@code text}, the string form of {@code original}; the original when unchanged. */
  private Object leaf(Object original, String text, MaskingStats stats) {
    Object r = scanner.scan(text, stats, false);
    if (r == Scanner.DROPPED) {
      stats.fieldMasked();
      return r;
    }
    String s = patterns((String) r, stats);
    if (s == text) {
      return original;
    }
    stats.fieldMasked();
    return s;
  }

  private String patterns(String s, MaskingStats stats) {
    String r = s;
    for (CustomPattern p : patterns) {
      r = p.apply(r, stats);
    }
    return r;
  }

  /**
   * The text detectors should see for a number, or null when no detector could match it: only
   * non-negative integers of 11 to 16 digits can be a bare CPF, CNPJ or card, unless custom
   * patterns need every number.
   */
  private @Nullable String numberText(Number num) {
    boolean all = patterns.length > 0;
    if (num instanceof Long || num instanceof Integer || num instanceof Short
        || num instanceof Byte) {
      long v = num.longValue();
      return all || (v >= SMALLEST_CANDIDATE && v < LARGEST_CANDIDATE) ? Long.toString(v) : null;
    }
    if (num instanceof BigInteger b) {
      return all || (b.signum() > 0 && b.bitLength() > 33 && b.bitLength() < 60)
          ? b.toString() : null;
    }
    if (num instanceof BigDecimal d) {
      if (all) {
        return integral(d) ? d.toBigInteger().toString() : d.toPlainString();
      }
      int intDigits = d.precision() - d.scale(); // checked first: no allocation for amounts
      return d.signum() > 0 && intDigits >= 10 && intDigits <= 16 && integral(d)
          ? d.toBigInteger().toString() : null;
    }
    if (num instanceof Double || num instanceof Float) {
      double v = num.doubleValue();
      if (v >= SMALLEST_CANDIDATE && v < LARGEST_CANDIDATE && v == Math.rint(v)) {
        return Long.toString((long) v);
      }
      return all ? num.toString() : null;
    }
    return num.toString();
  }

  private static boolean integral(BigDecimal d) {
    return d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
  }

  private Object map(Map<?, ?> m, @Nullable String path, @Nullable String qualified, int depth,
      MaskingStats stats) {
    Map<Object, @Nullable Object> out = null;
    int seen = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object key = e.getKey();
      Object value = e.getValue();
      String name = String.valueOf(key);
      String childPath = null;
      String childQualified = null;
      ColumnRules.Rule rule = null;
      if (!rules.isEmpty()) {
        childPath = path == null ? name : path + "." + name;
        childQualified = qualified == null ? null : qualified + "." + name;
        rule = rules.match(name, childPath, childQualified);
      }
      Object masked = rule != null ? whole(rule, value, stats)
          : keyed(name, value, childPath, childQualified, depth + 1, stats);
      Object newKey = key;
      if (key instanceof String k) {
        // keys are data too (documents keyed by e-mail); drop degrades to redact for a key
        Object mk = scanner.scan(k, stats, true);
        String ms = patterns((String) mk, stats);
        if (ms != k) {
          stats.fieldMasked();
          newKey = ms;
        }
      }
      if ((masked != value || newKey != key) && out == null) {
        out = new LinkedHashMap<>(m.size() * 2);
        copyFirst(m, seen, out);
      }
      if (out != null && masked != Scanner.DROPPED) {
        Object k = newKey;
        for (int n = 2; newKey != key && out.containsKey(k); n++) {
          k = newKey + "#" + n; // two keys masked to the same shape stay two entries
        }
        out.put(k, masked);
      }
      seen++;
    }
    return out == null ? m : out;
  }

  private Object list(List<?> l, @Nullable String path, @Nullable String qualified, int depth,
      MaskingStats stats) {
    List<@Nullable Object> out = null;
    for (int i = 0; i < l.size(); i++) {
      Object value = l.get(i);
      Object masked = value(value, path, qualified, depth + 1, stats);
      if (masked != value && out == null) {
        out = new ArrayList<>(l.size());
        out.addAll(l.subList(0, i));
      }
      if (out != null && masked != Scanner.DROPPED) {
        out.add(masked);
      }
    }
    return out == null ? l : out;
  }

  /** A column rule: the whole value, whatever it contains. */
  private @Nullable Object whole(ColumnRules.Rule rule, @Nullable Object value,
      MaskingStats stats) {
    if (value == null && rule.action() != Strategy.DROP) {
      return null; // nothing to hide
    }
    stats.applied(rule.statName());
    stats.fieldMasked();
    return switch (rule.action()) {
      case DROP -> Scanner.DROPPED;
      case REDACT -> WHOLE;
      case PARTIAL -> partial(value);
      case TOKENIZE -> tokenize(value);
    };
  }

  private static String partial(@Nullable Object value) {
    if (!(value instanceof String || value instanceof Number)) {
      return WHOLE;
    }
    String s = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    int at = s.lastIndexOf('@');
    if (at > 0) {
      return "***" + s.substring(at);
    }
    if (s.length() <= 6) {
      return WHOLE;
    }
    return "*".repeat(s.length() - 4) + s.substring(s.length() - 4);
  }

  private String tokenize(@Nullable Object value) {
    Tokenizer t = tokenizer;
    if (t == null) {
      throw new IllegalStateException("no tokenization key"); // prevented by the constructor
    }
    String s = value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
    return t.token("tok", s);
  }
}
