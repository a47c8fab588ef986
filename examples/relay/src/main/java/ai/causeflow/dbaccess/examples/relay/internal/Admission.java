package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.examples.relay.LimitsConfig;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Which requests run, and when: a pool of {@code maxConcurrentRequests} workers behind a queue of
 * {@code maxQueuedRequests} (beyond that, {@code RELAY_BUSY}), one running request per id, the
 * queue deadline, cancel (before the start, or at the database), cancelling a closed session's
 * requests, and the drain at shutdown. A submitted request is answered exactly once, by its task,
 * and audited by the relay unless the pipeline audits it.
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #drain} then {@link #close}.
 */
final class Admission implements AutoCloseable {
  private final ThreadPoolExecutor workers;
  private final Semaphore capacity;
  private final Map<String, Task> active = new ConcurrentHashMap<>();
  private final Stats stats;
  private final RelayAudit audit;
  private final Replies replies;
  private volatile boolean draining;

  /** Work that returns the writer of its JSON result; may throw {@link DbAccessException}. */
  @FunctionalInterface
  interface Work {
    Json.IoConsumer<JsonGenerator> run();
  }

  /** A request accepted and not yet answered, as {@code cancel} sees it. */
  interface Ticket {
    Session session();

    /** The resource its audit event names, if any. */
    @Nullable String resourceId();

    /** Cancels it; returns whether there was something to cancel. */
    boolean cancel();
  }

