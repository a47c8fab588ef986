package ai.causeflow.dbaccess.core.masking.internal;

/**
 * One kind of sensitive value: finds it and knows its masked shapes. Built-in detectors come from
 * {@link Detectors}; the scanner calls them only at their trigger characters (text detectors) or
 * on runs of digits long enough to matter (number detectors), so a clean value costs one pass.
 *
 * <p>Thread-safety: immutable and stateless.
 */
public abstract sealed class Detector permits TextDetector, NumberDetector {
  private final String name;

  Detector(String name) {
    this.name = name;
  }

  /** The name used in configuration and in the per-name counts. */
  public final String name() {
    return name;
  }

  /** Appends the fixed, CauseFlow-compatible mask for {@code s[start, end)}. */
  abstract void redact(CharSequence s, int start, int end, StringBuilder out);

  /**
   * Appends a mask that keeps a little context (the last four digits by default). Detectors of
   * secrets override it to redact fully: part of a secret is still a secret.
   */
  void partial(CharSequence s, int start, int end, StringBuilder out) {
    Shapes.keepLastDigits(s, start, end, 4, out);
  }

  /** The canonical form that is tokenized, so that spellings of one value share a token. */
  String canonical(CharSequence s, int start, int end) {
    return Shapes.digitsOnly(s, start, end);
  }

  @Override
  public String toString() {
    return name;
  }
}
