package ai.causeflow.dbaccess.core.masking.internal;

/**
 * A detector of numbers written with digits and separators (cards, CPF, CNPJ, phones, SSNs,
 * IPv4). The scanner finds each numeric run once, and asks number detectors only when the run has
 * at least {@link #minDigits()} digits.
 */
public abstract non-sealed class NumberDetector extends Detector {
  NumberDetector(String name) {
    super(name);
  }

  /** Fewest digits any match has. */
  abstract int minDigits();

  /**
   * The end of a match that starts exactly at {@code from} (a digit, {@code +} or {@code (}) and
   * lies within {@code end}, or -1. The scanner checks the boundaries around the match.
   */
  abstract int match(CharSequence s, int from, int end);
}
