package ai.causeflow.dbaccess.core.masking.internal;

import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user-supplied pattern from {@code masking.patterns}: every match is replaced by a literal
 * replacement. Work per value is bounded: a value longer than the length cap, or a match that
 * reads more characters than the step budget ({@code stepsPerChar} per input character plus a
 * base), masks the whole value (fail closed).
 *
 * <p>Thread-safety: immutable; matchers are created per value.
 */
public final class CustomPattern {
  /** What a whole value becomes when its scan was cut short. */
  public static final String WHOLE_VALUE_MASK = "***";
  private static final long BASE_BUDGET = 10_000;

  private final String name;
  private final Pattern pattern;
  private final String replacement;
  private final int maxLength;
  private final long stepsPerChar;

  public CustomPattern(String name, String regex, String replacement, int maxLength,
      long stepsPerChar) {
    this.name = Objects.requireNonNull(name, "name");
    try {
      this.pattern = Pattern.compile(Objects.requireNonNull(regex, "regex"));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pattern '" + name
          + "' is not a valid regular expression (" + e.getDescription() + ")");
    }
    this.replacement = Objects.requireNonNull(replacement, "replacement");
    this.maxLength = maxLength;
    this.stepsPerChar = stepsPerChar;
  }

  public String name() {
    return name;
  }

  /** {@code s} itself when nothing matched, otherwise the masked text; counts hits in stats. */
  public String apply(String s, MaskingStats stats) {
    if (s.length() > maxLength) {
      stats.applied(name);
      return WHOLE_VALUE_MASK;
    }
    BudgetedSequence seq = new BudgetedSequence(s, BASE_BUDGET + stepsPerChar * s.length());
    Matcher m = pattern.matcher(seq);
    StringBuilder out = null;
    int copied = 0;
    int hits = 0;
    try {
      while (m.find()) {
        if (m.end() == m.start()) {
          continue; // an empty match hides nothing
        }
        if (out == null) {
          out = new StringBuilder(s.length() + 16);
        }
        out.append(s, copied, m.start()).append(replacement);
        copied = m.end();
        hits++;
      }
    } catch (BudgetedSequence.Exhausted e) {
      stats.applied(name);
      return WHOLE_VALUE_MASK;
    } catch (StackOverflowError e) {
      // deeply recursive patterns on long input: same rule, fail closed
      stats.applied(name);
      return WHOLE_VALUE_MASK;
    }
    if (out == null) {
      return s;
    }
    stats.applied(name, hits);
    return out.append(s, copied, s.length()).toString();
  }

  @Override
  public String toString() {
    return "CustomPattern[" + name + "]";
  }
}
