package ai.causeflow.dbaccess.mongo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.Set;

/**
 * A command document as the audit log may keep it: its shape (keys, operators, stages, field paths,
 * collection names) with every literal value replaced by {@code "?"}. Text that is not a JSON
 * object is replaced as a whole.
 *
 * <p>Thread-safety: stateless.
 */
final class StatementRedactor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TextNode HIDDEN = TextNode.valueOf("?");
  /** Keys whose string value names a collection or a field, not data. */
  private static final Set<String> IDENTIFIERS = Set.of("find", "aggregate", "count", "distinct",
      "from", "coll", "as", "localField", "foreignField", "key", "connectFromField",
      "connectToField", "distanceField", "includeArrayIndex", "depthField", "path", "hint",
      "field", "locale", "$count", "$unset", "$meta");

  /** A field path or variable reference ({@code "$status"}, {@code "$$ROOT.a"}), not data. */
  private static final java.util.regex.Pattern FIELD_PATH =
      java.util.regex.Pattern.compile("\\$\\$?[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

  private StatementRedactor() {}

  static String redact(String statement) {
    if (statement.isBlank()) {
      return statement;
    }
    JsonNode root;
    try {
      root = JSON.readTree(statement);
    } catch (JsonProcessingException e) {
      return "?";
    }
    if (root == null || !root.isObject()) {
      return "?";
    }
    return walk(root, null).toString();
  }

  private static JsonNode walk(JsonNode n, String key) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      ObjectNode out = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        out.set(e.getKey(), walk(e.getValue(), e.getKey()));
      }
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode x : n) {
        out.add(walk(x, key));
      }
      return out;
    }
    if (n.isTextual()) {
      String s = n.asText();
      if (FIELD_PATH.matcher(s).matches() || key != null && IDENTIFIERS.contains(key)) {
        return n;
      }
      return HIDDEN;
    }
    if (n.isNumber() && "$param".equals(key)) {
      return n;
    }
    if (n.isBoolean() || n.isNull()) {
      return n;
    }
    return HIDDEN;
  }
}
