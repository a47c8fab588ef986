package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Connections borrowed from the user's {@code DataSource}. Each is closed after use, which returns
 * it to the user's pool; the {@code DataSource} itself is never closed (we did not open it). A
 * connection that could not be reset is aborted first so that a pool wrapping it sees it as broken
 * instead of lending out its session state.
 *
 * <p>Thread-safety: thread-safe (the user's DataSource must be).
 */
public final class UserDataSourceSource implements ConnectionSource {
  private static final Executor DIRECT = Runnable::run;
  private final DataSource dataSource;

  public UserDataSourceSource(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Acquired acquire(Duration wait) {
    try {
      Connection c = dataSource.getConnection();
      if (c == null) {
        throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "the DataSource returned no connection");
      }
      return new Acquired(c, true);
    } catch (SQLException e) {
      throw SqlErrors.map(e, "getting a connection from the DataSource");
    }
  }

  @Override
  public void release(Connection connection, boolean reusable) {
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
