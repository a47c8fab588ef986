package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-execution facts the backend needs: the request id (for session names and comments), the
 * deadline, how many rows the pipeline will read at most, and a place to register what cancels
 * the work at the database.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread (the pipeline's timer, a
 * caller's {@code cancel}); hooks run once.
 */
public final class ExecutionContext {
  private final String requestId;
  private final String resourceId;
  private final Policy policy;
  private final Duration timeout;
  private final Instant deadline;
  private final int maxRowsToRead;
  private final List<Runnable> cancelHooks = new ArrayList<>();
  // written under the lock, read without it (checked once per row)
  private volatile boolean cancelled;

  public ExecutionContext(String requestId, String resourceId, Policy policy, Duration timeout,
      Instant deadline, int maxRowsToRead) {
    this.requestId = Objects.requireNonNull(requestId);
    this.resourceId = Objects.requireNonNull(resourceId);
    this.policy = Objects.requireNonNull(policy);
    this.timeout = Objects.requireNonNull(timeout);
    this.deadline = Objects.requireNonNull(deadline);
    this.maxRowsToRead = maxRowsToRead;
  }

  public String requestId() {
    return requestId;
  }

  public String resourceId() {
    return resourceId;
  }

  public Policy policy() {
    return policy;
  }

  /** The statement timeout; the backend also sets it at the database where it can. */
  public Duration timeout() {
    return timeout;
  }

  public Instant deadline() {
    return deadline;
  }

  /** The pipeline reads at most this many rows ({@code limit + 1}); a useful fetch size bound. */
  public int maxRowsToRead() {
    return maxRowsToRead;
  }

  /**
   * Registers work to run when the request is cancelled (timeout or caller). If it was already
   * cancelled the hook runs at once.
   */
  public void onCancel(Runnable hook) {
    Objects.requireNonNull(hook);
    boolean runNow;
    synchronized (this) {
      runNow = cancelled;
      if (!runNow) {
        cancelHooks.add(hook);
      }
    }
    if (runNow) {
      runQuietly(hook);
    }
  }

  /** Cancels: runs every registered hook once. Idempotent. */
  public void cancel() {
    List<Runnable> hooks;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      hooks = List.copyOf(cancelHooks);
      cancelHooks.clear();
    }
    hooks.forEach(ExecutionContext::runQuietly);
  }

  public boolean isCancelled() {
    return cancelled;
  }

  private static void runQuietly(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException ignored) {
      // A failing cancel hook must not hide the original outcome; the cursor is closed anyway.
    }
  }
}
