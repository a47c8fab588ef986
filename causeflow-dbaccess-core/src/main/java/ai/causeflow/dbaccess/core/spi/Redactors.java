package ai.causeflow.dbaccess.core.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.Set;

/**
 * Ready-made statement redactors for {@link Backend#redactLiterals}: what the audit log may hold
 * of a statement is its shape, never the values in it.
 *
 * <ul>
 *   <li>{@link #sql(String)}: a generic SQL redactor (quoted strings and numbers become {@code ?});
 *       a backend with its own lexer does better.
 *   <li>{@link #jsonDocument(String)}: for statements that are JSON command documents (a MongoDB
 *       filter or pipeline, a DynamoDB request): every scalar value, at any depth, inside arrays
 *       too, becomes {@code "?"}; keys and operators ({@code $gt}, {@code $in},
 *       {@code KeyConditionExpression}) are kept, and so is the structure.
 *   <li>{@link #jsonDocument(Set)}: the same, keeping the scalar values found at the given key
 *       paths from the root (a collection or table name, a limit), which identify what was read
 *       and are not data.
 * </ul>
 *
 * <pre>{@code
 * public String redactLiterals(String statement) {                     // in a backend
 *   return KEEP.apply(statement);
 * }
 * static final UnaryOperator<String> KEEP = Redactors.jsonDocument(Set.of("find", "aggregate"));
 * // {"find":"users","filter":{"email":{"$in":["ana@x.io","bo@y.io"]},"age":{"$gt":30}}}
 * //   -> {"find":"users","filter":{"email":{"$in":["?","?"]},"age":{"$gt":"?"}}}
 * }</pre>
 *
 * <p>Text that is not exactly one JSON document (or nests deeper than 1,000 levels) redacts to
 * {@link #UNREADABLE}: nothing of it reaches the audit log. Thread-safety: stateless; the
 * returned operators are immutable.
 */
public final class Redactors {
  /** What {@link #jsonDocument} returns for text it cannot read as one JSON document. */
  public static final String UNREADABLE = "\"<unreadable document>\"";

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1_000).build())
      .build();

  private Redactors() {}

  /**
   * Replaces quoted strings ({@code '...'}, {@code "..."} are kept as identifiers) and numeric
   * literals with {@code ?}, and folds runs of white space. Generic: a backend with a real lexer
   * does better. Unterminated quotes swallow the rest of the text (fail closed: nothing leaks).
   */
  public static String sql(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 4096));
    int n = s.length();
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        int j = i + 1;
        while (j < n) {
          if (s.charAt(j) == '\'') {
            if (j + 1 < n && s.charAt(j + 1) == '\'') {
              j += 2;
              continue;
            }
            break;
          }
          if (s.charAt(j) == '\\') {
            j++;
          }
          j++;
        }
        out.append('?');
        i = j;
        space = false;
      } else if (Character.isDigit(c) && (i == 0 || !isWordChar(s.charAt(i - 1)))) {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.append('?');
        i = j - 1;
        space = false;
      } else if (Character.isWhitespace(c)) {
        if (!space && out.length() > 0) {
          out.append(' ');
        }
        space = true;
      } else {
        out.append(c);
        space = false;
      }
    }
    return out.toString().strip();
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** Every scalar of a JSON document replaced by {@code "?"}; keys and structure kept. */
  public static String jsonDocument(String statement) {
    return redact(statement, Set.of());
  }

  /**
   * A JSON-document redactor that keeps the scalar values at these key paths, written from the
   * root with dots: {@code "find"}, {@code "Query.TableName"}. Only exact paths: a key of the same
   * name deeper in a filter is redacted.
   */
  public static java.util.function.UnaryOperator<String> jsonDocument(Set<String> keptPaths) {
    Set<String> kept = Set.copyOf(keptPaths);
    return s -> redact(s, kept);
  }

  private static String redact(String statement, Set<String> kept) {
    Objects.requireNonNull(statement, "statement");
    if (statement.isBlank()) {
      return "";
    }
    StringWriter out = new StringWriter(statement.length());
    try (JsonParser p = JSON.createParser(statement);
        JsonGenerator g = JSON.createGenerator(out)) {
      // the key path of each open object (null inside arrays: nothing under them is kept)
      Deque<String> path = new ArrayDeque<>();
      String field = null;
      JsonToken t = p.nextToken();
      if (t == null) {
        return UNREADABLE;
      }
      int depth = 0;
      do {
        switch (t) {
          case START_OBJECT -> {
            g.writeStartObject();
            path.push(childPath(path, field));
            field = null;
            depth++;
          }
          case START_ARRAY -> {
            g.writeStartArray();
            path.push("\0");
            field = null;
            depth++;
          }
          case END_OBJECT -> {
            g.writeEndObject();
            path.pop();
            depth--;
          }
          case END_ARRAY -> {
            g.writeEndArray();
            path.pop();
            depth--;
          }
          case FIELD_NAME -> {
            field = p.currentName();
            g.writeFieldName(field);
          }
          default -> {
            String at = field == null ? null : childPath(path, field);
            if (at != null && kept.contains(at)) {
              g.copyCurrentEvent(p);
            } else {
              g.writeString("?");
            }
            field = null;
          }
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      } while (t != null);
      if (depth != 0 || p.nextToken() != null) {
        return UNREADABLE;
      }
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
    return out.toString();
  }

  private static String childPath(Deque<String> path, @Nullable String field) {
    String parent = path.peek();
    if (parent == null) {
      return field == null ? "" : field;
    }
    if (parent.equals("\0") || field == null) {
      return "\0";
    }
    return parent.isEmpty() ? field : parent + "." + field;
  }
}
