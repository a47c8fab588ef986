package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;

/**
 * Bounds what pgjdbc may buffer for one round trip of rows on a connection we did not open.
 *
 * <p>pgjdbc's {@code maxResultBuffer} is a connection property: a pool a caller passes in usually
 * lacks it, and then one oversize value (measured: a 100 MB text in a 64 MB heap) runs this
 * process out of memory before the byte cap can refuse it. The property lives on the
 * connection's protocol stream; pgjdbc offers no public way to reach the stream from a
 * {@link Connection}, so this reads and sets it reflectively, for the duration of one request,
 * and puts the caller's own value back when the connection is released. A connection whose
 * limit is already at or below the bound is left as it is.
 *
 * <p>When the connection is not a pgjdbc connection, or this pgjdbc version keeps the stream
 * elsewhere, the request is refused ({@code CONFIG_INVALID}) rather than run unbounded: fail
 * closed. The build pins the pgjdbc version and a test covers it.
 *
 * <p>Thread-safety: stateless; a connection is used by one request at a time.
 */
public final class ResultBufferGuard {
  // by name: the driver's internal classes carry annotations this build does not have
  private static final @Nullable Field STREAM = field("org.postgresql.core.QueryExecutorBase",
      "pgStream");
  private static final @Nullable Field LIMIT = field("org.postgresql.core.PGStream",
      "maxResultBuffer");

  private ResultBufferGuard() {}

  private static @Nullable Field field(String owner, String name) {
    try {
      Field f = Class.forName(owner, false, BaseConnection.class.getClassLoader())
          .getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Lowers the connection's result buffer limit to {@code bound} bytes if it is unset or larger.
   *
   * @return the limit to restore on release, or {@code null} when nothing was changed
   * @throws DbAccessException {@code CONFIG_INVALID} when the limit cannot be read or set
   */
  public static @Nullable Long limit(Connection connection, long bound) {
    Object stream = stream(connection);
    try {
      Field limit = java.util.Objects.requireNonNull(LIMIT);
      long current = limit.getLong(stream);
      if (current > 0 && current <= bound) {
        return null;
      }
      limit.setLong(stream, bound);
      return current;
    } catch (IllegalAccessException | RuntimeException e) {
      throw unguardable(e);
    }
  }

  /** Puts back the limit {@link #limit} replaced; best effort (the connection may be closed). */
  public static void restore(Connection connection, long previous) {
    try {
      java.util.Objects.requireNonNull(LIMIT).setLong(stream(connection), previous);
    } catch (IllegalAccessException | RuntimeException e) {
      // The connection is handed back either way; a pool that reuses it keeps the lower bound.
    }
  }

  /** The current limit in bytes, {@code -1} when unset; for tests. */
  static long current(Connection connection) throws IllegalAccessException {
    return java.util.Objects.requireNonNull(LIMIT).getLong(stream(connection));
  }

  private static Object stream(Connection connection) {
    Field streamField = STREAM;
    if (streamField == null || LIMIT == null) {
      throw unguardable(null);
    }
    try {
      Object qe = connection.unwrap(BaseConnection.class).getQueryExecutor();
      if (!streamField.getDeclaringClass().isInstance(qe)) {
        throw unguardable(null);
      }
      Object stream = streamField.get(qe);
      if (stream == null) {
        throw unguardable(null);
      }
      return stream;
    } catch (SQLException | IllegalAccessException | RuntimeException e) {
      if (e instanceof DbAccessException d) {
        throw d;
      }
      throw unguardable(e);
    }
  }

  private static DbAccessException unguardable(@Nullable Throwable cause) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, "the DataSource's connection is not"
        + " a pgjdbc connection whose result buffer (maxResultBuffer) can be bounded, so one"
        + " oversize value could exhaust this process's memory; pass a DataSource of pgjdbc"
        + " connections (a pool over org.postgresql.Driver) or use fromConfig", null, cause);
  }
}
