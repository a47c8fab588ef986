package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Rows of one MongoDB operation. Every call into the driver runs on a fetch thread, one batch at a
 * time, and the next batch is fetched while the pipeline handles the current one; the calling
 * thread only waits. So a cancel or timeout releases the caller at once, even while the driver is
 * blocked on the network: the wait is abandoned, and the driver cursor is closed (which kills it at
 * the server) as soon as the fetch in flight returns. The server stops on its own at
 * {@code maxTimeMS}. The driver cursor is only ever touched by one fetch thread at a time, and it
 * is always closed.
 *
 * <p>Thread-safety: {@link #next()} from one thread; the cancel hook from any.
 */
final class DocumentCursor implements RowCursor {
  private static final AtomicInteger THREADS = new AtomicInteger();
  static final ExecutorService FETCH = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "causeflow-mongo-fetch-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  /** The driver side: batches of converted documents. */
  interface Batches {
    /** The next documents (at least one), or null at the end. Called on a fetch thread. */
    @Nullable List<Map<String, @Nullable Object>> next();

    /** Releases the driver cursor; never called while {@link #next()} runs. */
    void close();
  }

  private final Batches batches;
  private final String doing;
  private final List<Column> columns;
  private volatile boolean cancelled;
  // the fetch in flight: its result, and its end (whatever became of the result)
  private volatile @Nullable CompletableFuture<@Nullable List<Map<String, @Nullable Object>>>
      pending;
  private volatile CompletableFuture<@Nullable Void> idle = CompletableFuture.completedFuture(null);
  private @Nullable List<Map<String, @Nullable Object>> batch;
  private int pos;
  private boolean done;
  private boolean closed;

  /**
   * Opens: registers the cancel hook, fetches the first batch (the command runs now), then asks
   * {@code columns} what the first batch showed.
   */
  DocumentCursor(ExecutionContext ctx, Batches batches, String doing,
      Supplier<List<Column>> columns) {
    this.batches = batches;
    this.doing = doing;
    ctx.onCancel(this::cancel);
    try {
      start();
      batch = await();
      done = batch == null;
      // read before the next fetch starts: the first batch's decoding is over (happens-before
      // through the future), the next one's has not begun
      this.columns = List.copyOf(columns.get());
      if (!done) {
        start();
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public @Nullable Map<String, @Nullable Object> next() {
    while (true) {
      List<Map<String, @Nullable Object>> b = batch;
      if (b != null && pos < b.size()) {
        Map<String, @Nullable Object> row = b.get(pos);
        b.set(pos++, null);
        return row;
      }
      if (done) {
        return null;
      }
      batch = await();
      pos = 0;
      if (batch == null) {
        done = true;
        return null;
      }
      start(); // fetch ahead while this batch is handled
    }
  }

  private void start() {
    CompletableFuture<@Nullable List<Map<String, @Nullable Object>>> result =
        new CompletableFuture<>();
    CompletableFuture<@Nullable Void> end = new CompletableFuture<>();
    pending = result;
    idle = end;
    if (cancelled) {
      result.cancel(false);
      end.complete(null);
      return;
    }
    FETCH.execute(() -> {
      try {
        result.complete(batches.next());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        end.complete(null);
      }
    });
  }

  private @Nullable List<Map<String, @Nullable Object>> await() {
    CompletableFuture<@Nullable List<Map<String, @Nullable Object>>> f = pending;
    if (f == null) {
      throw new IllegalStateException("no fetch started");
    }
    try {
      return f.get();
    } catch (CancellationException e) {
      throw new DbAccessException(ErrorCode.CANCELLED, doing + ": cancelled");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new DbAccessException(ErrorCode.CANCELLED, doing + ": interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        if (cancelled) {
          throw new DbAccessException(ErrorCode.CANCELLED, doing + ": cancelled", null, r);
        }
        throw MongoErrors.map(r, doing);
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new DbAccessException(ErrorCode.INTERNAL, doing + ": unexpected failure", null, c);
    }
  }

  private void cancel() {
    cancelled = true;
    CompletableFuture<@Nullable List<Map<String, @Nullable Object>>> f = pending;
    if (f != null) {
      f.cancel(false);
    }
    closeWhenIdle();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    batch = null;
    closeWhenIdle();
  }

  private void closeWhenIdle() {
    // runs at once when no fetch is in flight, else on the fetch thread right after it
    idle.whenComplete((v, t) -> {
      try {
        batches.close();
      } catch (RuntimeException ignored) {
        // the cursor is gone either way; the server drops it at its own timeout
      }
    });
  }
}
