package ai.causeflow.dbaccess.core.masking;

import java.util.Locale;

/**
 * How a detected value or a value matched by a column rule is masked.
 *
 * <pre>{@code
 * Masking m = Masking.builder().strategy("email", Strategy.TOKENIZE).tokenizationKey(key).build();
 * }</pre>
 *
 * <p>Thread-safety: immutable enum.
 */
public enum Strategy {
  /** A fixed shape that keeps the kind visible: {@code ***@***.***}, {@code ****-****-****-****}. */
  REDACT,
  /** Keeps a little context: the last four digits, the e-mail domain. Secrets are fully redacted. */
  PARTIAL,
  /**
   * A stable pseudonym, {@code email:7f3a9c21}: HMAC-SHA256 of the value with the configured key,
   * so the same value gives the same token across rows, tables, requests and relay instances.
   */
  TOKENIZE,
  /** The field (row column, map key or list element) is removed. In free text: redacted. */
  DROP;

  /** The configuration spelling ({@code redact}, {@code partial}, {@code tokenize}, {@code drop}). */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configuration spelling.
   *
   * @throws ai.causeflow.dbaccess.core.DbAccessException ({@code CONFIG_INVALID}) for any other
   */
  public static Strategy of(String name) {
    for (Strategy s : values()) {
      if (s.configName().equals(name)) {
        return s;
      }
    }
    throw new ai.causeflow.dbaccess.core.DbAccessException(
        ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "unknown strategy '" + name
        + "' (allowed: redact, partial, tokenize, drop)");
  }
}
