package ai.causeflow.dbaccess.postgres.internal;

import java.sql.Connection;
import java.time.Duration;

/**
 * Where a backend gets its connections: the internal pool or the user's {@code DataSource}. The
 * session layer ({@link PgSession}) resets a connection before handing it back; a source only
 * keeps or discards it.
 *
 * <p>Thread-safety: implementations are thread-safe.
 */
public interface ConnectionSource extends AutoCloseable {

  /**
   * A connection within {@code wait}; otherwise a {@code DbAccessException} with
   * CONNECTION_FAILED (none free in time: the pool is exhausted; or the database cannot be
   * reached), which is retryable.
   */
  Acquired acquire(Duration wait);

  /** Returns a connection: kept for reuse when {@code reusable}, otherwise closed for good. */
  void release(Connection connection, boolean reusable);

  /** Drops idle connections (after one of them turned out dead, the others likely are too). */
  void discardIdle();

  /** Whether this source opened its connections itself (and so may discard them by closing). */
  boolean ownsConnections();

  @Override
  void close();

  /**
   * A connection and whether it was used before (a reused connection may have died while idle).
   */
  record Acquired(Connection connection, boolean reused) {}
}
