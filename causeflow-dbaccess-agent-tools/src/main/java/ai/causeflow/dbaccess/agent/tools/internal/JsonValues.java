package ai.causeflow.dbaccess.agent.tools.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ValueJson;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place where pipeline values become JSON for tool results, and tool arguments become
 * request values. Result values are written by core's one JSON writer ({@link ValueJson}), so
 * tools, the relay and library users see the same JSON for the same value; an unknown type is a
 * bug and is refused rather than printed with {@code toString()}.
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

  /**
   * A pipeline value as JSON, written by core's one value writer ({@link ValueJson}: integers
   * beyond 2^53 as strings, binary as base64, instants ISO-8601 UTC, sets as arrays); a value
   * outside the value model is {@code INTERNAL}, never {@code toString}'d.
   */
  public static JsonNode toJson(@Nullable Object v) {
    if (v instanceof JsonNode node) {
      return node.deepCopy();
    }
    try (TokenBuffer buf = new TokenBuffer(MAPPER, false)) {
      ValueJson.write(buf, v);
      try (JsonParser p = buf.asParser()) {
        return MAPPER.readTree(p);
      }
    } catch (IOException e) {
      throw new DbAccessException(ErrorCode.INTERNAL,
          "a result value could not be written as JSON (" + e.getClass().getSimpleName() + ")");
    }
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
