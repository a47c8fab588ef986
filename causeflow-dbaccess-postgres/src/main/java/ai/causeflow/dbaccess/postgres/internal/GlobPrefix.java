package ai.causeflow.dbaccess.postgres.internal;

/**
 * Whether a glob ({@code *} any run, {@code ?} one character, case-insensitive, as in
 * {@link ai.causeflow.dbaccess.core.internal.Glob}) can match some string that starts with a
 * given prefix. Used to decide whether {@code *} on a table may expose a blocked column without
 * knowing the table's columns. Stateless.
 */
final class GlobPrefix {
  private GlobPrefix() {}

  static boolean canMatchWithPrefix(String glob, String prefix) {
    int g = glob.length();
    // states[i]: the glob's first i characters can consume the prefix read so far
    boolean[] states = new boolean[g + 1];
    states[0] = true;
    closeStars(glob, states);
    for (int p = 0; p < prefix.length(); p++) {
      char c = prefix.charAt(p);
      boolean[] next = new boolean[g + 1];
      boolean any = false;
      for (int i = 0; i <= g; i++) {
        if (!states[i]) {
          continue;
        }
        if (i < g) {
          char gc = glob.charAt(i);
          if (gc == '*') {
            next[i] = true;
            any = true;
          } else if (gc == '?' || sameIgnoringCase(gc, c)) {
            next[i + 1] = true;
            any = true;
          }
        }
      }
      if (!any) {
        return false;
      }
      closeStars(glob, next);
      states = next;
    }
    for (boolean s : states) {
      if (s) {
        return true; // the rest of the glob can always be satisfied by some suffix
      }
    }
    return false;
  }

  /** Like {@code Pattern.CASE_INSENSITIVE | UNICODE_CASE}: upper- or lower-case forms equal. */
  private static boolean sameIgnoringCase(char a, char b) {
    return a == b || Character.toUpperCase(a) == Character.toUpperCase(b)
        || Character.toLowerCase(a) == Character.toLowerCase(b);
  }

  /** A {@code *} may match the empty string: a state before it also stands after it. */
  private static void closeStars(String glob, boolean[] states) {
    for (int i = 0; i < glob.length(); i++) {
      if (states[i] && glob.charAt(i) == '*') {
        states[i + 1] = true;
      }
    }
  }
}
