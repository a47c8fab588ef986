package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the names that schema operations take as their statement ({@code orders},
 * {@code app.orders}, {@code "Mixed Case"."T"}) the way PostgreSQL would: unquoted parts fold to
 * lower case, quoted parts keep their case with {@code ""} as an escaped quote. Anything else is
 * refused; the name is used only as a bound parameter, never spliced.
 */
public final class PgIdentifiers {
  private static final int MAX_IDENT = 63;

  private PgIdentifiers() {}

  /** One to {@code maxParts} dot-separated identifiers. */
  public static List<String> parse(String text, int maxParts, String what) {
    String s = text.strip();
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (true) {
      if (i >= s.length()) {
        throw invalid(what);
      }
      StringBuilder b = new StringBuilder();
      if (s.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            throw invalid(what);
          }
          char c = s.charAt(i++);
          if (c == '"') {
            if (i < s.length() && s.charAt(i) == '"') {
              b.append('"');
              i++;
              continue;
            }
            break;
          }
          if (c == 0) {
            throw invalid(what);
          }
          b.append(c);
        }
        if (b.length() == 0) {
          throw invalid(what);
        }
      } else {
        char c = s.charAt(i);
        if (!(Character.isLetter(c) && c < 128 || c == '_')) {
          throw invalid(what);
        }
        while (i < s.length()) {
          c = s.charAt(i);
          if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
            b.append(c);
            i++;
          } else {
            break;
          }
        }
        String folded = b.toString().toLowerCase(Locale.ROOT);
        b.setLength(0);
        b.append(folded);
      }
      if (b.length() > MAX_IDENT) {
        throw invalid(what);
      }
      parts.add(b.toString());
      if (i == s.length()) {
        break;
      }
      if (s.charAt(i) != '.' || parts.size() == maxParts) {
        throw invalid(what);
      }
      i++;
    }
    return parts;
  }

  /** ASCII A-Z to lower case, nothing else: how PostgreSQL folds an unquoted identifier. */
  public static String foldAscii(String s) {
    return Identifiers.foldAscii(s);
  }

  private static DbAccessException invalid(String what) {
    return new DbAccessException(ErrorCode.INVALID_PARAMS, "statement: must be " + what
        + " (identifiers, optionally double-quoted, at most 63 characters each)");
  }
}
