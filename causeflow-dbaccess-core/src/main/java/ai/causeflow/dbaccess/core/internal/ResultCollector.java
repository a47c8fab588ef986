package ai.causeflow.dbaccess.core.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.LazyValue;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Converts lazy values ({@link LazyValue}), masks, measures (byte cap) and keeps the rows of one
 * result, in the order the cursor yields them. The first {@link #OVERLAP_AFTER_ROWS} rows are handled on the calling thread; a larger
 * result hands the rest over, in batches, to one "lane" task on an executor, so that conversion,
 * masking and measuring overlap with fetching the next rows from the database. At most
 * {@link #BATCHES_IN_FLIGHT} batches wait for the lane (bounded memory); the rows the fetcher read
 * beyond a byte cap the lane found are discarded.
 *
 * <p>Whatever the mode, every kept row is the masking stage's output and the result is the same:
 * same rows, same order, same truncation. A lane that has not started when the fetcher needs it is
 * taken back and the rows are handled on the calling thread, so a slow or saturated executor costs
 * speed, never progress.
 *
 * <p>Thread-safety: one fetching thread calls {@link #accept} and {@link #finish}; the lane is
 * confined to its own thread until {@link #finish} (or {@link #abandon}) has waited for it.
 */
public final class ResultCollector {
  /** Results up to this many rows never leave the calling thread. */
  public static final int OVERLAP_AFTER_ROWS = 1_024;
  static final int BATCH_ROWS = 256;
  static final int BATCHES_IN_FLIGHT = 4;
  private static final Object[] END = new Object[0];

  private final MaskingStage masking;
  private final List<Column> columns;
  private final MaskingStats stats;
  private final long maxBytes;
  private final @Nullable Executor executor;
  private final ExecutionContext ctx;
  private final @Nullable BlockedFields blockedFields;
  private final List<Map<String, @Nullable Object>> rows;
  private long bytes = 2;
  private boolean bytesCapped;

  private @Nullable Lane lane;
  private boolean executorOff;
  private Object @Nullable [] batch;
  private int batchSize;

  /**
   * @param executor where the lane runs; null keeps every row on the calling thread
   */
  public ResultCollector(MaskingStage masking, List<Column> columns, MaskingStats stats,
      long maxBytes, @Nullable Executor executor, ExecutionContext ctx) {
    this(masking, columns, stats, maxBytes, executor, ctx, null);
  }

  /**
   * @param executor where the lane runs; null keeps every row on the calling thread
   * @param blockedFields removes blocked document fields before masking; null for none
   */
  public ResultCollector(MaskingStage masking, List<Column> columns, MaskingStats stats,
      long maxBytes, @Nullable Executor executor, ExecutionContext ctx,
      @Nullable BlockedFields blockedFields) {
    this.blockedFields = blockedFields;
    this.masking = masking;
    this.columns = columns;
    this.stats = stats;
    this.maxBytes = maxBytes;
    this.executor = executor;
    this.ctx = ctx;
    this.rows = new RowList<>();
  }

  /**
   * The default executor for lanes: daemon threads named {@code causeflow-result-N}, created on
   * demand and ended after 30 s idle. It holds at most one thread per request that is reading a
   * large result at the same moment, and callers bound those (the relay's worker pool).
   */
  public static Executor sharedExecutor() {
    return Shared.POOL;
  }

  private static final class Shared {
    static final java.util.concurrent.ThreadPoolExecutor POOL =
        new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new java.util.concurrent.SynchronousQueue<>(), new java.util.concurrent.ThreadFactory() {
              private final java.util.concurrent.atomic.AtomicInteger n =
                  new java.util.concurrent.atomic.AtomicInteger();

              @Override
              public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "causeflow-result-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              }
            });
  }

  /**
   * Takes one raw row.
   *
   * @return false when the byte cap has been reached (known so far): stop reading
   */
  public boolean accept(Map<String, @Nullable Object> raw) {
    raw = owned(raw);
    Lane l = lane;
    if (l == null) {
      if (rows.size() >= OVERLAP_AFTER_ROWS && !executorOff && !bytesCapped) {
        l = startLane();
      }
      if (l == null) {
        return process(raw);
      }
    }
    if (l.stop.get()) {
      return false;
    }
    Object[] b = batch;
    if (b == null) {
      b = new Object[BATCH_ROWS];
      batch = b;
    }
    b[batchSize++] = raw;
    if (batchSize == BATCH_ROWS) {
      batch = null;
      batchSize = 0;
      return handOver(l, b);
    }
    return true;
  }

  /** Waits until every accepted row is handled; rethrows a failure of the lane. */
  public void finish() {
    Lane l = lane;
    if (l == null) {
      return;
    }
    if (batchSize > 0) {
      Object[] b = java.util.Arrays.copyOf(batch, batchSize);
      batch = null;
      batchSize = 0;
      handOver(l, b);
    }
    if (lane == null) {
      return; // taken back while handing over
    }
    handOver(l, END);
    if (lane == null) {
      return;
    }
    if (l.started.compareAndSet(false, true)) {
      takeBack(l); // everything is queued and the lane has not started: no reason to wait for it
      return;
    }
    while (true) {
      try {
        if (l.done.await(10, TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        throw interrupted();
      }
      failIfCancelled();
    }
    l.rethrow();
  }

  /** Gives the lane up because the fetching thread was interrupted. */
  private DbAccessException interrupted() {
    Thread.currentThread().interrupt();
    abandon();
    return new DbAccessException(ErrorCode.CANCELLED, "request was interrupted");
  }

  private void failIfCancelled() {
    if (ctx.isCancelled()) {
      abandon();
      throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
    }
  }

  /**
   * Stops the lane and waits for it to let go of the rows and the stats (it stops between two
   * rows). Called when the request fails; idempotent.
   */
  public void abandon() {
    Lane l = lane;
    if (l == null) {
      return;
    }
    l.stop.set(true);
    if (l.started.compareAndSet(false, true)) {
      return; // never ran: nothing to wait for
    }
    boolean interrupted = false;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until) {
      try {
        if (l.done.await(10, TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The kept rows, each already read-only. */
  public List<Map<String, @Nullable Object>> rows() {
    return rows;
  }

  /** Whether the byte cap ended the result. */
  public boolean bytesCapped() {
    return bytesCapped;
  }

  // ---------------------------------------------------------------- rows

  /** Masks, measures and keeps one row; false once the byte cap is reached. */
  private boolean process(Map<String, @Nullable Object> raw) {
    if (bytesCapped) {
      return false;
    }
    Map<String, @Nullable Object> row = resolved(raw);
    if (blockedFields != null) {
      row = blockedFields.apply(row);
    }
    Map<String, @Nullable Object> masked = masking.maskRow(columns, row, stats);
    bytes += JsonSize.ofRow(masked) + 1;
    if (bytes > maxBytes) {
      if (rows.isEmpty()) {
        throw new DbAccessException(ErrorCode.RESULT_TOO_LARGE,
            "the first row alone exceeds maxResultBytes (" + maxBytes + ")");
      }
      bytesCapped = true;
      return false;
    }
    rows.add(FrozenRows.readOnly(masked));
    return true;
  }

  /**
   * A row the pipeline owns from the hand-over, whatever the cursor does next: a
   * {@link ShapedRow} owns a copy of its array already ({@link ai.causeflow.dbaccess.core.spi.RowShape#row});
   * any other map is copied here, on the fetching thread, before the cursor is asked for the next
   * row. Without it a cursor that refills one map or array would alter rows already kept (masking
   * keeps a row it does not change as it is) or rows still waiting for the lane.
   */
  static Map<String, @Nullable Object> owned(Map<String, @Nullable Object> raw) {
    if (raw instanceof ShapedRow) {
      return raw;
    }
    return new java.util.LinkedHashMap<>(raw);
  }

  /** The row with its lazy values converted (see {@link LazyValue}). */
  static Map<String, @Nullable Object> resolved(Map<String, @Nullable Object> raw) {
    if (raw instanceof ShapedRow r) {
      r.resolveLazyValues();
      return r;
    }
    for (Object v : raw.values()) {
      if (v instanceof LazyValue) {
        // not allowed outside RowShape rows; convert rather than let one escape
        Map<String, @Nullable Object> copy = new java.util.LinkedHashMap<>(raw.size() * 2);
        raw.forEach((k, x) -> copy.put(k, LazyValue.resolved(x)));
        return copy;
      }
    }
    return raw;
  }

  private @Nullable Lane startLane() {
    Executor e = executor;
    if (e == null || executorOff) {
      return null;
    }
    Lane l = new Lane(Thread.currentThread());
    try {
      e.execute(l);
    } catch (RejectedExecutionException rejected) {
      executorOff = true;
      return null;
    }
    if (l.ranInline) {
      executorOff = true; // an executor that runs tasks on the caller's thread: no second thread
      return null;
    }
    lane = l;
    return l;
  }

  /** Gives a batch to the lane, or takes the lane back if it never started. */
  private boolean handOver(Lane l, Object[] b) {
    while (true) {
      if (l.stop.get()) {
        return false;
      }
      try {
        if (l.queue.offer(b, 10, TimeUnit.MILLISECONDS)) {
          return true;
        }
      } catch (InterruptedException e) {
        throw interrupted();
      }
      failIfCancelled();
      if (l.started.compareAndSet(false, true)) {
        // the executor has not run the lane yet: do its work here and stop using it
        return takeBack(l) && processBatch(b, null);
      }
    }
  }

  /**
   * Handles, on this thread, the batches queued for a lane that never started (its
   * {@code started} flag is already claimed), and stops using lanes for this result.
   */
  private boolean takeBack(Lane l) {
    lane = null;
    executorOff = true;
    Object[] queued;
    boolean more = true;
    while ((queued = l.queue.poll()) != null) {
      more = more && processBatch(queued, null);
    }
    return more;
  }

  /** Handles a batch in order; false at the byte cap or when {@code stop} is set. */
  private boolean processBatch(Object[] b, @Nullable AtomicBoolean stop) {
    for (Object o : b) {
      if (stop != null && stop.get()) {
        return false;
      }
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> raw = (Map<String, @Nullable Object>) o;
      if (!process(raw)) {
        return false;
      }
    }
    return true;
  }

  /** The second thread: handles batches in order until END, the byte cap or a stop. */
  private final class Lane implements Runnable {
    final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
    final AtomicBoolean started = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
    final CountDownLatch done = new CountDownLatch(1);
    final Thread owner;
    volatile boolean ranInline;
    volatile @Nullable Throwable failure;

    Lane(Thread owner) {
      this.owner = owner;
    }

    @Override
    public void run() {
      if (Thread.currentThread() == owner) {
        ranInline = true;
        return;
      }
      if (!started.compareAndSet(false, true)) {
        return; // taken back by the fetcher
      }
      try {
        while (!stop.get()) {
          Object[] b = queue.poll(10, TimeUnit.MILLISECONDS);
          if (b == null) {
            continue;
          }
          if (b == END) {
            break;
          }
          if (!processBatch(b, stop)) {
            stop.set(true);
          }
        }
      } catch (Throwable t) {
        failure = t;
        stop.set(true);
      } finally {
        done.countDown();
      }
    }

    void rethrow() {
      Throwable t = failure;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException("result lane failed", t);
      }
    }
  }
}
