package ai.causeflow.dbaccess.core.audit;

/** How a request ended. Thread-safety: an enum; immutable. */
public enum AuditOutcome {
  /** Rows (possibly none) were returned. */
  OK,
  /** Refused by policy or validation; nothing reached the database. */
  REFUSED,
  /** The database failed, timed out, or was unreachable, or the pipeline failed. */
  FAILED
}
