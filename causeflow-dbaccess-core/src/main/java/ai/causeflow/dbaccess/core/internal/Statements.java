package ai.causeflow.dbaccess.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Statement helpers shared by backends: literal redaction and fingerprints. Stateless. */
public final class Statements {
  private Statements() {}

  /**
   * Replaces quoted strings ({@code '...'}, {@code "..."} are kept as identifiers) and numeric
   * literals with {@code ?}, and folds runs of white space. Generic: a backend with a real lexer
   * does better. Unterminated quotes swallow the rest of the text (fail closed: nothing leaks).
   */
  public static String redactLiterals(String s) {
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

  /** A short, stable fingerprint of (already redacted) statement text: 16 hex digits of SHA-256. */
  public static String fingerprint(String redacted) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest(redacted.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
