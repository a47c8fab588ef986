package ai.causeflow.dbaccess.core.masking.internal;

/**
 * A detector anchored on a character that every match contains ({@code @}, {@code J} of
 * {@code eyJ}, {@code B} of {@code Bearer}...). The scanner calls {@link #find} only at those.
 */
public abstract non-sealed class TextDetector extends Detector {
  /** Returned by {@link #find} when nothing matches. */
  static final long NONE = -1L;

  TextDetector(String name) {
    super(name);
  }

  /** The ASCII characters at which {@link #find} is called. */
  abstract String triggers();

  /**
   * The match around the trigger at {@code at}, as {@link #span(int, int)}, or {@link #NONE}. A
   * match never starts before {@code floor} (text before it is already masked or emitted).
   */
  abstract long find(CharSequence s, int at, int floor);

  static long span(int start, int end) {
    return ((long) start << 32) | (end & 0xffffffffL);
  }

  static int start(long span) {
    return (int) (span >>> 32);
  }

  static int end(long span) {
    return (int) span;
  }
}
