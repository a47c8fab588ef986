package ai.causeflow.dbaccess.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Identifier normalisation. Two forms, never mixed up:
 *
 * <ul>
 *   <li>{@link #pg} resolves a name exactly as PostgreSQL does (a UTF-8 database): a quoted name
 *       is kept as written ({@code ""} undoubled), an unquoted one has ASCII {@code A}–{@code Z}
 *       folded to lower case and nothing else (the Kelvin sign, a dotted capital I and every other
 *       non-ASCII letter stay as they are, unlike Java's {@code toLowerCase}); both are truncated
 *       to 63 bytes at a character boundary ({@code NAMEDATALEN - 1}). Used for every name that
 *       decides <em>what</em> a statement reads: tables, schemas, CTEs, aliases, columns.
 *   <li>{@link #unquote} strips the quotes and lower-cases with Java's Unicode rules. Used only
 *       where matching more spellings widens a refusal: the function deny list ({@code "PG_SLEEP"}
 *       is another function to PostgreSQL; refusing it too is the safe side).
 * </ul>
 *
 * <p>Stateless.
 */
final class Identifiers {
  /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated (with a NOTICE). */
  static final int MAX_BYTES = 63;

  private Identifiers() {}

  /**
   * Strips double quotes (undoubling {@code ""}) and lower-cases with Unicode rules: for deny lists
   * only (see the class comment).
   */
  static String unquote(String s) {
    String t = s.strip();
    if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
      t = t.substring(1, t.length() - 1).replace("\"\"", "\"");
    }
    return t.toLowerCase(Locale.ROOT);
  }

  /** The name PostgreSQL resolves {@code raw} (one identifier as written) to. */
  static String pg(String raw) {
    String t = raw.strip();
    if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
      return truncate(t.substring(1, t.length() - 1).replace("\"\"", "\""));
    }
    return truncate(foldAscii(t));
  }

  /** ASCII A–Z to lower case; every other character unchanged (PostgreSQL's downcase). */
  static String foldAscii(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, (char) (c + ('a' - 'A')));
      }
    }
    return b == null ? s : b.toString();
  }

  /** Truncates to {@link #MAX_BYTES} UTF-8 bytes without splitting a character. */
  static String truncate(String s) {
    if (s.length() * 3 <= MAX_BYTES || s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return s;
    }
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > MAX_BYTES) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }
}
