package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Connections borrowed from the user's {@code DataSource}. Each is closed after use, which returns
 * it to the user's pool; the {@code DataSource} itself is never closed (we did not open it). A
 * connection that could not be reset is aborted first so that a pool wrapping it sees it as broken
 * instead of lending out its session state. While we hold a connection its pgjdbc
 * {@code maxResultBuffer} is bounded ({@link ResultBufferGuard}) and afterwards set back, so that
 * one oversize value is refused instead of exhausting the heap, whatever the pool's settings.
 *
 * <p>Thread-safety: thread-safe (the user's DataSource must be).
 */
public final class UserDataSourceSource implements ConnectionSource {
  private static final Executor DIRECT = Runnable::run;
  private final DataSource dataSource;
  private final long resultBufferBytes;
  /** The caller's own result buffer limit of each lent connection, put back on release. */
  private final Map<Connection, Long> restore = new ConcurrentHashMap<>();

  /**
   * @param resultBufferBytes the most pgjdbc may buffer for one round trip of rows on each
   *     borrowed connection while we use it ({@link ResultBufferGuard})
   */
  public UserDataSourceSource(DataSource dataSource, long resultBufferBytes) {
    this.dataSource = dataSource;
    this.resultBufferBytes = resultBufferBytes;
  }

  @Override
  public Acquired acquire(Duration wait) {
    Connection c;
    try {
      c = dataSource.getConnection();
      if (c == null) {
        throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "the DataSource returned no connection");
      }
    } catch (SQLException e) {
      throw SqlErrors.map(e, "getting a connection from the DataSource");
    }
    try {
      Long previous = ResultBufferGuard.limit(c, resultBufferBytes);
      if (previous != null) {
        restore.put(c, previous);
      }
    } catch (RuntimeException e) {
      PgPool.closeQuietly(c);
      throw e;
    }
    return new Acquired(c, true);
  }

  @Override
  public void release(Connection connection, boolean reusable) {
    Long previous = restore.remove(connection);
    if (previous != null) {
      ResultBufferGuard.restore(connection, previous);
    }
    if (!reusable) {
      try {
        connection.abort(DIRECT);
      } catch (SQLException | RuntimeException ignored) {
        // Best effort: closing below still hands it back.
      }
    }
    PgPool.closeQuietly(connection);
  }

  @Override
  public void discardIdle() {
    // The user's pool owns idle connections.
  }

  @Override
  public boolean ownsConnections() {
    return false;
  }

  @Override
  public void close() {
    // Never close what we did not open.
  }
}
