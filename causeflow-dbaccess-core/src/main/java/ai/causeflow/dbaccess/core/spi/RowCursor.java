package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.Column;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A forward-only stream of rows from one execution. The pipeline reads at most {@code limit + 1}
 * rows and then closes it, so a backend must fetch lazily (a cursor / fetch size), never load the
 * whole result.
 *
 * <p>Each row map (and every list or map nested in it) must be a new one that the cursor never
 * touches again: the pipeline keeps it without copying and hands it out read-only. Values must
 * belong to the {@link ValueModel} (convert driver types first; anything else fails the request
 * with {@code INTERNAL} naming the column). Column names must be unique within a row.
 *
 * <p>Thread-safety: used by one thread; {@link #close()} may be called from another thread only via
 * the cancel hook registered with {@link ExecutionContext#onCancel(Runnable)}.
 */
public interface RowCursor extends AutoCloseable {

  /** The columns, known before the first row (for documents: the best knowledge so far). */
  List<Column> columns();

  /** The next row, or null at the end. */
  @Nullable Map<String, @Nullable Object> next();

  /** Releases the cursor; idempotent; must end the database work (e.g. roll back). */
  @Override
  void close();
}
