package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small lexer for DynamoDB expressions (projection, key condition, filter) that finds every
 * document path they name, with {@code #alias} placeholders resolved through
 * {@code ExpressionAttributeNames}. The policy is checked on those resolved paths, so an alias
 * cannot hide an attribute. Anything the lexer does not recognise is refused: fail closed.
 *
 * <p>A path is a list of attribute names from the top level down ({@code profile.ssn},
 * {@code addresses[0].street} → {@code [addresses, street]}: list positions are not part of the
 * name the policy sees).
 *
 * <p>Thread-safety: stateless.
 */
public final class Expressions {
  /** Function names DynamoDB condition expressions have. */
  static final Set<String> FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists",
      "attribute_type", "begins_with", "contains", "size");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "between", "in");
  private static final int MAX_CHARS = 4_096;

  private Expressions() {}

  /** A token: its kind and text. */
  record Token(char kind, String text, int position) {}

  // kinds: 'n' name (identifier), '#' alias, ':' value placeholder, 'd' digits, 'p' punctuation

  static List<Token> lex(String expr, String field) {
    if (expr.length() > MAX_CHARS) {
      throw invalid(field + ": longer than " + MAX_CHARS + " characters");
    }
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else if (c == '#' || c == ':') {
        int j = i + 1;
        while (j < n && isWordChar(expr.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          throw blocked(field + ": '" + c + "' must be followed by a placeholder name (position "
              + i + ")");
        }
        out.add(new Token(c, expr.substring(i, j), i));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < n && Character.isDigit(expr.charAt(j))) {
          j++;
        }
        if (j < n && isWordChar(expr.charAt(j))) {
          throw blocked(field + ": a name may not start with a digit (position " + i + ")");
        }
        out.add(new Token('d', expr.substring(i, j), i));
        i = j;
      } else if (isWordChar(c)) {
        int j = i;
        while (j < n && isWordChar(expr.charAt(j))) {
          j++;
        }
        out.add(new Token('n', expr.substring(i, j), i));
        i = j;
      } else if (c == '<' && i + 1 < n && (expr.charAt(i + 1) == '>' || expr.charAt(i + 1) == '=')) {
        out.add(new Token('p', expr.substring(i, i + 2), i));
        i += 2;
      } else if (c == '>' && i + 1 < n && expr.charAt(i + 1) == '=') {
        out.add(new Token('p', ">=", i));
        i += 2;
      } else if ("=<>(),.[]".indexOf(c) >= 0) {
        out.add(new Token('p', String.valueOf(c), i));
        i++;
      } else {
        throw blocked(field + ": unexpected character at position " + i);
      }
    }
    return out;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  /**
   * The paths of a {@code ProjectionExpression}: {@code path (, path)*} and nothing else.
   */
  public static List<List<String>> projection(String expr, Map<String, String> names,
      String field) {
    List<Token> t = lex(expr, field);
    List<List<String>> paths = new ArrayList<>();
    int[] pos = {0};
    while (true) {
      if (pos[0] >= t.size()) {
        throw blocked(field + ": expected an attribute path at the end");
      }
      paths.add(path(t, pos, names, field));
      if (pos[0] == t.size()) {
        return paths;
      }
      Token sep = t.get(pos[0]);
      if (!sep.text().equals(",")) {
        throw blocked(field + ": expected ',' between attribute paths (position "
            + sep.position() + ")");
      }
      pos[0]++;
    }
  }

  /**
   * Every path a condition expression ({@code KeyConditionExpression}, {@code FilterExpression})
   * reads, and the value placeholders it uses. The grammar is left to DynamoDB; this only has to
   * find every name, so it refuses any name it cannot place (unknown functions included).
   */
  public static Condition condition(String expr, Map<String, String> names, String field) {
    List<Token> t = lex(expr, field);
    List<List<String>> paths = new ArrayList<>();
    List<String> values = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < t.size()) {
      Token tok = t.get(pos[0]);
      switch (tok.kind()) {
        case ':' -> {
          values.add(tok.text());
          pos[0]++;
        }
        case 'p' -> {
          if (tok.text().equals(".") || tok.text().equals("[") || tok.text().equals("]")) {
            throw blocked(field + ": unexpected '" + tok.text() + "' at position "
                + tok.position());
          }
          pos[0]++;
        }
        case 'd' -> throw blocked(field + ": unexpected number at position " + tok.position());
        case 'n' -> {
          String lower = tok.text().toLowerCase(Locale.ROOT);
          boolean call = pos[0] + 1 < t.size() && t.get(pos[0] + 1).text().equals("(");
          if (call) {
            if (!FUNCTIONS.contains(tok.text())) {
              throw blocked(field + ": unknown function '" + tok.text() + "'");
            }
            pos[0]++;
          } else if (KEYWORDS.contains(lower)) {
            pos[0]++;
          } else {
            paths.add(path(t, pos, names, field));
          }
        }
        case '#' -> paths.add(path(t, pos, names, field));
        default -> throw blocked(field + ": unexpected token at position " + tok.position());
      }
    }
    return new Condition(paths, values);
  }

  /** The paths and value placeholders of a condition. */
  public record Condition(List<List<String>> paths, List<String> values) {}

  private static List<String> path(List<Token> t, int[] pos, Map<String, String> names,
      String field) {
    List<String> path = new ArrayList<>();
    path.add(element(t.get(pos[0]), names, field));
    pos[0]++;
    while (pos[0] < t.size()) {
      Token tok = t.get(pos[0]);
      if (tok.text().equals(".")) {
        if (pos[0] + 1 >= t.size()) {
          throw blocked(field + ": path ends with '.'");
        }
        path.add(element(t.get(pos[0] + 1), names, field));
        pos[0] += 2;
      } else if (tok.text().equals("[")) {
        if (pos[0] + 2 >= t.size() || t.get(pos[0] + 1).kind() != 'd'
            || !t.get(pos[0] + 2).text().equals("]")) {
          throw blocked(field + ": a list position must be [digits] (position "
              + tok.position() + ")");
        }
        pos[0] += 3;
      } else {
        break;
      }
    }
    return List.copyOf(path);
  }

  private static String element(Token tok, Map<String, String> names, String field) {
    if (tok.kind() == '#') {
      String resolved = names.get(tok.text());
      if (resolved == null) {
        throw invalid(field + ": placeholder '" + tok.text()
            + "' is not defined in ExpressionAttributeNames");
      }
      return resolved;
    }
    if (tok.kind() == 'n') {
      if (KEYWORDS.contains(tok.text().toLowerCase(Locale.ROOT))) {
        throw blocked(field + ": expected an attribute name at position " + tok.position());
      }
      return tok.text();
    }
    throw blocked(field + ": expected an attribute name at position " + tok.position());
  }

  private static DbAccessException blocked(String message) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, message);
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.INVALID_PARAMS, message);
  }
}
