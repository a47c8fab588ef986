package ai.causeflow.dbaccess.core.audit;

/**
 * What the pipeline does when the {@link AuditSink} throws.
 *
 * <p>Thread-safety: an enum; immutable.
 */
public enum AuditFailureMode {
  /**
   * The default: the result is withheld and the caller gets {@code INTERNAL} ("audit sink
   * failed; result withheld"). Nothing is returned that was not audited.
   */
  FAIL_CLOSED,
  /**
   * The result is returned; the failure is counted ({@code ReadOnlyDataSource#auditFailures()}) and
   * reported through {@link System.Logger} without event contents. For callers that prefer
   * availability and watch the counter.
   */
  COUNT_AND_REPORT
}
