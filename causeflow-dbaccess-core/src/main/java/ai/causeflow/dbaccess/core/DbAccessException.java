package ai.causeflow.dbaccess.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one exception type callers ever see from this library. Backends map every driver exception
 * onto it; no driver type escapes.
 *
 * <p>The message names the rule or step that failed and how to fix it. It never contains
 * parameter values, row values, connection strings or secrets: that is a tested invariant of every
 * backend. When a database supplies its own code (a PostgreSQL SQLSTATE, a MongoDB error code, an
 * AWS error code) it is available from {@link #driverCode()}; the driver's own message is
 * deliberately not kept, because it can quote data.
 *
 * <pre>{@code
 * catch (DbAccessException e) {
 *   log.warn("refused: {} {} (driver code {})", e.code(), e.getMessage(), e.driverCode().orElse("-"));
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class DbAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final @Nullable String driverCode;

  public DbAccessException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public DbAccessException(ErrorCode code, String message, @Nullable String driverCode) {
    this(code, message, driverCode, null);
  }

  /**
   * @param cause kept for stack traces in the process's own logs only; its message is never
   *     copied into this exception's message.
   */
  public DbAccessException(
      ErrorCode code, String message, @Nullable String driverCode, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.driverCode = driverCode;
  }

  /** The stable reason. */
  public ErrorCode code() {
    return code;
  }

  /** Whether retrying the same request later may succeed. */
  public boolean retryable() {
    return code.retryable();
  }

  /** The database's own error code (e.g. SQLSTATE {@code 42501}), when there is one. */
  public Optional<String> driverCode() {
    return Optional.ofNullable(driverCode);
  }

  @Override
  public String toString() {
    return "DbAccessException[" + code + (driverCode == null ? "" : ", driverCode=" + driverCode)
        + "]: " + getMessage();
  }

  /** The message, never null: every constructor requires one. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
