package ai.causeflow.dbaccess.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link ReadOnlyDataSource#health()}: whether a round trip to the database worked,
 * how long it took, and if not, the coded reason (never a driver message).
 *
 * <pre>{@code
 * HealthStatus h = ds.health();
 * if (!h.healthy()) {
 *   alert(ds.resourceId() + " is down: " + h.error() + " (" + h.detail() + ")");
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param healthy whether the round trip succeeded
 * @param latencyMs round-trip time in milliseconds
 * @param error the reason when unhealthy, else null
 * @param detail a data-free description when unhealthy, else null
 */
public record HealthStatus(
    boolean healthy, long latencyMs, @Nullable ErrorCode error, @Nullable String detail) {

  public static HealthStatus up(long latencyMs) {
    return new HealthStatus(true, latencyMs, null, null);
  }

  public static HealthStatus down(long latencyMs, ErrorCode error, String detail) {
    return new HealthStatus(false, latencyMs, Objects.requireNonNull(error), detail);
  }
}
