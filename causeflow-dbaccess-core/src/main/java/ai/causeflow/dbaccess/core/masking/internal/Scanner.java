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

  private final Detector[] detectors;
  private final Strategy[] strategies;
  private final int[][] byChar = new int[128][];
  private final int[] numbers;
  private final int minDigits;
  private final @Nullable Tokenizer tokenizer;

  /**
   * @param enabled detectors in priority order with their strategies
   * @param tokenizer required when any strategy is {@link Strategy#TOKENIZE}
   */
  public Scanner(Map<Detector, Strategy> enabled, @Nullable Tokenizer tokenizer) {
    this.detectors = enabled.keySet().toArray(Detector[]::new);
    this.strategies = enabled.values().toArray(Strategy[]::new);
    this.tokenizer = tokenizer;
    List<Integer> nums = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    for (int r = 0; r < detectors.length; r++) {
      if (strategies[r] == Strategy.TOKENIZE && tokenizer == null) {
        throw new IllegalArgumentException("detector '" + detectors[r].name()
            + "' tokenizes but no tokenization key is set");
      }
      if (detectors[r] instanceof NumberDetector nd) {
        nums.add(r);
        min = Math.min(min, nd.minDigits());
      } else {
        for (char c : ((TextDetector) detectors[r]).triggers().toCharArray()) {
          int[] old = byChar[c];
          int[] grown = old == null ? new int[1] : java.util.Arrays.copyOf(old, old.length + 1);
          grown[grown.length - 1] = r;
          byChar[c] = grown;
        }
      }
    }
    this.numbers = nums.stream().mapToInt(Integer::intValue).toArray();
    this.minDigits = min;
  }

  /** Whether any detector is enabled. */
  public boolean active() {
    return detectors.length > 0;
  }

  /**
   * Masks {@code s}. Returns {@code s} itself when nothing matched, a new string, or
   * {@link #DROPPED} when a {@code drop} detector matched and {@code text} is false. In text mode
   * (free text such as audit statements) {@code drop} redacts instead.
   */
  public Object scan(String s, MaskingStats stats, boolean text) {
    int n = s.length();
    if (n > MAX_LENGTH) {
      stats.applied("max_length");
      return CustomPattern.WHOLE_VALUE_MASK;
    }
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    boolean nums = numbers.length > 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 128) {
        i++;
        continue;
      }
      long hit = NONE;
      int next = i + 1;
      if (nums && (Chars.digit(c) || c == '+' || c == '(')) {
        int end = candidateEnd(s, i, n);
        if (end > i) {
          hit = numberAt(s, i, end);
          next = end;
        }
      }
      if (hit == NONE) {
        int[] rules = byChar[c];
        if (rules != null) {
          for (int r : rules) {
            long span = ((TextDetector) detectors[r]).find(s, i, copied);
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

  // ---- numeric runs

  private static boolean separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
  }

  /**
   * End of the numeric run opened at {@code i}, or {@code i} when no run starts here (mid-word
   * digit, a fraction's digits, a lone {@code +} or {@code (}).
   */
  private static int candidateEnd(String s, int i, int n) {
    char c = s.charAt(i);
    if (c == '+' || c == '(') {
      if (i + 1 >= n || !Chars.digit(s.charAt(i + 1)) || (c == '+' && Chars.wordBefore(s, i))) {
        return i;
      }
    } else if (Chars.wordBefore(s, i) || continuation(s, i)) {
      return i;
    }
    int j = i + 1;
    while (j < n) {
      char d = s.charAt(j);
      if (Chars.digit(d)) {
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
    return j;
  }

  /** Whether {@code i} continues a number: after {@code .}, {@code ,}, {@code -} or {@code /} that follows a digit. */
  private static boolean continuation(CharSequence s, int i) {
    if (i < 2) {
      return false;
    }
    char p = s.charAt(i - 1);
    return (p == '.' || p == ',' || p == '-' || p == '/') && Chars.digit(s.charAt(i - 2));
  }

  private long numberAt(String s, int from, int end) {
    int digits = 0;
    for (int k = from; k < end; k++) {
      if (Chars.digit(s.charAt(k))) {
        digits++;
      }
    }
    if (digits < minDigits) {
      return NONE;
    }
    int p = from;
    while (p < end) {
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
      if (Chars.digit(c) && !Chars.digit(prev) && prev != '(') {
        return q;
      }
    }
    return end;
  }

  /** A match must not run into a word, an e-mail, or the rest of a dotted or dashed number. */
  private static boolean cleanEnd(CharSequence s, int e) {
    if (e >= s.length()) {
      return true;
    }
    char c = s.charAt(e);
    if (Chars.word(c) || c == '@') {
      return false;
    }
    return !((c == '.' || c == ',' || c == '-' || c == '/') && Chars.digitAt(s, e + 1));
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
