package ai.causeflow.dbaccess.core.masking.internal;

import ai.causeflow.dbaccess.core.masking.MaskingStats;
import ai.causeflow.dbaccess.core.masking.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one-pass scan of a string over the enabled built-in detectors.
 *
 * <p>Each character is looked at once. Digits, {@code +} and {@code (} open a numeric run (digits
 * with one- or two-character separators); number detectors see the run only when it is long
 * enough, and only at positions that begin a number (not inside a word such as a hex id, not in
 * the middle of a dotted or dashed number). Other detectors are called only at their trigger
 * characters. A string with nothing to mask is returned as is, with no allocation.
 *
 * <p>Thread-safety: immutable after construction.
 */
public final class Scanner {
  /** Returned by {@link #scan} when a {@code drop} detector matched a value. */
  public static final Object DROPPED = new Object() {
    @Override
    public String toString() {
      return "DROPPED";
    }
  };

  private static final long NONE = -1L;
  private static final int MAX_LENGTH = (1 << 29) - 1;
  /** Characters between two looks at the request's stop signal inside one value. */
  private static final int CHECK_CHARS = 16_384;

  private final Detector[] detectors;
  private final Strategy[] strategies;
  /** Per ASCII character: 1 opens a numeric run, 2 triggers a text detector. */
  private final byte[] kind = new byte[128];
  private final int[][] byChar = new int[128][];
  /** Per detector, per position after its trigger: the characters allowed there. */
  private final boolean[][][] followers;
  private final int[] numbers;
  private final int minDigits;
  private final int minDigitsUnsigned;
  private final @Nullable Tokenizer tokenizer;
  /** The index of secret_assignment among the detectors, or -1 when it is off. */
  private final int secretRule;

  /**
   * @param enabled detectors in priority order with their strategies
   * @param tokenizer required when any strategy is {@link Strategy#TOKENIZE}
   */
  public Scanner(Map<Detector, Strategy> enabled, @Nullable Tokenizer tokenizer) {
    this.detectors = enabled.keySet().toArray(Detector[]::new);
    this.strategies = enabled.values().toArray(Strategy[]::new);
    this.tokenizer = tokenizer;
    if (detectors.length > 31) {
      throw new IllegalArgumentException("at most 31 detectors fit a packed hit");
    }
    int secret = -1;
    for (int r = 0; r < detectors.length; r++) {
      if (detectors[r] instanceof Detectors.SecretAssignment) {
        secret = r;
      }
    }
    this.secretRule = secret;
    List<Integer> nums = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    int minUnsigned = Integer.MAX_VALUE;
    this.followers = new boolean[detectors.length][][];
    for (int r = 0; r < detectors.length; r++) {
      if (strategies[r] == Strategy.TOKENIZE && tokenizer == null) {
        throw new IllegalArgumentException("detector '" + detectors[r].name()
            + "' tokenizes but no tokenization key is set");
      }
      if (detectors[r] instanceof NumberDetector nd) {
        nums.add(r);
        min = Math.min(min, nd.minDigits());
        minUnsigned = Math.min(minUnsigned, nd.minDigitsWithoutPlus());
      } else {
        TextDetector td = (TextDetector) detectors[r];
        String[] after = td.followers();
        followers[r] = new boolean[after.length][128];
        for (int k = 0; k < after.length; k++) {
          for (char c : after[k].toCharArray()) {
            followers[r][k][c] = true;
          }
        }
        for (char c : td.triggers().toCharArray()) {
          kind[c] |= 2;
          int[] old = byChar[c];
          int[] grown = old == null ? new int[1] : java.util.Arrays.copyOf(old, old.length + 1);
          grown[grown.length - 1] = r;
          byChar[c] = grown;
        }
      }
    }
    this.numbers = nums.stream().mapToInt(Integer::intValue).toArray();
    this.minDigits = min;
    this.minDigitsUnsigned = minUnsigned;
    if (numbers.length > 0) {
      for (char c = '0'; c <= '9'; c++) {
        kind[c] |= 1;
      }
      kind['+'] |= 1;
      kind['('] |= 1;
    }
  }

  /**
   * Masks {@code s}. Returns {@code s} itself when nothing matched, a new string, or
   * {@link #DROPPED} when a {@code drop} detector matched and {@code text} is false. In text mode
   * (free text such as audit statements) {@code drop} redacts instead.
   */
  public Object scan(String s, MaskingStats stats, boolean text) {
    int n = s.length();
    if (n > MAX_LENGTH) {
      // positions are packed in 29 bits; a 512-million-character value is masked whole
      stats.applied("max_length");
      return CustomPattern.WHOLE_VALUE_MASK;
    }
    stats.work(1 + (n >>> 12)); // many small values add up; a large one is checked as it goes
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int checkAt = CHECK_CHARS;
    byte[] kinds = kind;
    // The numeric run last measured: a scan that resumes inside it after a match (cards back to
    // back, "4111 1111 1111 1111 4111 ...") reuses its end instead of measuring the rest again,
    // which would make a long run of numbers quadratic. runPos/runDigits count the digits left.
    int runEnd = -1;
    int runPos = -1;
    int runDigits = 0;
    while (i < n) {
      char c = s.charAt(i);
      int k;
      if (c >= 128 || (k = kinds[c]) == 0) {
        i++; // the common case: one load and two compares per character
        continue;
      }
      if (i >= checkAt) {
        // only where detectors work: a clean stretch costs one compare per character and no call
        stats.checkpoint();
        checkAt = i + CHECK_CHARS;
      }
      long hit = NONE;
      int next = i + 1;
      if ((k & 1) != 0) {
        if (Chars.digit(c) && Chars.wordBefore(s, i)) {
          // a digit inside a word (hex id, hash, identifier): no detector starts inside a word,
          // so skip to its end
          while (next < n && Chars.word(s.charAt(next))) {
            next++;
          }
          i = next;
          continue;
        }
        int end;
        int digits;
        if (i > runPos && i < runEnd && (Chars.digit(c) ? !continuation(s, i)
            : c == '(' && i + 1 < n && Chars.digit(s.charAt(i + 1)))) {
          // resuming inside the run measured before: the same end (a run's end depends only on
          // the characters around it), minus the digits already passed
          for (int q = runPos; q < i; q++) {
            if (Chars.digit(s.charAt(q))) {
              runDigits--;
            }
          }
          runPos = i;
          end = runEnd;
          digits = runDigits;
        } else {
          long run = numericRun(s, i, n);
          end = (int) run;
          digits = (int) (run >>> 32);
          runPos = i;
          runEnd = end;
          runDigits = digits;
        }
        if (end > i) {
          if (digits == end - i && end < n && Chars.word(s.charAt(end))) {
            // digits glued to letters (a hex id starting with digits, 200ms): a word, skip it
            next = end + 1;
            while (next < n && Chars.word(s.charAt(next))) {
              next++;
            }
            i = next;
            continue;
          }
          hit = numberAt(s, i, end, digits, stats);
          next = end;
        }
      }
      if (hit == NONE && (k & 2) != 0) {
        int[] rules = byChar[c];
        if (rules != null) {
          for (int r : rules) {
            if (!follows(s, i, n, followers[r])) {
              continue;
            }
            // secret_assignment triggers on common characters (= : _ -): a direct call to its
            // final class is inlined, where the shared virtual call site is megamorphic
            long span;
            if (r == secretRule) {
              if (!Detectors.SecretAssignment.candidate(s, i, c)) {
                continue;
              }
              span = Detectors.SecretAssignment.INSTANCE.find(s, i, copied);
            } else {
              span = ((TextDetector) detectors[r]).find(s, i, copied);
            }
            if (span != TextDetector.NONE) {
              hit = pack(r, TextDetector.start(span), TextDetector.end(span));
              break;
            }
          }
        }
      }
      if (hit == NONE) {
        i = next;
        continue;
      }
      int r = rule(hit);
      int start = start(hit);
      int end = end(hit);
      Detector d = detectors[r];
      stats.applied(d.name());
      if (strategies[r] == Strategy.DROP && !text) {
        return DROPPED;
      }
      if (out == null) {
        out = new StringBuilder(n + 16);
      }
      out.append(s, copied, start);
      apply(d, strategies[r], s, start, end, out);
      copied = end;
      i = Math.max(end, i + 1);
    }
    if (out == null) {
      return s;
    }
    return out.append(s, copied, n).toString();
  }

  /**
   * Whether a value held whole under {@code key} (a row column, a document key) must be checked
   * by {@link #scanUnderSecretKey}: secret_assignment is on and the key names a secret. A few
   * character compares on the key, nothing allocated.
   */
  public boolean namesSecret(String key) {
    return secretRule >= 0 && Detectors.SecretAssignment.namesSecret(key);
  }

  /**
   * Masks {@code value}, held under a key that {@link #namesSecret names a secret}, as the value
   * of a {@code key=value} assignment: the whole of it (after an {@code Authorization} scheme),
   * unless it is no secret (null-like, a placeholder, already masked, a Bearer token, a JWT or
   * PEM block that their own detectors mask). Returns {@code value} itself, a new string, or
   * {@link #DROPPED} as {@link #scan} does.
   */
  public Object scanUnderSecretKey(String key, String value, MaskingStats stats, boolean text) {
    int start = Detectors.SecretAssignment.valueStart(key, value);
    if (start < 0) {
      return value;
    }
    Detector d = detectors[secretRule];
    stats.applied(d.name());
    if (strategies[secretRule] == Strategy.DROP && !text) {
      return DROPPED;
    }
    StringBuilder out = new StringBuilder(start + 16).append(value, 0, start);
    apply(d, strategies[secretRule], value, start, value.length(), out);
    return out.toString();
  }

  private void apply(Detector d, Strategy st, CharSequence s, int start, int end,
      StringBuilder out) {
    switch (st) {
      case PARTIAL -> d.partial(s, start, end, out);
      case TOKENIZE -> out.append(tokenizer().token(d.name(), d.canonical(s, start, end)));
      default -> d.redact(s, start, end, out);
    }
  }

  private Tokenizer tokenizer() {
    Tokenizer t = tokenizer;
    if (t == null) {
      throw new IllegalStateException("no tokenization key"); // prevented by the constructor
    }
    return t;
  }

  private static boolean follows(String s, int i, int n, boolean[][] allowed) {
    for (int k = 0; k < allowed.length; k++) {
      int j = i + 1 + k;
      if (j >= n) {
        return false;
      }
      char c = s.charAt(j);
      if (c >= 128 || !allowed[k][c]) {
        return false;
      }
    }
    return true;
  }

  // ---- numeric runs

  private static boolean separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
  }

  /**
   * The numeric run opened at {@code i}: its end in the low 32 bits and its digit count in the
   * high ones. The end is {@code i} when no run starts here (mid-word digit, a fraction's digits,
   * a lone {@code +} or {@code (}).
   */
  private static long numericRun(String s, int i, int n) {
    char c = s.charAt(i);
    if (c == '+' || c == '(') {
      if (i + 1 >= n || !Chars.digit(s.charAt(i + 1)) || (c == '+' && Chars.wordBefore(s, i))) {
        return i;
      }
    } else if (Chars.wordBefore(s, i) || continuation(s, i)) {
      return i;
    }
    int digits = Chars.digit(c) ? 1 : 0;
    int j = i + 1;
    while (j < n) {
      char d = s.charAt(j);
      if (Chars.digit(d)) {
        digits++;
        j++;
        continue;
      }
      if (!separator(d)) {
        break;
      }
      int k = j + 1;
      if (k < n && separator(s.charAt(k))) {
        k++;
      }
      if (k < n && Chars.digit(s.charAt(k))) {
        j = k;
      } else if (k + 1 < n && s.charAt(k) == '(' && Chars.digit(s.charAt(k + 1))) {
        j = k;
      } else {
        break;
      }
    }
    return ((long) digits << 32) | j;
  }

  /**
   * Whether {@code i} continues a number: after {@code .}, {@code -} or {@code /} that follows a
   * digit, or after a decimal comma ({@code 0,4736...}, {@code 1,234}). A comma after 4 or more
   * digits separates a list ({@code 52998224725,11144477735}, array literals) instead.
   */
  private static boolean continuation(CharSequence s, int i) {
    if (i < 2) {
      return false;
    }
    char p = s.charAt(i - 1);
    if (!Chars.digit(s.charAt(i - 2))) {
      return false;
    }
    if (p == ',') {
      int run = 0;
      for (int k = i - 2; k >= 0 && Chars.digit(s.charAt(k)) && run < 4; k--) {
        run++;
      }
      return run < 4;
    }
    return p == '.' || p == '-' || p == '/';
  }

  private long numberAt(String s, int from, int end, int digits, MaskingStats stats) {
    if (digits < (s.charAt(from) == '+' ? minDigits : minDigitsUnsigned)) {
      return NONE;
    }
    int p = from;
    int checkAt = from + CHECK_CHARS;
    while (p < end) {
      if (p >= checkAt) {
        stats.checkpoint(); // one run can be the whole value ("1 1 1 ..." of megabytes)
        checkAt = p + CHECK_CHARS;
      }
      if (p == from || !continuation(s, p)) {
        for (int r : numbers) {
          int e = ((NumberDetector) detectors[r]).match(s, p, end);
          if (e > p && cleanEnd(s, e)) {
            return pack(r, p, e);
          }
        }
      }
      p = nextStart(s, p, end);
    }
    return NONE;
  }

  /** The next position inside the run where a number can begin: a digit after a non-digit, or {@code (}. */
  private static int nextStart(CharSequence s, int p, int end) {
    for (int q = p + 1; q < end; q++) {
      char c = s.charAt(q);
      if (c == '(') {
        return q;
      }
      char prev = s.charAt(q - 1);
      if (Chars.digit(c) && !Chars.digit(prev)) {
        return q;
      }
    }
    return end;
  }

  /** A match must not run into a word, an e-mail, or the rest of a dotted, dashed or decimal number. */
  private static boolean cleanEnd(CharSequence s, int e) {
    if (e >= s.length()) {
      return true;
    }
    char c = s.charAt(e);
    if (Chars.word(c) || c == '@') {
      return false;
    }
    if (c == ',') {
      // a decimal comma takes 1-3 digits (12345678909,50); a longer run is the next list item
      int run = Chars.digitRun(s, e + 1, s.length());
      return run == 0 || run >= 4;
    }
    return !((c == '.' || c == '-' || c == '/') && Chars.digitAt(s, e + 1));
  }

  // ---- packed hits: rule index (5 bits), start and end (29 bits each)

  private static long pack(int rule, int start, int end) {
    return ((long) rule << 58) | ((long) start << 29) | end;
  }

  private static int rule(long hit) {
    return (int) (hit >>> 58);
  }

  private static int start(long hit) {
    return (int) ((hit >>> 29) & MAX_LENGTH);
  }

  private static int end(long hit) {
    return (int) (hit & MAX_LENGTH);
  }
}
