package ai.causeflow.dbaccess.core.audit;

import ai.causeflow.dbaccess.core.ErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One audited request. Holds names, counts, codes and a masked, literal-free statement text;
 * never a parameter value or a row value.
 *
 * <pre>{@code
 * AuditSink sink = event -> myLog.info("{} {} {}", event.requestId(), event.outcome(), event.reason());
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param time when the request ended, from the data source's {@link java.time.Clock}
 * @param requestId the request id (null only for a relay message too broken to carry one)
 * @param resourceId the resource (null when it could not be resolved)
 * @param operation the operation name (null when the request did not name a valid one)
 * @param outcome OK, REFUSED or FAILED
 * @param reason the error code when not OK
 * @param detail the data-free error message when not OK
 * @param rowCount rows returned
 * @param truncated whether the result was cut by a cap
 * @param maskedFieldCount values changed by masking
 * @param patternsApplied counts per detector/pattern/rule name
 * @param executionMs wall time of the request
 * @param statementFingerprint 16 hex digits identifying the redacted statement, or null
 * @param statement the statement with literals replaced and masking applied, or null
 * @param masked whether the data source's masking stage was on; {@code false} records an explicit
 *     opt-out ({@code Masking.none()})
 */
public record AuditEvent(
    Instant time,
    @Nullable String requestId,
    @Nullable String resourceId,
    @Nullable String operation,
    AuditOutcome outcome,
    @Nullable ErrorCode reason,
    @Nullable String detail,
    int rowCount,
    boolean truncated,
    int maskedFieldCount,
    Map<String, Integer> patternsApplied,
    long executionMs,
    @Nullable String statementFingerprint,
    @Nullable String statement,
    boolean masked) {

  /** An event from a masking data source (or one that carries no data). */
  public AuditEvent(Instant time, @Nullable String requestId, @Nullable String resourceId,
      @Nullable String operation, AuditOutcome outcome, @Nullable ErrorCode reason,
      @Nullable String detail, int rowCount, boolean truncated, int maskedFieldCount,
      Map<String, Integer> patternsApplied, long executionMs,
      @Nullable String statementFingerprint, @Nullable String statement) {
    this(time, requestId, resourceId, operation, outcome, reason, detail, rowCount, truncated,
        maskedFieldCount, patternsApplied, executionMs, statementFingerprint, statement, true);
  }

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(outcome, "outcome");
    patternsApplied = java.util.Collections.unmodifiableMap(new TreeMap<>(patternsApplied));
  }

  /** {@code info} for OK, {@code warn} for refusals and failures. */
  public String level() {
    return outcome == AuditOutcome.OK ? "info" : "warn";
  }

  /** A short, fixed message: {@code request ok}, {@code request refused}, {@code request failed}. */
  public String msg() {
    return "request " + outcome.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The names of the detectors, patterns and rules that changed at least one value. */
  public List<String> detectorNames() {
    return List.copyOf(patternsApplied.keySet());
  }
}
