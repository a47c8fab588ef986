package ai.causeflow.dbaccess.core.config;

/**
 * The {@code audit} block.
 *
 * <p>Thread-safety: immutable value.
 *
 * @param enabled default true
 * @param level {@code info} (every request) or {@code warn} (refusals and failures only)
 * @param output {@code stdout}, {@code stderr} or a file path
 */
public record AuditConfig(boolean enabled, String level, String output) {
  public static final AuditConfig DEFAULTS = new AuditConfig(true, "info", "stdout");
}
