package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters reported in {@code heartbeat}. Thread-safety: thread-safe (atomic counters). */
public final class Stats {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();

  void received() {
    requests.incrementAndGet();
  }

  /** Refusals (-32700..-32602, -32001, -32003) count as rejected; the rest as failed. */
  void errored(ErrorCode code) {
    int c = code.jsonRpcCode();
    if (c == -32002 || c == -32603) {
      failed.incrementAndGet();
    } else {
      rejected.incrementAndGet();
    }
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished() {
    inFlight.decrementAndGet();
  }

  public long requests() {
    return requests.get();
  }

  public long rejected() {
    return rejected.get();
  }

  public long failed() {
    return failed.get();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
