package ai.causeflow.dbaccess.postgres.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the column references in one expression of an {@code EXPLAIN VERBOSE} plan, as
 * PostgreSQL's deparser prints them: {@code alias.column}, {@code alias.*} (a whole row), quoted
 * names where needed ({@code "Na"."E-mail"}), string constants {@code '...'} (skipped; an
 * {@code E'...'} form with backslash escapes too). When the plan has a single scanned relation,
 * PostgreSQL may print its columns unqualified: then every unqualified name that is not a
 * function call counts as a column of it (more names only means more checks).
 *
 * <p>An alias that names a scanned relation and appears alone (not followed by {@code .} or
 * {@code (}) is taken as a whole-row reference. Unterminated quotes refuse the request.
 *
 * <p>Stateless.
 */
final class PlanExpressions {
  private PlanExpressions() {}

  /**
   * Records the references of {@code e} in the scans of {@code byAlias}.
   *
   * @return whether {@code e} also references a qualifier that is not a scanned relation (a
   *     subquery, CTE or function scan), whose base columns are not named here
   */
  static boolean references(String e, Map<String, PlanAuthority.Scan> byAlias,
      PlanAuthority.@Nullable Scan only) {
    boolean foreign = false;
    int n = e.length();
    int i = 0;
    String prev = null; // the previous identifier, when the last token was "ident ."
    boolean afterCast = false;
    while (i < n) {
      char c = e.charAt(i);
      if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && e.charAt(i + 1) == '\''
          && (i == 0 || !identPart(e.charAt(i - 1))))) {
        i = skipString(e, c == '\'' ? i : i + 1, c != '\'');
        prev = null;
        afterCast = false;
        continue;
      }
      if (c == '"' || identStart(c)) {
        int start = i;
        String name;
        if (c == '"') {
          StringBuilder b = new StringBuilder();
          i++;
          while (true) {
            if (i >= n) {
              throw PlanAuthority.unreadable("unterminated quoted name");
            }
            char q = e.charAt(i++);
            if (q == '"') {
              if (i < n && e.charAt(i) == '"') {
                b.append('"');
                i++;
                continue;
              }
              break;
            }
            b.append(q);
          }
          name = b.toString();
        } else {
          while (i < n && identPart(e.charAt(i))) {
            i++;
          }
          name = e.substring(start, i);
        }
        char next = i < n ? e.charAt(i) : ' ';
        if (prev != null) {
          // "prev.name": a column of the relation prev stands for
          PlanAuthority.Scan s = byAlias.get(prev);
          if (s != null) {
            s.columns.add(name);
          } else {
            foreign = true;
          }
          prev = null;
        } else if (next == '.') {
          prev = name;
          i++; // consume the dot
          if (i < n && e.charAt(i) == '*') {
            PlanAuthority.Scan s = byAlias.get(name);
            if (s != null) {
              s.wholeRow = true;
            } else {
              foreign = true;
            }
            prev = null;
            i++;
          }
        } else if (next != '(') {
          PlanAuthority.Scan s = byAlias.get(name);
          if (s != null) {
            s.wholeRow = true; // a bare alias: the whole row
          } else if (only != null && !afterCast) {
            only.columns.add(name);
          }
        }
        afterCast = false;
        continue;
      }
      if (c == ':' && i + 1 < n && e.charAt(i + 1) == ':') {
        afterCast = true; // a type name follows, not a column
        prev = null;
        i += 2;
        continue;
      }
      if (!Character.isWhitespace(c)) {
        afterCast = false;
        prev = null;
      }
      i++;
    }
    return foreign;
  }

  private static boolean identStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  }

  private static boolean identPart(char c) {
    return identStart(c) || (c >= '0' && c <= '9') || c == '$';
  }

  /** Index after the string constant opening at {@code open} (a quote). */
  private static int skipString(String e, int open, boolean backslashEscapes) {
    int n = e.length();
    int i = open + 1;
    while (i < n) {
      char c = e.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
        continue;
      }
      if (c == '\'') {
        if (i + 1 < n && e.charAt(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    throw PlanAuthority.unreadable("unterminated string constant");
  }
}
