package ai.causeflow.dbaccess.core.masking.internal;

/**
 * A view of a string that counts the characters a regular expression reads and stops the match
 * once a budget is spent. This bounds catastrophic backtracking in user-supplied patterns: the
 * JDK's regex engine reads its input only through {@link #charAt}.
 *
 * <p>Thread-safety: not thread-safe; one instance per match.
 */
final class BudgetedSequence implements CharSequence {
  /** Thrown when the budget is spent; preallocated and without a stack trace (it is control flow). */
  static final class Exhausted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Exhausted INSTANCE = new Exhausted();

    private Exhausted() {
      super("regex step budget exhausted", null, false, false);
    }
  }

  private final String text;
  private long remaining;

  BudgetedSequence(String text, long budget) {
    this.text = text;
    this.remaining = budget;
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public char charAt(int index) {
    if (--remaining < 0) {
      throw Exhausted.INSTANCE;
    }
    return text.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
