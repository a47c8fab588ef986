package ai.causeflow.dbaccess.core.masking.internal;

/** Character-class helpers shared by the detectors; all ASCII-only on purpose (fast, predictable). */
final class Chars {
  private Chars() {}

  static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  static boolean letter(char c) {
    return upper(c) || lower(c);
  }

  static boolean alnum(char c) {
    return digit(c) || letter(c);
  }

  /** Letters, digits and underscore, plus any non-ASCII letter: a token continues through them. */
  static boolean word(char c) {
    return alnum(c) || c == '_' || (c >= 128 && Character.isLetterOrDigit(c));
  }

  static boolean hex(char c) {
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static boolean base64Url(char c) {
    return alnum(c) || c == '-' || c == '_';
  }

  static int digitRun(CharSequence s, int from, int end) {
    int j = from;
    while (j < end && digit(s.charAt(j))) {
      j++;
    }
    return j - from;
  }

  static boolean at(CharSequence s, int i, char c) {
    return i >= 0 && i < s.length() && s.charAt(i) == c;
  }

  static boolean digitAt(CharSequence s, int i) {
    return i >= 0 && i < s.length() && digit(s.charAt(i));
  }

  /** Whether {@code s} holds {@code lit} at {@code i} (exact case). */
  static boolean startsWith(CharSequence s, int i, String lit) {
    if (i < 0 || i + lit.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < lit.length(); k++) {
      if (s.charAt(i + k) != lit.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} holds {@code lowerLit} at {@code i}, ignoring ASCII case. */
  static boolean startsWithIgnoreCase(CharSequence s, int i, String lowerLit) {
    if (i < 0 || i + lowerLit.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < lowerLit.length(); k++) {
      char c = s.charAt(i + k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != lowerLit.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the token before {@code i} ends in a word character (so {@code i} is mid-token). */
  static boolean wordBefore(CharSequence s, int i) {
    return i > 0 && word(s.charAt(i - 1));
  }

  static boolean wordAt(CharSequence s, int i) {
    return i < s.length() && word(s.charAt(i));
  }
}
