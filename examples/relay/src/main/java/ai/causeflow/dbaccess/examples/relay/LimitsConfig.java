package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.config.ConfigNode;

/**
 * The {@code limits} block of {@code relay-config.yaml}: relay-wide bounds.
 *
 * <p>Thread-safety: immutable value.
 *
 * @param maxConcurrentRequests worker threads, 1..1024, default 8
 * @param maxQueuedRequests requests waiting for a worker, 0..100000, default 64
 * @param maxResultBytes byte cap of one result, 1024..1073741824, default 16 MiB
 */
public record LimitsConfig(int maxConcurrentRequests, int maxQueuedRequests, long maxResultBytes) {
  public static final LimitsConfig DEFAULTS = new LimitsConfig(8, 64, 16L * 1024 * 1024);

  /** Reads the block (defaults when absent); errors name the key path. */
  static LimitsConfig parse(ConfigNode n) {
    if (!n.present()) {
      return DEFAULTS;
    }
    n.requireMapping("maxConcurrentRequests", "maxQueuedRequests", "maxResultBytes");
    LimitsConfig d = DEFAULTS;
    return new LimitsConfig(
        (int) n.child("maxConcurrentRequests").integer(d.maxConcurrentRequests(), 1, 1024),
        (int) n.child("maxQueuedRequests").integer(d.maxQueuedRequests(), 0, 100_000),
        n.child("maxResultBytes").integer(d.maxResultBytes(), Policy.MIN_RESULT_BYTES,
            Policy.MAX_RESULT_BYTES));
  }
}
