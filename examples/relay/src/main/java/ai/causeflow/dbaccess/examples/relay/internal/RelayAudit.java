package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place the relay makes its own audit events: for every request the pipeline does not
 * audit (refusals before {@code ReadOnlyDataSource.execute}, list_resources, health_check,
 * cancel, notifications, failures after the pipeline answered). Events carry no data: the detail
 * is masked as the pipeline masks its own, and there are no rows or statements.
 *
 * <p>Thread-safety: thread-safe; a failing sink is logged, never thrown to the caller.
 */
final class RelayAudit {
  private final AuditSink sink;
  private final Clock clock;
  private final boolean masked;
  private final DetailMasking masking;

  /**
   * @param masked the masking state the relay runs, reported on each event (true when every
   *     resource masks)
   */
  RelayAudit(AuditSink sink, Clock clock, boolean masked, DetailMasking masking) {
    this.sink = sink;
    this.clock = clock;
    this.masked = masked;
    this.masking = masking;
  }

  /** A request that was answered with a result. */
  void ok(@Nullable String requestId, @Nullable String resourceId, @Nullable String operation,
      long startNanos) {
    record(requestId, resourceId, operation, AuditOutcome.OK, null, null, startNanos);
  }

  /** A request that was refused or failed with {@code code}. */
  void failed(@Nullable String requestId, @Nullable String resourceId, @Nullable String operation,
      ErrorCode code, String detail, long startNanos) {
    record(requestId, resourceId, operation, outcomeOf(code), code, detail, startNanos);
  }

  /** Refused (a caller or policy problem) or failed (the database or the relay). */
  static AuditOutcome outcomeOf(ErrorCode c) {
    int j = c.jsonRpcCode();
    return j == -32002 || j == -32603 ? AuditOutcome.FAILED : AuditOutcome.REFUSED;
  }

  private void record(@Nullable String requestId, @Nullable String resourceId,
      @Nullable String operation, AuditOutcome outcome, @Nullable ErrorCode reason,
      @Nullable String detail, long startNanos) {
    try {
      sink.record(new AuditEvent(clock.instant(), requestId, resourceId, operation, outcome,
          reason, detail == null ? null : masking.mask(detail), 0, false, 0, Map.of(),
          (System.nanoTime() - startNanos) / 1_000_000, null, null, masked));
    } catch (RuntimeException e) {
      Log.error("audit sink failed (" + e.getClass().getSimpleName() + ")");
    }
  }
}
