package ai.causeflow.dbaccess.core.config;

/**
 * The {@code limits} block: relay-wide bounds.
 *
 * <p>Thread-safety: immutable value.
 *
 * @param maxConcurrentRequests worker threads, 1..1024, default 8
 * @param maxQueuedRequests requests waiting for a worker, 0..100000, default 64
 * @param maxResultBytes byte cap of one result, 1024..1073741824, default 16 MiB
 */
public record LimitsConfig(int maxConcurrentRequests, int maxQueuedRequests, long maxResultBytes) {
  public static final LimitsConfig DEFAULTS = new LimitsConfig(8, 64, 16L * 1024 * 1024);
}
