package ai.causeflow.dbaccess.core.masking.internal;

/**
 * Check-digit algorithms over the digits of a character range (separators are skipped). Used by
 * the detectors so that numbers that merely look like a card, CPF, CNPJ or IBAN are left alone.
 *
 * <p>Thread-safety: stateless.
 */
public final class Checksums {
  private Checksums() {}

  /** Luhn (mod 10) over the digits of {@code s}; false when there are none. */
  public static boolean luhn(CharSequence s) {
    return luhn(s, 0, s.length());
  }

  static boolean luhn(CharSequence s, int from, int end) {
    int sum = 0;
    boolean dbl = false;
    int digits = 0;
    for (int i = end - 1; i >= from; i--) {
      char c = s.charAt(i);
      if (!Chars.digit(c)) {
        continue;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
      digits++;
    }
    return digits > 0 && sum % 10 == 0;
  }

  /** Brazilian CPF: 11 digits, two mod-11 check digits; all-equal digits are invalid. */
  public static boolean cpf(CharSequence s) {
    return cpf(s, 0, s.length());
  }

  private static final int[] CPF_W1 = {10, 9, 8, 7, 6, 5, 4, 3, 2};
  private static final int[] CPF_W2 = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};

  static boolean cpf(CharSequence s, int from, int end) {
    return mod11(s, from, end, CPF_W1, CPF_W2);
  }

  /** Brazilian CNPJ: 14 digits, two mod-11 check digits; all-equal digits are invalid. */
  public static boolean cnpj(CharSequence s) {
    return cnpj(s, 0, s.length());
  }

  private static final int[] CNPJ_W1 = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
  private static final int[] CNPJ_W2 = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};

  static boolean cnpj(CharSequence s, int from, int end) {
    return mod11(s, from, end, CNPJ_W1, CNPJ_W2);
  }

  /**
   * The CPF/CNPJ rule: the digits of {@code s} (other characters skipped) number
   * {@code w2.length + 1}, not all equal, and the last two are the mod-11 check digits over the
   * digits before each with weights {@code w1} and {@code w2}. A check digit is
   * {@code 11 - sum % 11}, or 0 when that is 10 or 11.
   */
  private static boolean mod11(CharSequence s, int from, int end, int[] w1, int[] w2) {
    int len = w2.length + 1;
    int n = 0;
    int sum1 = 0;
    int sum2 = 0;
    int check1 = 0;
    int check2 = 0;
    int first = -1;
    boolean allEqual = true;
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      if (!Chars.digit(c)) {
        continue;
      }
      int d = c - '0';
      if (n == len) {
        return false;
      }
      if (first < 0) {
        first = d;
      } else if (d != first) {
        allEqual = false;
      }
      if (n < w1.length) {
        sum1 += d * w1[n];
      } else if (n == w1.length) {
        check1 = d;
      }
      if (n < w2.length) {
        sum2 += d * w2[n];
      } else {
        check2 = d;
      }
      n++;
    }
    return n == len && !allEqual && check1 == checkDigit(sum1) && check2 == checkDigit(sum2);
  }

  private static int checkDigit(int sum) {
    int r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  }

  /**
   * IBAN mod-97 over letters and digits of {@code s} (spaces skipped): country code, two check
   * digits, 11 to 30 alphanumerics; valid when the rearranged number mod 97 is 1.
   */
  public static boolean iban(CharSequence s) {
    return iban(s, 0, s.length());
  }

  static boolean iban(CharSequence s, int from, int end) {
    int n = 0;
    int rem = 0;
    int head = 0; // the first four characters move to the end
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        continue;
      }
      int v;
      if (Chars.digit(c)) {
        v = c - '0';
      } else if (Chars.upper(c)) {
        v = c - 'A' + 10;
      } else {
        return false;
      }
      if (n < 2 && !Chars.upper(c) || n >= 2 && n < 4 && !Chars.digit(c)) {
        return false;
      }
      if (n < 4) {
        head++;
      } else {
        rem = append(rem, v);
      }
      n++;
    }
    if (n < 15 || n > 34 || head != 4) {
      return false;
    }
    // country letters give two digits each and the check digits one each: 6 digits in all
    return (int) (((long) rem * 1_000_000L + headValue(s, from, end)) % 97) == 1;
  }

  private static int append(int rem, int v) {
    return v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }

  private static long headValue(CharSequence s, int from, int end) {
    long v = 0;
    int n = 0;
    for (int i = from; i < end && n < 4; i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        continue;
      }
      v = Chars.digit(c) ? v * 10 + (c - '0') : v * 100 + (c - 'A' + 10);
      n++;
    }
    return v;
  }
}
