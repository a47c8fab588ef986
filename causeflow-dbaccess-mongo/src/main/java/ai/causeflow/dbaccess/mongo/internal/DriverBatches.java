package ai.causeflow.dbaccess.mongo.internal;

import com.mongodb.client.MongoCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A driver cursor as {@link DocumentCursor.Batches}: opening it runs the command; each call
 * drains what the driver holds of the current batch (a round trip only when it is empty).
 *
 * <p>Thread-safety: {@link #next()} is called by one fetch thread at a time (see
 * {@link DocumentCursor}); {@link #close()} may race with another close, never with a
 * {@code next()} in flight.
 */
final class DriverBatches implements DocumentCursor.Batches {
  private final Supplier<MongoCursor<BsonValues.Row>> opener;
  private final int max;
  private @Nullable MongoCursor<BsonValues.Row> cursor;
  private boolean closed;

  DriverBatches(Supplier<MongoCursor<BsonValues.Row>> opener, int max) {
    this.opener = opener;
    this.max = max;
  }

  @Override
  public @Nullable List<Map<String, @Nullable Object>> next() {
    MongoCursor<BsonValues.Row> c;
    synchronized (this) {
      if (closed) {
        return null;
      }
      c = cursor;
    }
    if (c == null) {
      c = opener.get(); // runs the command; not under the lock (close must not wait for it)
      synchronized (this) {
        if (closed) {
          c.close();
          return null;
        }
        cursor = c;
      }
    }
    if (!c.hasNext()) {
      return null;
    }
    List<Map<String, @Nullable Object>> out = new ArrayList<>(Math.min(max, 1024));
    do {
      out.add(c.next().values());
    } while (out.size() < max && c.available() > 0);
    return out;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    MongoCursor<BsonValues.Row> c = cursor;
    if (c != null) {
      c.close();
    }
  }
}
