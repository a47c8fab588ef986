package ai.causeflow.dbaccess.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code masking} block.
 *
 * <p>Thread-safety: immutable value; the tokenization key prints as {@code ****}.
 *
 * @param enabled default true
 * @param detectors detector name → on/off; names missing here take their default
 * @param strategies (ext) detector name → strategy ({@code redact}, {@code partial},
 *     {@code tokenize}, {@code drop}); default {@code redact}
 * @param patterns custom patterns, added to the detectors
 * @param columns whole-value rules by column or JSON key name
 * @param tokenizationKey HMAC key; required when any strategy or action is {@code tokenize}
 */
public record MaskingConfig(
    boolean enabled,
    Map<String, Boolean> detectors,
    Map<String, String> strategies,
    List<Pattern> patterns,
    List<ColumnRule> columns,
    @Nullable Secret tokenizationKey) {

  /** Every built-in detector name. */
  public static final List<String> DETECTORS = List.of("email", "credit_card", "cpf", "cnpj",
      "phone", "bearer_token", "jwt", "aws_access_key", "iban", "us_ssn", "url_credentials",
      "private_key", "secret_assignment", "ipv4", "ipv6");

  /** Detectors that are off unless switched on (IPs are evidence in incidents). */
  public static final Set<String> OFF_BY_DEFAULT = Set.of("ipv4", "ipv6");

  /** Strategies and column actions. */
  public static final List<String> STRATEGIES = List.of("redact", "partial", "tokenize", "drop");

  public static final MaskingConfig DEFAULTS =
      new MaskingConfig(true, Map.of(), Map.of(), List.of(), List.of(), null);

  public MaskingConfig {
    detectors = Map.copyOf(detectors);
    strategies = Map.copyOf(strategies);
    patterns = List.copyOf(patterns);
    columns = List.copyOf(columns);
  }

  /** Whether a built-in detector is on, taking defaults into account. */
  public boolean detectorEnabled(String name) {
    Boolean v = detectors.get(name);
    return v != null ? v : !OFF_BY_DEFAULT.contains(name);
  }

  /** The strategy of a detector, default {@code redact}. */
  public String strategyOf(String detector) {
    return strategies.getOrDefault(detector, "redact");
  }

  /** A custom pattern: {@code {name, regex, replacement}}; replacement default {@code ***}. */
  public record Pattern(String name, String regex, String replacement) {}

  /** A column/key rule: glob {@code match} and an {@code action} (a strategy name). */
  public record ColumnRule(String match, String action) {}
}
