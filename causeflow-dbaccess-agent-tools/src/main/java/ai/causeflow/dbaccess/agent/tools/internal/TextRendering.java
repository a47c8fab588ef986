package ai.causeflow.dbaccess.agent.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compact text a model reads: the untrusted-data notice, rows as a Markdown table (cells cut
 * at {@value #MAX_CELL_CHARS} characters; the structured content has them whole) and one footer
 * line with the counts that matter (rows, row limit, truncated, masked values, time).
 *
 * <p>Thread-safety: stateless.
 */
public final class TextRendering {
  /** Longest cell in the text table. */
  public static final int MAX_CELL_CHARS = 200;

  private TextRendering() {}

  /** Renders a structured rows result (the shape of {@link Schemas#rowsResult()}). */
  public static String rows(ObjectNode r) {
    StringBuilder b = new StringBuilder(256);
    b.append(Texts.UNTRUSTED_NOTICE).append('\n');
    b.append("resource ").append(r.path("resourceId").asText()).append(", ")
        .append(r.path("operation").asText()).append(":\n");
    List<String> names = new ArrayList<>();
    for (JsonNode c : r.path("columns")) {
      names.add(c.path("name").asText());
    }
    if (names.isEmpty()) {
      for (JsonNode row : r.path("rows")) {
        row.fieldNames().forEachRemaining(n -> {
          if (!names.contains(n)) {
            names.add(n);
          }
        });
      }
    }
    if (!names.isEmpty()) {
      b.append('|');
      for (String n : names) {
        b.append(' ').append(cell(n)).append(" |");
      }
      b.append("\n|");
      b.append("---|".repeat(names.size()));
      b.append('\n');
      for (JsonNode row : r.path("rows")) {
        b.append('|');
        for (String n : names) {
          JsonNode v = row.get(n);
          b.append(' ').append(cell(v == null || v.isNull() ? "NULL"
              : v.isTextual() ? v.textValue() : v.toString())).append(" |");
        }
        b.append('\n');
      }
    }
    int count = r.path("rowCount").asInt();
    b.append(count).append(count == 1 ? " row" : " rows");
    b.append(" (row limit ").append(r.path("rowLimit").asInt());
    if (r.path("truncated").asBoolean()) {
      b.append("; TRUNCATED by the ").append("bytes".equals(r.path("truncatedBy").asText())
          ? "byte cap" : "row limit").append(": more rows exist, narrow the query");
    } else {
      b.append("; not truncated");
    }
    b.append(")");
    if (r.path("masked").asBoolean()) {
      b.append("; masked values: ").append(r.path("maskedFieldCount").asInt());
      JsonNode p = r.path("patternsApplied");
      if (p.size() > 0) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
          parts.add(e.getKey() + " " + e.getValue().asInt());
        }
        b.append(" (").append(String.join(", ", parts)).append(')');
      }
    } else {
      b.append("; masking off");
    }
    b.append("; ").append(r.path("executionMs").asLong()).append(" ms; request ")
        .append(r.path("requestId").asText()).append('\n');
    return b.toString();
  }

  /** Renders the {@code list_resources} result. */
  public static String resources(ObjectNode r) {
    StringBuilder b = new StringBuilder("Resources you may investigate:\n");
    for (JsonNode res : r.path("resources")) {
      List<String> tools = new ArrayList<>();
      res.path("tools").forEach(t -> tools.add(t.asText()));
      b.append("- ").append(res.path("resourceId").asText()).append(" (")
          .append(res.path("type").asText()).append(", \"").append(cell(res.path("name").asText()))
          .append("\"): tools ").append(String.join(", ", tools)).append("; at most ")
          .append(res.path("maxRowsPerQuery").asInt()).append(" rows per call, ")
          .append(res.path("statementTimeoutMs").asLong()).append(" ms per statement\n");
    }
    return b.toString();
  }

  /** Renders an error: the reason code first, then the detail, then the hint. */
  public static String error(String reason, boolean retryable, String detail, String hint) {
    return reason + (retryable ? " (retryable)" : " (not retryable)") + ": " + detail
        + "\nWhat to do: " + hint + "\n";
  }

  private static String cell(String s) {
    String t = s;
    if (s.length() > MAX_CELL_CHARS) {
      int cut = Character.isHighSurrogate(s.charAt(MAX_CELL_CHARS - 1)) ? MAX_CELL_CHARS - 1
          : MAX_CELL_CHARS; // never split a surrogate pair
      t = s.substring(0, cut) + "…";
    }
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      switch (c) {
        case '|' -> b.append("\\|");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append(' ');
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
