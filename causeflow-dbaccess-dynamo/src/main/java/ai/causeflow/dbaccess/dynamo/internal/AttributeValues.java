package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Conversions between DynamoDB {@link AttributeValue}s and JSON: request values (plain JSON or
 * typed AttributeValue JSON) to AttributeValues, and item values to the core value model.
 *
 * <p>Item values: {@code S} → String; {@code N} → Long when it is an integer within ±2^53, a
 * String for a larger integer (a JSON reader would round it), BigDecimal otherwise (the exact
 * decimal, never a double); {@code B} → base64 String; {@code BOOL} → Boolean; {@code NULL} →
 * null; {@code M} → ordered map; {@code L} → list; {@code SS}/{@code NS}/{@code BS} → lists
 * (JSON has no sets) of the element conversions.
 *
 * <p>Thread-safety: stateless.
 */
public final class AttributeValues {
  /** DynamoDB's own nesting limit for documents. */
  public static final int MAX_DEPTH = 32;
  static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS",
      "BS");
  private static final long MAX_SAFE = 1L << 53;
  private static final BigInteger MAX_SAFE_BIG = BigInteger.valueOf(MAX_SAFE);

  private AttributeValues() {}

  // ---- item → core value model ----

  /** One item as an insertion-ordered map of core values. */
  public static Map<String, @Nullable Object> item(Map<String, AttributeValue> item) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>(Math.max(4, item.size() * 2));
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      out.put(e.getKey(), value(e.getValue(), 0));
    }
    return out;
  }

  /** One value in the core value model. */
  public static @Nullable Object value(AttributeValue v) {
    return value(v, 0);
  }

  private static @Nullable Object value(AttributeValue v, int depth) {
    if (depth > MAX_DEPTH + 1) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "item nested deeper than DynamoDB"
          + " allows");
    }
    switch (v.type()) {
      case S:
        return v.s();
      case N:
        return number(v.n());
      case B:
        return base64(v.b());
      case BOOL:
        return v.bool();
      case NUL:
        return null;
      case M: {
        Map<String, @Nullable Object> m = new LinkedHashMap<>(Math.max(4, v.m().size() * 2));
        for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
          m.put(e.getKey(), value(e.getValue(), depth + 1));
        }
        return m;
      }
      case L: {
        List<@Nullable Object> l = new ArrayList<>(v.l().size());
        for (AttributeValue e : v.l()) {
          l.add(value(e, depth + 1));
        }
        return l;
      }
      case SS:
        return new ArrayList<@Nullable Object>(v.ss());
      case NS: {
        List<@Nullable Object> l = new ArrayList<>(v.ns().size());
        for (String n : v.ns()) {
          l.add(number(n));
        }
        return l;
      }
      case BS: {
        List<@Nullable Object> l = new ArrayList<>(v.bs().size());
        for (SdkBytes b : v.bs()) {
          l.add(base64(b));
        }
        return l;
      }
      default:
        throw new DbAccessException(ErrorCode.QUERY_FAILED,
            "an item holds an attribute type this library does not know");
    }
  }

  /**
   * A DynamoDB number (at most 38 significant digits) without losing precision: Long within
   * ±2^53, a String for a larger integer, BigDecimal for a fraction.
   */
  static Object number(String n) {
    Long small = smallInteger(n);
    if (small != null) {
      return small;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(n);
    } catch (NumberFormatException e) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "an item holds a malformed number");
    }
    if (d.signum() == 0) {
      return 0L;
    }
    BigDecimal stripped = d.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      if (stripped.precision() - stripped.scale() <= 16) {
        BigInteger i = stripped.toBigIntegerExact();
        if (i.abs().compareTo(MAX_SAFE_BIG) <= 0) {
          return i.longValue();
        }
      }
      return stripped.toBigIntegerExact().toString();
    }
    return d;
  }

  /** A plain integer of at most 15 digits (the common case) without BigDecimal, else null. */
  private static @Nullable Long smallInteger(String n) {
    int len = n.length();
    int start = len > 0 && n.charAt(0) == '-' ? 1 : 0;
    if (len == start || len - start > 15) {
      return null;
    }
    long v = 0;
    for (int i = start; i < len; i++) {
      char c = n.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      v = v * 10 + (c - '0');
    }
    return start == 1 ? -v : v;
  }

  private static String base64(SdkBytes b) {
    return Base64.getEncoder().encodeToString(b.asByteArrayUnsafe());
  }

  // ---- request JSON → AttributeValue ----

  /**
   * A request value: plain JSON (string → S, number → N, boolean → BOOL, null → NULL, array → L,
   * object → M) or typed AttributeValue JSON (an object with exactly one key that is a type
   * descriptor: {@code {"S": "x"}}, {@code {"N": "1"}}, {@code {"SS": ["a"]}}...). A plain map
   * that would read as typed must be written typed: {@code {"M": {"S": {"S": "x"}}}}.
   *
   * @param path the field path for error messages (never a value)
   */
  public static AttributeValue fromJson(JsonNode n, String path) {
    return fromJson(n, path, 0);
  }

  /** An attribute map (Key, ExclusiveStartKey) from a JSON object. */
  public static Map<String, AttributeValue> mapFromJson(JsonNode n, String path) {
    if (!n.isObject()) {
      throw invalid(path + ": must be an object of attribute names to values");
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      out.put(e.getKey(), fromJson(e.getValue(), path + "." + e.getKey(), 1));
    }
    return out;
  }

  private static AttributeValue fromJson(JsonNode n, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid(path + ": nested deeper than " + MAX_DEPTH + " levels");
    }
    if (n.isTextual()) {
      return AttributeValue.fromS(n.textValue());
    }
    if (n.isNumber()) {
      return AttributeValue.fromN(plainNumber(n));
    }
    if (n.isBoolean()) {
      return AttributeValue.fromBool(n.booleanValue());
    }
    if (n.isNull()) {
      return AttributeValue.fromNul(true);
    }
    if (n.isArray()) {
      List<AttributeValue> l = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        l.add(fromJson(n.get(i), path + "[" + i + "]", depth + 1));
      }
      return AttributeValue.fromL(l);
    }
    if (n.isObject()) {
      if (n.size() == 1) {
        String type = n.fieldNames().next();
        if (TYPES.contains(type)) {
          return typed(type, n.get(type), path + "." + type, depth);
        }
      }
      Map<String, AttributeValue> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        m.put(e.getKey(), fromJson(e.getValue(), path + "." + e.getKey(), depth + 1));
      }
      return AttributeValue.fromM(m);
    }
    throw invalid(path + ": must be a JSON value");
  }

  private static AttributeValue typed(String type, JsonNode v, String path, int depth) {
    switch (type) {
      case "S":
        return AttributeValue.fromS(text(v, path));
      case "N":
        return AttributeValue.fromN(numberText(v, path));
      case "B":
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes(v, path)));
      case "BOOL":
        if (!v.isBoolean()) {
          throw invalid(path + ": must be true or false");
        }
        return AttributeValue.fromBool(v.booleanValue());
      case "NULL":
        if (!v.isBoolean() || !v.booleanValue()) {
          throw invalid(path + ": must be true");
        }
        return AttributeValue.fromNul(true);
      case "M": {
        if (!v.isObject()) {
          throw invalid(path + ": must be an object");
        }
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          m.put(e.getKey(), fromJson(e.getValue(), path + "." + e.getKey(), depth + 1));
        }
        return AttributeValue.fromM(m);
      }
      case "L": {
        List<AttributeValue> l = new ArrayList<>();
        for (int i = 0; i < array(v, path).size(); i++) {
          l.add(fromJson(v.get(i), path + "[" + i + "]", depth + 1));
        }
        return AttributeValue.fromL(l);
      }
      case "SS": {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < array(v, path).size(); i++) {
          l.add(text(v.get(i), path + "[" + i + "]"));
        }
        return AttributeValue.fromSs(l);
      }
      case "NS": {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < array(v, path).size(); i++) {
          l.add(numberText(v.get(i), path + "[" + i + "]"));
        }
        return AttributeValue.fromNs(l);
      }
      case "BS": {
        List<SdkBytes> l = new ArrayList<>();
        for (int i = 0; i < array(v, path).size(); i++) {
          l.add(SdkBytes.fromByteArray(bytes(v.get(i), path + "[" + i + "]")));
        }
        return AttributeValue.fromBs(l);
      }
      default:
        throw invalid(path + ": unknown attribute type");
    }
  }

  private static JsonNode array(JsonNode v, String path) {
    if (!v.isArray()) {
      throw invalid(path + ": must be an array");
    }
    return v;
  }

  private static String text(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw invalid(path + ": must be a string");
    }
    return v.textValue();
  }

  /** A number given as a string (typed N) or a JSON number; validated, never echoed. */
  private static String numberText(JsonNode v, String path) {
    if (v.isNumber()) {
      return plainNumber(v);
    }
    String s = text(v, path);
    try {
      BigDecimal d = new BigDecimal(s.trim());
      return d.toString().equals(s.trim()) ? s.trim() : d.toPlainString();
    } catch (NumberFormatException e) {
      throw invalid(path + ": must be a number (as a string)");
    }
  }

  private static String plainNumber(JsonNode n) {
    return n.decimalValue().toPlainString();
  }

  private static byte[] bytes(JsonNode v, String path) {
    try {
      return Base64.getDecoder().decode(text(v, path));
    } catch (IllegalArgumentException e) {
      throw invalid(path + ": must be base64");
    }
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.INVALID_PARAMS, message);
  }
}
