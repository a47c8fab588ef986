package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ValueJson;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON reading and writing for the wire: bounded parsing, exact numbers, no POJO magic.
 *
 * <p>Thread-safety: stateless; the shared mapper is thread-safe.
 */
public final class Json {
  /** Deepest nesting accepted in a request (parameters included). */
  static final int MAX_DEPTH = 64;

  static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(1_000)
          .build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses one message; any syntax problem (including trailing data) is an IOException. */
  static JsonNode parse(String text) throws IOException {
    try (JsonParser p = MAPPER.createParser(text)) {
      JsonNode n = MAPPER.readTree(p);
      if (n == null || n.isMissingNode()) {
        throw new IOException("empty message");
      }
      if (!wellFormed(n)) {
        throw new IOException("unpaired surrogate");
      }
      return n;
    } catch (NumberFormatException e) {
      // Jackson lets this through for a number it cannot hold (an exponent beyond int range,
      // 1e99999999999999999999): it is bad input, not a relay failure.
      throw new IOException("number out of range");
    }
  }

  /**
   * Whether every string and member name is well-formed Unicode. JSON's {@code \\uD800} escape
   * can produce an unpaired surrogate, which no UTF-8 transport can carry back: an id holding one
   * could not be echoed (the JDK WebSocket refuses to send it; stdio would turn it into '?'), and
   * in a statement or parameter the database would see a different character than the checks
   * did. RFC 8259 leaves such strings' behaviour unpredictable and I-JSON forbids them: refused.
   */
  private static boolean wellFormed(JsonNode n) {
    if (n.isTextual()) {
      return wellFormed(n.textValue());
    }
    if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!wellFormed(e.getKey()) || !wellFormed(e.getValue())) {
          return false;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        if (!wellFormed(e)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A request parameter as a value the pipeline accepts: null, Boolean, Number, String, List, Map. */
  static @Nullable Object toJava(JsonNode n) {
    if (n.isNull()) {
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
    throw new RpcException(ErrorCode.INVALID_PARAMS, "parameters: unsupported JSON value");
  }

  /**
   * Writes a value produced by the pipeline with the library's one value writer
   * ({@link ValueJson}); a value outside the value model is a relay bug reported as INTERNAL,
   * never toString'd.
   */
  static void writeValue(JsonGenerator g, @Nullable Object v) throws IOException {
    try {
      ValueJson.write(g, v);
    } catch (DbAccessException e) {
      throw new RpcException(ErrorCode.INTERNAL, e.getMessage());
    }
  }

  /** Writes a result row; a value outside the value model is INTERNAL naming its column. */
  static void writeRow(JsonGenerator g, Map<String, @Nullable Object> row) throws IOException {
    try {
      ValueJson.writeRow(g, row);
    } catch (DbAccessException e) {
      throw new RpcException(ErrorCode.INTERNAL, e.getMessage());
    }
  }

  /** A whole JSON-RPC message written by {@code body} after {@code "jsonrpc":"2.0"}. */
  static String message(IoConsumer<JsonGenerator> body) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
      g.setCodec(MAPPER);
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      body.accept(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static void writeId(JsonGenerator g, @Nullable JsonNode id) throws IOException {
    g.writeFieldName("id");
    if (id == null) {
      g.writeNull();
    } else {
      g.writeTree(id);
    }
  }

  /** A consumer that may throw IOException. */
  @FunctionalInterface
  interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }
}
