package ai.causeflow.dbaccess.examples.relay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generates mutated JSON-RPC messages from a seed and says, for each, what the relay must answer
 * (docs/relay.md): one answer echoing a valid id, one answer with {@code id: null}, or none (a
 * valid notification). Every mutated value, key and name carries one of the {@link #MARKERS}; none
 * may ever come back in an answer, a log line or an audit line.
 */
final class JsonRpcFuzzer {
  static final String EMAIL = "fuzz.victim@example.org";
  static final String CPF = "529.982.247-25";
  static final String CPF_DIGITS = "52998224725";
  static final String CARD = "4111111111111111";
  static final List<String> MARKERS = List.of(EMAIL, CPF, CPF_DIGITS, CARD);

  /** Reads answers with exact numbers (ids are compared by value). */
  static final ObjectMapper READER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build();
  /** Writes ASCII only: a lone surrogate goes out as a \\uD800 escape, never as a raw '?'. */
  private static final ObjectMapper WRITER = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> ENVELOPE = Set.of("jsonrpc", "id", "method", "params");

  enum Expect { ID, NULL_ID, NONE }

  /** One message and its expected answer; {@code idKey} is set when {@code expect == ID}. */
  record Msg(String text, Expect expect, String idKey) {}

  private final Random rnd;
  private int seq;

  JsonRpcFuzzer(long seed) {
    this.rnd = new Random(seed);
  }

  List<Msg> messages(int n) {
    List<Msg> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  Msg next() {
    seq++;
    int k = rnd.nextInt(100);
    if (k < 25) {
      return structured(valid());
    }
    if (k < 60) {
      ObjectNode m = valid();
      int mutations = 1 + rnd.nextInt(3);
      for (int i = 0; i < mutations; i++) {
        mutate(m);
      }
      return structured(m);
    }
    if (k < 68) {
      ObjectNode m = valid();
      m.remove("id");
      if (rnd.nextBoolean()) {
        m.put("method", "cancel");
        m.putObject("params").put("requestId", "fz-" + rnd.nextInt(seq));
      }
      return structured(m);
    }
    return raw();
  }

  /** A request the relay serves normally (with markers in values only: parameters, literals). */
  ObjectNode valid() {
    ObjectNode m = F.objectNode();
    m.put("jsonrpc", "2.0");
    m.put("id", "fz-" + seq);
    int k = rnd.nextInt(6);
    switch (k) {
      case 0 -> m.put("method", "list_resources");
      case 1 -> {
        m.put("method", "health_check");
        if (rnd.nextBoolean()) {
          m.putObject("params").put("resourceId", "main-pg");
        }
      }
      case 2 -> {
        m.put("method", "describe_resource");
        m.putObject("params").put("resourceId", "main-pg");
      }
      case 3 -> {
        m.put("method", "cancel");
        m.putObject("params").put("requestId", "fz-" + rnd.nextInt(seq));
      }
      default -> {
        m.put("method", "execute");
        ObjectNode p = m.putObject("params");
        p.put("resourceId", "main-pg");
        p.put("operation", rnd.nextInt(4) == 0 ? "explain" : "query");
        switch (rnd.nextInt(4)) {
          case 0 -> {
            p.put("statement", "SELECT * FROM public.customers WHERE email = $1");
            p.putArray("parameters").add(marker());
          }
          case 1 -> {
            p.put("statement", "SELECT * FROM public.customers WHERE id = $1");
            p.putArray("parameters").add(rnd.nextInt(5));
          }
          case 2 -> p.put("statement", "SELECT * FROM public.orders");
          default -> p.put("statement", "SELECT FAIL('" + marker() + "')");
        }
        if (rnd.nextBoolean()) {
          p.put("limit", 1 + rnd.nextInt(10));
        }
      }
    }
    return m;
  }

  private void mutate(ObjectNode m) {
    switch (rnd.nextInt(11)) {
      case 0 -> {
        JsonNode p = m.get("params");
        if (p instanceof ObjectNode o && o.size() > 0) {
          List<String> keys = new ArrayList<>();
          o.fieldNames().forEachRemaining(keys::add);
          o.set(keys.get(rnd.nextInt(keys.size())), value(2));
        } else {
          m.putObject("params").set("resourceId", value(1));
        }
      }
      case 1 -> {
        JsonNode p = m.get("params");
        ObjectNode o = p instanceof ObjectNode x ? x : m.putObject("params");
        if (o.has("operation") && rnd.nextBoolean()) {
          o.put("operation", rnd.nextBoolean() ? "x" + CPF_DIGITS : "op_" + CARD);
        } else {
          o.set(oddName(), value(1));
        }
      }
      case 2 -> m.set(oddName(), value(1));
      case 3 -> m.put("method", oddName());
      case 4 -> m.set("method", value(1));
      case 5 -> m.set("params", value(2));
      case 6 -> {
        switch (rnd.nextInt(5)) {
          case 0 -> m.remove("jsonrpc");
          case 1 -> m.put("jsonrpc", "1.0");
          case 2 -> m.put("jsonrpc", 2.0);
          case 3 -> m.putNull("jsonrpc");
          default -> m.put("jsonrpc", "2.0 ");
        }
      }
      case 7 -> m.set("id", oddId());
      case 8 -> m.remove("id");
      case 9 -> insertIntoSomeString(m, new String[] {"\ud800", "\udfff", "x\udc00y"});
      default -> insertIntoSomeString(m, new String[] {"\u0000", "\u001f", "\u2028", "\ufeff",
          "\ud83d\ude00", "\\u0000", "\"\\"});
    }
  }

  /** Ids of every JSON type: strings, integers, huge integers, floats, and invalid types. */
  private JsonNode oddId() {
    return switch (rnd.nextInt(10)) {
      case 0 -> F.numberNode(seq);
      case 1 -> F.numberNode(new BigInteger("98765432109876543210987654321" + seq));
      case 2 -> F.numberNode(new BigDecimal(seq + ".5"));
      case 3 -> F.numberNode(new BigDecimal(seq + "e3"));
      case 4 -> F.textNode("fz-long-" + seq + "-" + "i".repeat(10_000));
      case 5 -> F.textNode("fz-\u00e9\u4e2d\ud83d\ude00-" + seq);
      case 6 -> F.nullNode();
      case 7 -> F.objectNode().put("n", seq);
      case 8 -> F.arrayNode().add(seq);
      default -> F.booleanNode(rnd.nextBoolean());
    };
  }

  /** A name that is not a method or key the relay knows; many of them are personal data. */
  private String oddName() {
    return switch (rnd.nextInt(12)) {
      case 0 -> CPF_DIGITS;
      case 1 -> CARD;
      case 2 -> EMAIL;
      case 3 -> CPF;
      case 4 -> "x" + CPF_DIGITS;
      case 5 -> CARD + "_" + rnd.nextInt(10);
      case 6 -> "exe\u0000cute" + marker();
      case 7 -> "EXECUTE" + CPF_DIGITS;
      case 8 -> "rpc.discover" + marker();
      case 9 -> "m" + "\u00e9".repeat(70) + marker();
      case 10 -> "";
      default -> "\ud800" + marker();
    };
  }

  private String marker() {
    return MARKERS.get(rnd.nextInt(MARKERS.size()));
  }

  /** Random JSON with markers in every string and key. */
  private JsonNode value(int depth) {
    int k = rnd.nextInt(depth > 0 ? 16 : 13);
    return switch (k) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(rnd.nextBoolean());
      case 2 -> F.numberNode(rnd.nextInt());
      case 3 -> F.numberNode(Long.MIN_VALUE);
      case 4 -> F.numberNode(new BigInteger(CPF_DIGITS + CARD + "9".repeat(rnd.nextInt(900))));
      case 5 -> F.numberNode(new BigDecimal(rnd.nextBoolean() ? "1e400" : "-1.5e-400"));
      case 6 -> F.numberNode(new BigDecimal(CARD + ".25"));
      case 7 -> F.textNode(marker());
      case 8 -> F.textNode("'; DROP TABLE x; -- " + marker());
      case 9 -> F.textNode(marker() + "\u0000" + marker());
      case 10 -> F.textNode("\ud800" + marker());
      case 11 -> F.textNode(marker().repeat(1 + rnd.nextInt(400)));
      case 12 -> F.textNode("$1 " + marker() + " \u00e9\ud83d\ude00");
      case 13 -> {
        ArrayNode a = F.arrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(value(depth - 1));
        }
        yield a;
      }
      case 14 -> {
        ObjectNode o = F.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(marker() + i, value(depth - 1));
        }
        yield o;
      }
      default -> {
        JsonNode n = F.textNode(marker());
        for (int i = 0; i < 40; i++) {
          n = F.arrayNode().add(n);
        }
        yield n;
      }
    };
  }

  private void insertIntoSomeString(ObjectNode m, String[] choices) {
    String s = choices[rnd.nextInt(choices.length)];
    JsonNode p = m.get("params");
    if (p instanceof ObjectNode o && o.size() > 0) {
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      String key = keys.get(rnd.nextInt(keys.size()));
      // In a statement the marker stands apart: glued to letters it is an identifier, which the
      // pipeline's audit keeps (masked by detectors only): a core limitation, not the relay's.
      o.put(key, o.get(key).asText() + s + (key.equals("statement") ? " " : "") + marker());
    } else if (m.path("method").isTextual()) {
      m.put("method", m.get("method").textValue() + s);
    }
  }

  /** Raw text: not JSON, truncated JSON, deep nesting, duplicates, batches, scalars. */
  private Msg raw() {
    String v = write(valid());
    String text = switch (rnd.nextInt(14)) {
      case 0 -> "[".repeat(10_000) + "]".repeat(10_000);
      case 1 -> "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
      case 2 -> v.substring(0, 1 + rnd.nextInt(v.length() - 1));
      case 3 -> "{\"id\":\"dup-" + seq + "\"," + v.substring(1);
      case 4 -> v.contains("\"params\":{\"resourceId\"") // a duplicate key
          ? v.replaceFirst("\"params\":\\{", "\"params\":{\"resourceId\":\"" + marker() + "\",")
          : garbage();
      case 5 -> "[" + v + "," + v + "]";
      case 6 -> "[]";
      case 7 -> v + " " + v;
      case 8 -> "1" + "0".repeat(2_000);
      case 9 -> "\"" + marker() + "\"";
      case 10 -> "{\"jsonrpc\":\"2.0\",\"id\":1e99999999999999999999,\"method\":\"x\"}";
      case 11 -> "{\"jsonrpc\":\"2.0\",\"id\":\"" + marker() + "\u0000\",\"method\":\"x\"}";
      case 12 -> "\u00ff\u00fe" + marker() + " \ud83d\ude00 {";
      default -> garbage();
    };
    return new Msg(text, Expect.NULL_ID, null);
  }

  private String garbage() {
    StringBuilder b = new StringBuilder("#");
    int n = 1 + rnd.nextInt(200);
    for (int i = 0; i < n; i++) {
      char c = (char) (0x20 + rnd.nextInt(0x5f));
      b.append(c);
      if (rnd.nextInt(50) == 0) {
        b.append(marker());
      }
    }
    return b.toString();
  }

  private Msg structured(ObjectNode m) {
    String text = write(m);
    return new Msg(text, expect(m), idKey(m.get("id")));
  }

  /** What docs/relay.md says the relay answers to this (syntactically valid) object. */
  static Expect expect(ObjectNode m) {
    if (hasLoneSurrogate(m)) {
      return Expect.NULL_ID; // not well-formed Unicode: -32700 before the id is read
    }
    JsonNode id = m.get("id");
    if (id != null) {
      return id.isTextual() || id.isNumber() ? Expect.ID : Expect.NULL_ID;
    }
    boolean notification = m.path("jsonrpc").isTextual()
        && m.get("jsonrpc").textValue().equals("2.0")
        && ENVELOPE.containsAll(names(m))
        && m.path("method").isTextual()
        && (!m.has("params") || m.get("params").isObject() || m.get("params").isArray());
    return notification ? Expect.NONE : Expect.NULL_ID;
  }

  /** The identity of an id for matching answers: strings by text, numbers by value. */
  static String idKey(JsonNode id) {
    if (id == null || !(id.isTextual() || id.isNumber())) {
      return null;
    }
    if (id.isTextual()) {
      return "s:" + id.textValue();
    }
    return "n:" + new BigDecimal(id.asText()).stripTrailingZeros().toString();
  }

  private static List<String> names(JsonNode n) {
    List<String> l = new ArrayList<>();
    n.fieldNames().forEachRemaining(l::add);
    return l;
  }

  static boolean hasLoneSurrogate(JsonNode n) {
    if (n.isTextual()) {
      return lone(n.textValue());
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (lone(e.getKey()) || hasLoneSurrogate(e.getValue())) {
        return true;
      }
    }
    if (n.isArray()) {
      for (JsonNode e : n) {
        if (hasLoneSurrogate(e)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean lone(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return true;
      }
      if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static String write(JsonNode n) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = WRITER.getFactory().createGenerator(w)) {
      WRITER.writeTree(g, n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }
}
