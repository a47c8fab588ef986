package ai.causeflow.dbaccess.postgres.internal;

import java.util.Locale;

/** Identifier normalisation for comparisons. Stateless. */
final class Identifiers {
  private Identifiers() {}

  /**
   * Strips double quotes (undoubling {@code ""}) and lower-cases. PostgreSQL keeps the case of a
   * quoted identifier, so {@code "PG_SLEEP"} is not {@code pg_sleep} to it; folding both is the
   * safe side for deny lists and is how allow/block globs compare anyway (case-insensitive).
   */
  static String unquote(String s) {
    String t = s.strip();
    if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
      t = t.substring(1, t.length() - 1).replace("\"\"", "\"");
    }
    return t.toLowerCase(Locale.ROOT);
  }
}