  Admission(LimitsConfig limits, Stats stats, RelayAudit audit, Replies replies) {
    this.stats = stats;
    this.audit = audit;
    this.replies = replies;
    // Admission is an exact count (running + queued), taken before a task is handed to the pool:
    // relying on the pool's bounded queue alone refuses too early whenever the workers have not
    // yet taken the previous tasks off the queue (seen under CPU load). The queue itself cannot
    // grow past the permits.
    this.capacity = new Semaphore(limits.maxConcurrentRequests() + limits.maxQueuedRequests());
    this.workers = new ThreadPoolExecutor(limits.maxConcurrentRequests(),
        limits.maxConcurrentRequests(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        Engine.daemonThreads("relay-worker"), new ThreadPoolExecutor.AbortPolicy());
    this.workers.prestartAllCoreThreads();
  }

  /**
   * Queues {@code work} for {@code request}, or refuses it ({@code RELAY_BUSY} at capacity,
   * {@code INVALID_PARAMS} when a request with the same id is still running).
   *
   * @param resource the resource a cancel reaches at the database; null when there is none
   * @param operation the operation its audit event names
   * @param pipelineAudited whether {@code ReadOnlyDataSource.execute} audits the request once it
   *     started (then the relay audits only what happened before)
   * @param deadlineMs how long it may wait in the queue
   * @param auditResource the resource its audit event names
   */
  void submit(RpcRequest request, @Nullable ResourceState resource, String operation,
      boolean pipelineAudited, long deadlineMs, @Nullable String auditResource, Work work) {
    Task t = new Task(request, resource, operation, pipelineAudited, deadlineMs, auditResource,
        work);
    if (active.putIfAbsent(t.requestId, t) != null) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "id: a request with this id is still running; use a new id", t.auditResource,
          operation);
    }
    if (!capacity.tryAcquire()) {
      active.remove(t.requestId, t);
      throw busy(t);
    }
    stats.started();
    try {
      workers.execute(t);
    } catch (RejectedExecutionException e) {
      // only after shutdown
      capacity.release();
      active.remove(t.requestId, t);
      stats.finished();
      throw busy(t);
    }
  }

  private Refusal busy(Task t) {
    return new Refusal(ErrorCode.RELAY_BUSY, "the relay is at capacity (maxConcurrentRequests "
        + workers.getMaximumPoolSize() + " busy, maxQueuedRequests full); retry later",
        t.auditResource, t.operation);
  }

  /** The accepted, unanswered request with this id, if any. */
  @Nullable Ticket active(String requestId) {
    return active.get(requestId);
  }

  /** Requests accepted and not yet answered. */
  int inFlight() {
    return active.size();
  }

  boolean draining() {
    return draining;
  }

  /**
   * Stops taking requests, waits up to {@code grace} for the accepted ones, then cancels what is
   * left at the database.
   *
   * @return whether everything finished within the grace period
   */
  boolean drain(Duration grace) {
    draining = true;
    long end = System.nanoTime() + grace.toNanos();
    while (!active.isEmpty() && System.nanoTime() < end) {
      sleep(20);
    }
    if (active.isEmpty()) {
      return true;
    }
    Log.warn("shutdown grace period over; cancelling " + active.size() + " request(s)");
    for (Task t : active.values()) {
      t.cancel();
    }
    long end2 = System.nanoTime() + 2_000_000_000L;
    while (!active.isEmpty() && System.nanoTime() < end2) {
      sleep(20);
    }
    return false;
  }

  /** A session ended: its requests are cancelled at the database and their answers dropped. */
  void sessionClosed(Session s) {
    int n = 0;
    for (Task t : active.values()) {
      if (t.request.session() == s) {
        t.cancel();
        n++;
      }
    }
    if (n > 0) {
      Log.info("connection lost; cancelled " + n
          + " in-flight request(s); they will not be replayed");
    }
  }

  @Override
  public void close() {
    draining = true;
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Task implements Runnable, Ticket {
    final RpcRequest request;
    final Session session;
    final JsonNode id;
    final String requestId;
    final @Nullable ResourceState resource;
    final String operation;
    final long receivedNanos;
    final boolean pipelineAudited;
    final long deadlineMs;
    final Work work;
    final @Nullable String auditResource;
    private volatile boolean started;
    private volatile boolean cancelled;

    Task(RpcRequest request, @Nullable ResourceState resource, String operation,
        boolean pipelineAudited, long deadlineMs, @Nullable String auditResource, Work work) {
      this.request = request;
      this.session = request.session();
      this.id = request.answerId();
      this.requestId = request.requestId();
      this.resource = resource;
      this.operation = operation;
      this.receivedNanos = request.receivedNanos();
      this.pipelineAudited = pipelineAudited;
      this.deadlineMs = deadlineMs;
      this.work = work;
      this.auditResource = auditResource;
    }

    @Override
    public Session session() {
      return session;
    }

    @Override
    public @Nullable String resourceId() {
      return auditResource;
    }

    @Override
    public boolean cancel() {
      cancelled = true;
      ResourceState r = resource;
      if (started && r != null) {
        return r.dataSource().cancel(requestId);
      }
      return !started;
    }

    @Override
    public void run() {
      try {
        if (cancelled || !session.isOpen()) {
          fail(ErrorCode.CANCELLED, "request was cancelled before it started", true);
          return;
        }
        long waitedMs = (System.nanoTime() - receivedNanos) / 1_000_000;
        if (waitedMs > deadlineMs) {
          fail(ErrorCode.TIMEOUT, "request waited " + waitedMs
              + " ms in the relay queue, past its deadline of " + deadlineMs + " ms", true);
          return;
        }
        started = true;
        ResourceState r = resource;
        if (cancelled && r != null) {
          r.dataSource().cancel(requestId);
        }
        String msg;
        try {
          msg = answer();
        } catch (OutOfMemoryError e) {
          // Contained: what the request built went with answer()'s frames. The pipeline already
          // answers its own out-of-memory as RESULT_TOO_LARGE; this one came from the relay's
          // side (writing the answer), so the relay audits it.
          Log.error("request " + requestId + " ran out of memory; answered RESULT_TOO_LARGE");
          fail(ErrorCode.RESULT_TOO_LARGE, "the answer did not fit in the relay's memory; select "
              + "fewer or narrower rows, or lower maxResultBytes", true);
          return;
        }
        if (msg == null) {
          return; // failed and answered
        }
        if (!pipelineAudited) {
          audit.ok(requestId, auditResource, operation, receivedNanos);
        }
        if (session.isOpen()) {
          try {
            session.send(msg);
          } catch (OutOfMemoryError e) {
            msg = null; // let the answer go before answering the failure
            Log.error("request " + requestId + " ran out of memory while sending its answer");
            fail(ErrorCode.RESULT_TOO_LARGE, "the answer did not fit in the relay's memory; "
                + "select fewer or narrower rows, or lower maxResultBytes", true);
          }
        }
      } catch (RuntimeException e) {
        Log.error("request " + requestId + " failed unexpectedly ("
            + e.getClass().getSimpleName() + ")");
        fail(ErrorCode.INTERNAL, "unexpected failure in the relay ("
            + e.getClass().getSimpleName() + ")", !pipelineAudited || !started);
      } finally {
        active.remove(requestId, this);
        stats.finished();
        capacity.release();
      }
    }

    /**
     * Runs the work and writes its answer; null when it failed (and was answered). Everything the
     * request builds lives in this frame and the work's, so an out-of-memory error thrown here
     * leaves it all unreachable for the caller's handler.
     */
    private @Nullable String answer() {
      Json.IoConsumer<JsonGenerator> writer;
      try {
        writer = work.run();
      } catch (DbAccessException e) {
        fail(Replies.wireCode(e.code()), e.getMessage(), !pipelineAudited);
        return null;
      } catch (Refusal e) {
        fail(e.code, e.getMessage(), true);
        return null;
      }
      try {
        return Replies.result(id, writer);
      } catch (RpcException e) {
        Log.error("request " + requestId + ": " + e.getMessage());
        fail(e.code(), e.getMessage(), false);
        return null;
      }
    }

    private void fail(ErrorCode code, String detail, boolean relayAudits) {
      stats.errored(code);
      if (relayAudits) {
        audit.failed(requestId, auditResource, operation, code, detail, receivedNanos);
      }
      if (session.isOpen()) {
        session.send(replies.error(id, requestId, code, detail));
      }
    }
  }
}
