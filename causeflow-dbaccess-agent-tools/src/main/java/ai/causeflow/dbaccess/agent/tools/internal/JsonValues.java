package ai.causeflow.dbaccess.agent.tools.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place where pipeline values become JSON for tool results, and tool arguments become
 * request values. The rules are the relay's wire rules: numbers stay numbers (the pipeline already
 * turned values a double would round into strings), binary is base64, temporal values are their
 * ISO-8601 text, nested lists and maps are written recursively; an unknown type is a bug and is
 * refused rather than printed with {@code toString()}. When core gains its own JSON writer for
 * row values, this class delegates to it and nothing else changes.
 *
 * <p>Thread-safety: stateless; the shared mapper is thread-safe.
 */
public final class JsonValues {
  /** Deepest nesting accepted in tool arguments. */
  static final int MAX_DEPTH = 64;

  /** Bounded parsing: nesting, number length, duplicate keys refused, exact decimals. */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(1_000)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonValues() {}

  /** A fresh object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** A fresh array node. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * Parses tool arguments given as JSON text; blank text is an empty object.
   *
   * @throws DbAccessException {@code INVALID_PARAMS} naming what is wrong, never quoting the text
   */
  public static JsonNode parseArguments(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return object();
    }
    try (JsonParser p = MAPPER.createParser(text)) {
      JsonNode n = MAPPER.readTree(p);
      if (n == null || n.isMissingNode()) {
        return object();
      }
      return n;
    } catch (IOException | NumberFormatException e) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS,
          "arguments: not valid JSON (or duplicate keys, trailing data, nesting deeper than "
              + MAX_DEPTH + ")");
    }
  }

  /** A pipeline value as JSON; an unexpected type is {@code INTERNAL}, never {@code toString}'d. */
  public static JsonNode toJson(@Nullable Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof BigInteger bi) {
      return NODES.numberNode(bi);
    }
    if (v instanceof BigDecimal bd) {
      return DecimalNode.valueOf(bd); // exact: never normalised
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
    }
    if (v instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode(list.size());
      for (Object e : list) {
        a.add(toJson(e));
      }
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        o.set(String.valueOf(e.getKey()), toJson(e.getValue()));
      }
      return o;
    }
    if (v instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof TemporalAccessor t) {
      return NODES.textNode(t.toString());
    }
    if (v instanceof JsonNode node) {
      return node.deepCopy();
    }
    throw new DbAccessException(ErrorCode.INTERNAL,
        "a result value has an unsupported type (" + v.getClass().getSimpleName() + ")");
  }

  /** A tool argument as a value the pipeline accepts: null, Boolean, Number, String, List, Map. */
  public static @Nullable Object toJava(JsonNode n) {
    if (n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      if (n.canConvertToInt()) {
        return n.intValue();
      }
      if (n.canConvertToLong()) {
        return n.longValue();
      }
      return n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isArray()) {
      List<@Nullable Object> list = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        list.add(toJava(e));
      }
      return list;
    }
    if (n.isObject()) {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return map;
    }
    throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: unsupported JSON value");
  }

  /** Compact JSON text of a node (for a command document given as an object). */
  public static String write(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (IOException e) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "statement: not serialisable");
    }
  }
}
