package ai.causeflow.dbaccess.core.masking;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.MaskingConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.core.internal.Glob;
import ai.causeflow.dbaccess.core.masking.internal.ColumnRules;
import ai.causeflow.dbaccess.core.masking.internal.CustomPattern;
import ai.causeflow.dbaccess.core.masking.internal.Detector;
import ai.causeflow.dbaccess.core.masking.internal.Detectors;
import ai.causeflow.dbaccess.core.masking.internal.Scanner;
import ai.causeflow.dbaccess.core.masking.internal.Tokenizer;
import ai.causeflow.dbaccess.core.masking.internal.ValueMasker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The PII masking stage: built-in detectors that validate (Luhn, mod-11, mod-97), custom regex
 * patterns, whole-value rules by column or JSON key, and four strategies (redact, partial,
 * tokenize, drop). It reaches every value of a row: strings, numbers, nested maps and lists.
 * See {@code docs/masking.md} for the formats each detector recognises.
 *
 * <pre>{@code
 * MaskingStage masking = Masking.from(relayConfig.masking());   // from relay-config.yaml
 * MaskingStage custom = Masking.builder()
 *     .disable("phone")
 *     .enable("ipv4")
 *     .strategy("email", Strategy.TOKENIZE)
 *     .tokenizationKey(Secret.of(System.getenv("MASKING_KEY")))
 *     .pattern("employee-id", "EMP-\\d{6}", "EMP-******")
 *     .columnRule("*password*", Strategy.REDACT)
 *     .columnRule("*.ssn", Strategy.DROP)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe; every pattern is compiled at construction and one
 * instance serves all requests. Per-request counts go to the {@link MaskingStats} passed in.
 */
public final class Masking implements MaskingStage {
  private static final Masking DEFAULTS = builder().build();
  private static final Masking NONE = builder().enabled(false).build();

  private final boolean enabled;
  private final List<String> detectorNames;
  private final List<String> patternNames;
  private final int columnRuleCount;
  private final ValueMasker masker;

  private Masking(Builder b) {
    Tokenizer tokenizer = b.key == null ? null : new Tokenizer(b.key.reveal());
    Map<Detector, Strategy> enabledDetectors = new LinkedHashMap<>();
    for (String name : Detectors.NAMES) {
      // a disabled stage builds nothing, so an unused tokenize strategy needs no key
      boolean on = b.enabled
          && b.switches.getOrDefault(name, !MaskingConfig.OFF_BY_DEFAULT.contains(name));
      if (on) {
        enabledDetectors.put(Detectors.byName(name), b.strategies.getOrDefault(name,
            Strategy.REDACT));
      }
    }
    List<CustomPattern> patterns = new ArrayList<>();
    for (String[] p : b.patterns) {
      patterns.add(new CustomPattern(p[0], p[1], p[2], b.maxPatternInput, b.patternStepsPerChar));
    }
    List<ColumnRules.Rule> rules = new ArrayList<>();
    if (b.enabled) {
      b.columns.forEach((glob, action) -> rules.add(new ColumnRules.Rule(Glob.of(glob), action)));
    }
    this.enabled = b.enabled;
    this.detectorNames = enabledDetectors.keySet().stream().map(Detector::name).toList();
    this.patternNames = patterns.stream().map(CustomPattern::name).toList();
    this.columnRuleCount = rules.size();
    this.masker = new ValueMasker(new Scanner(enabledDetectors, tokenizer), patterns,
        new ColumnRules(rules), tokenizer);
  }

  /** All default detectors ({@code ipv4}/{@code ipv6} off), redact, no patterns or rules. */
  public static Masking defaults() {
    return DEFAULTS;
  }

  /**
   * Masking off: rows pass unchanged and results report {@code masked=false}, as does every
   * audit event. The explicit opt-out from the default of every data source.
   */
  public static Masking none() {
    return NONE;
  }

  /**
   * The stage described by a {@code masking:} configuration block.
   *
   * @throws ConfigException (code {@code CONFIG_INVALID}) naming the key when the block is
   *     inconsistent, e.g. {@code tokenize} without a key or an invalid pattern
   */
  public static Masking from(MaskingConfig config) {
    Objects.requireNonNull(config, "config");
    Builder b = builder().enabled(config.enabled());
    config.detectors().forEach((name, on) ->
        check("masking.detectors." + name, () -> b.detector(name, on)));
    config.strategies().forEach((name, st) -> check("masking.strategies." + name,
        () -> b.strategy(name, Strategy.of(st))));
    for (int i = 0; i < config.patterns().size(); i++) {
      MaskingConfig.Pattern p = config.patterns().get(i);
      check("masking.patterns[" + i + "]", () -> b.pattern(p.name(), p.regex(), p.replacement()));
    }
    for (int i = 0; i < config.columns().size(); i++) {
      MaskingConfig.ColumnRule c = config.columns().get(i);
      check("masking.columns[" + i + "]", () -> b.columnRule(c.match(), Strategy.of(c.action())));
    }
    if (config.tokenizationKey() != null) {
      b.tokenizationKey(config.tokenizationKey());
    }
    try {
      return b.build();
    } catch (DbAccessException e) {
      throw new ConfigException(e.getMessage().contains("tokeniz") ? "masking.tokenizationKey"
          : "masking", e.getMessage());
    }
  }

  private static void check(String path, Runnable r) {
    try {
      r.run();
    } catch (DbAccessException e) {
      throw new ConfigException(path, e.getMessage());
    }
  }

  /** Every builder error is the library's one coded exception ({@code CONFIG_INVALID}). */
  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean enabled() {
    return enabled;
  }

  @Override
  public Map<String, @Nullable Object> maskRow(List<Column> columns,
      Map<String, @Nullable Object> row, MaskingStats stats) {
    return enabled ? masker.maskRow(columns, row, stats) : row;
  }

  @Override
  public List<Column> visibleColumns(List<Column> columns) {
    return enabled ? masker.visibleColumns(columns) : columns;
  }

  @Override
  public String maskText(String text, MaskingStats stats) {
    return enabled ? masker.maskText(text, stats) : text;
  }

  /** Names of the enabled built-in detectors, in the order they are consulted. */
  public List<String> detectors() {
    return detectorNames;
  }

  @Override
  public String toString() {
    return "Masking[enabled=" + enabled + ", detectors=" + detectorNames + ", patterns="
        + patternNames + ", columnRules=" + columnRuleCount + "]";
  }

  /**
   * Builds a {@link Masking}. Starts from the defaults: every detector on except {@code ipv4} and
   * {@code ipv6}, strategy {@code redact}, no patterns, no column rules, no key.
   *
   * <p>Thread-safety: not thread-safe; build once and share the result.
   */
  public static final class Builder {
    private boolean enabled = true;
    private final Map<String, Boolean> switches = new LinkedHashMap<>();
    private final Map<String, Strategy> strategies = new LinkedHashMap<>();
    private final List<String[]> patterns = new ArrayList<>();
    private final Set<String> patternNames = new HashSet<>();
    private final Map<String, Strategy> columns = new LinkedHashMap<>();
    private @Nullable Secret key;
    private int maxPatternInput = 1 << 20;
    private long patternStepsPerChar = 200;

    private Builder() {}

    /** Masking on (default) or off; off reports {@code masked=false} and changes nothing. */
    public Builder enabled(boolean on) {
      this.enabled = on;
      return this;
    }

    /** Switches built-in detectors on by name. */
    public Builder enable(String... names) {
      for (String n : names) {
        detector(n, true);
      }
      return this;
    }

    /** Switches built-in detectors off by name. */
    public Builder disable(String... names) {
      for (String n : names) {
        detector(n, false);
      }
      return this;
    }

    /** Switches one built-in detector on or off. */
    public Builder detector(String name, boolean on) {
      known(name);
      switches.put(name, on);
      return this;
    }

    /** The strategy of one built-in detector (default {@code REDACT}). */
    public Builder strategy(String detector, Strategy strategy) {
      known(detector);
      strategies.put(detector, Objects.requireNonNull(strategy, "strategy"));
      return this;
    }

    /**
     * Adds a custom pattern; every match is replaced by the literal {@code replacement}. Patterns
     * add to the detectors and run after them, in the order added.
     */
    public Builder pattern(String name, String regex, String replacement) {
      Objects.requireNonNull(name, "name");
      if (Detectors.NAMES.contains(name) || !patternNames.add(name)) {
        throw invalid("duplicate pattern name '" + name
            + "' (also a detector or an earlier pattern)");
      }
      // compile now so that a bad pattern fails here, naming it
      try {
        new CustomPattern(name, regex, replacement, maxPatternInput, patternStepsPerChar);
      } catch (IllegalArgumentException e) {
        throw invalid(Objects.requireNonNullElse(e.getMessage(), "invalid pattern"));
      }
      patterns.add(new String[] {name, regex, replacement});
      return this;
    }

    /**
     * Adds a whole-value rule: a case-insensitive glob on the column name, on
     * {@code schema.table.column}, on a JSON key, or on a key path ({@code payload.customer.email}).
     * The first matching rule wins.
     */
    public Builder columnRule(String glob, Strategy action) {
      try {
        Glob.of(Objects.requireNonNull(glob, "glob"));
      } catch (IllegalArgumentException e) {
        throw invalid("column rule: " + e.getMessage());
      }
      columns.put(glob, Objects.requireNonNull(action, "action"));
      return this;
    }

    /** The HMAC-SHA256 key for {@code tokenize}; at least 16 characters. */
    public Builder tokenizationKey(Secret key) {
      Objects.requireNonNull(key, "key");
      if (key.reveal().length() < 16) {
        throw invalid("tokenization key must be at least 16 characters");
      }
      this.key = key;
      return this;
    }

    /**
     * Work bound for custom patterns: values longer than {@code maxInputChars} (default 1 MiB), or
     * whose match reads more than {@code stepsPerChar} (default 200) characters per input
     * character, are masked whole.
     */
    public Builder patternBudget(int maxInputChars, long stepsPerChar) {
      if (maxInputChars < 1 || stepsPerChar < 1) {
        throw invalid("pattern budget must be positive");
      }
      this.maxPatternInput = maxInputChars;
      this.patternStepsPerChar = stepsPerChar;
      return this;
    }

    public Masking build() {
      boolean tokenizes = columns.containsValue(Strategy.TOKENIZE)
          || strategies.entrySet().stream().anyMatch(e -> e.getValue() == Strategy.TOKENIZE
              && switches.getOrDefault(e.getKey(), !MaskingConfig.OFF_BY_DEFAULT.contains(e.getKey())));
      if (enabled && tokenizes && key == null) {
        throw invalid(
            "a tokenization key is required when any strategy or column action is tokenize");
      }
      try {
        return new Masking(this);
      } catch (IllegalArgumentException e) {
        throw invalid(Objects.requireNonNullElse(e.getMessage(), "invalid masking settings"));
      }
    }

    private static void known(String name) {
      if (!Detectors.NAMES.contains(name)) {
        throw invalid("unknown detector '" + name + "' (known: "
            + String.join(", ", Detectors.NAMES) + ")");
      }
    }
  }
}
