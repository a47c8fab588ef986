package ai.causeflow.dbaccess.mongo.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The rows of one command reply (count, distinct, explain, stats) as a single batch.
 *
 * <p>Thread-safety: called by one fetch thread at a time.
 */
final class ListBatches implements DocumentCursor.Batches {
  private @Nullable Supplier<List<Map<String, @Nullable Object>>> run;

  ListBatches(Supplier<List<Map<String, @Nullable Object>>> run) {
    this.run = run;
  }

  @Override
  public @Nullable List<Map<String, @Nullable Object>> next() {
    Supplier<List<Map<String, @Nullable Object>>> r = run;
    run = null;
    if (r == null) {
      return null;
    }
    List<Map<String, @Nullable Object>> rows = r.get();
    return rows.isEmpty() ? null : rows;
  }

  @Override
  public void close() {
    run = null;
  }
}
