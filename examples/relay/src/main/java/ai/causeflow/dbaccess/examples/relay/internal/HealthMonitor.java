package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.TableInfo;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the resources: a check of each every {@code healthInterval} on its own thread, a
 * recheck soon (at most every {@code downRecheck}) of a resource found down by a request, the
 * status ({@code up}/{@code down}) and schema fingerprint kept on {@link ResourceState}, and a
 * {@code resource_update} notification when a status changes.
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #start} once, {@link #close} stops the checks.
 */
final class HealthMonitor implements AutoCloseable {
  private final Map<String, ResourceState> resources;
  private final Duration interval;
  private final Duration downRecheck;
  private final String relayId;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(Engine.daemonThreads("relay-health"));
  private volatile Consumer<String> notifier = m -> {};

  HealthMonitor(Map<String, ResourceState> resources, Duration interval, Duration downRecheck,
      String relayId) {
    this.resources = resources;
    this.interval = interval;
    this.downRecheck = downRecheck;
    this.relayId = relayId;
  }

  void start() {
    long ms = interval.toMillis();
    executor.scheduleWithFixedDelay(this::checkAllQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Where {@code resource_update} messages go when a status changes. */
  void notifier(Consumer<String> n) {
    this.notifier = n;
  }

  /** Checks every resource once, now, on the calling thread. */
  void checkAllNow() {
    for (ResourceState r : resources.values()) {
      check(r);
    }
  }

  /** A request found {@code r} down or unreachable: check it again soon, off this thread. */
  void recheckSoon(ResourceState r) {
    long now = System.nanoTime();
    long last = r.lastCheckNanos.get();
    if (now - last >= downRecheck.toNanos() && r.lastCheckNanos.compareAndSet(last, now)) {
      try {
        executor.execute(() -> check(r));
      } catch (RejectedExecutionException ignored) {
        // shutting down
      }
    }
  }

  /** Checks {@code r} on the calling thread, records its status and announces a change. */
  HealthStatus check(ResourceState r) {
    r.lastCheckNanos.set(System.nanoTime());
    HealthStatus h = r.dataSource().health();
    r.lastHealth(h);
    String next = h.healthy() ? ResourceState.UP : ResourceState.DOWN;
    String prev;
    synchronized (r) {
      prev = r.status();
      r.status(next);
    }
    if (!prev.equals(next)) {
      if (next.equals(ResourceState.UP) && r.config().allowedOperations()
          .contains(Operation.LIST_TABLES)) {
        refreshFingerprint(r);
      }
      // the same reason --check prints (the detail is data-free, like every error message)
      String line = "resource " + r.id() + " is " + next
          + (h.error() == null ? "" : " (" + h.error()
              + (h.detail() == null ? "" : ": " + h.detail()) + ")");
      if (next.equals(ResourceState.UP)) {
        Log.info(line);
      } else {
        Log.warn(line);
      }
      if (!prev.equals(ResourceState.UNKNOWN)) {
        notifier.accept(resourceUpdate());
      }
    }
    return h;
  }

  /** The {@code resource_update} notification with every resource's current status. */
  String resourceUpdate() {
    return Json.message(g -> {
      g.writeStringField("method", "resource_update");
      g.writeObjectFieldStart("params");
      g.writeStringField("relayId", relayId);
      g.writeArrayFieldStart("resources");
      for (ResourceState r : resources.values()) {
        g.writeStartObject();
        g.writeStringField("resourceId", r.id());
        g.writeStringField("type", r.config().type());
        g.writeStringField("name", r.config().name());
        g.writeStringField("status", r.status());
        g.writeStringField("fingerprint", r.fingerprint());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private void checkAllQuietly() {
    try {
      checkAllNow();
    } catch (RuntimeException e) {
      Log.error("health check round failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private void refreshFingerprint(ResourceState r) {
    try {
      QueryResult result = r.dataSource().execute(QueryRequest.builder(Operation.LIST_TABLES)
          .requestId("relay-schema-" + UUID.randomUUID()).build());
      r.fingerprint(TableInfo.fingerprint(TableInfo.listFrom(result)));
    } catch (DbAccessException e) {
      Log.info("resource " + r.id() + ": schema fingerprint unavailable (" + e.code() + ")");
    }
  }
}
