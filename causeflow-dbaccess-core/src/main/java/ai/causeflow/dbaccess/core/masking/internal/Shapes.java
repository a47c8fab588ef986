package ai.causeflow.dbaccess.core.masking.internal;

/** Helpers that build masked shapes and canonical forms. */
final class Shapes {
  private Shapes() {}

  /** Appends the range with every digit but the last {@code keep} replaced by {@code *}. */
  static void keepLastDigits(CharSequence s, int start, int end, int keep, StringBuilder out) {
    int digits = 0;
    for (int i = start; i < end; i++) {
      if (Chars.digit(s.charAt(i))) {
        digits++;
      }
    }
    int hide = digits > keep ? digits - keep : digits;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (Chars.digit(c) && hide > 0) {
        out.append('*');
        hide--;
      } else {
        out.append(c);
      }
    }
  }

  /** Appends the range with letters and digits after {@code skip} and before the last {@code keep} starred. */
  static void keepEnds(CharSequence s, int start, int end, int skip, int keep, StringBuilder out) {
    int alnum = 0;
    for (int i = start; i < end; i++) {
      if (Chars.alnum(s.charAt(i))) {
        alnum++;
      }
    }
    int seen = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (Chars.alnum(c)) {
        boolean show = seen < skip || (alnum > skip + keep && seen >= alnum - keep);
        out.append(show ? c : '*');
        seen++;
      } else {
        out.append(c);
      }
    }
  }

  static String digitsOnly(CharSequence s, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (Chars.digit(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  static String raw(CharSequence s, int start, int end) {
    return s.subSequence(start, end).toString();
  }

  /**
   * Whether {@code s} holds {@code shape} at {@code from}: {@code #} is a digit, every other
   * character is itself.
   */
  static boolean fits(CharSequence s, int from, int end, String shape) {
    if (from + shape.length() > end) {
      return false;
    }
    for (int k = 0; k < shape.length(); k++) {
      char want = shape.charAt(k);
      char c = s.charAt(from + k);
      if (want == '#' ? !Chars.digit(c) : c != want) {
        return false;
      }
    }
    return true;
  }

  /** Value of the {@code n} digits at {@code from}. */
  static int number(CharSequence s, int from, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      v = v * 10 + (s.charAt(from + k) - '0');
    }
    return v;
  }
}
