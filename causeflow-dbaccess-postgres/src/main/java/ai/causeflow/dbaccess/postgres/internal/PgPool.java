package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;

/**
 * A deliberately tiny pool: at most {@code size} physical connections, a fair semaphore for the
 * bounded wait, a LIFO stack of idle ones. No background threads, no validation queries: a dead
 * idle connection is noticed by the session preamble (one round trip that happens anyway), which
 * then discards the idle ones and retries once on a fresh connection. A dependency such as HikariCP
 * would bring threads, metrics and leak detection we do not need for at most a handful of
 * connections per resource.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class PgPool implements ConnectionSource {
  private final String url;
  private final Properties properties;
  private final int size;
  private final Semaphore permits;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private final Driver driver = new Driver();
  private volatile boolean closed;

  /**
   * @param url {@code jdbc:postgresql://host:port/database} without credentials
   * @param properties driver properties (user, password, sslmode, timeouts); kept privately
   */
  public PgPool(String url, Properties properties, int size) {
    if (size < 1 || size > 100) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID,
          "poolSize: must be between 1 and 100, was " + size);
    }
    this.url = url;
    this.properties = (Properties) properties.clone();
    this.size = size;
    this.permits = new Semaphore(size, true);
  }

  @Override
  public Acquired acquire(Duration wait) {
    if (closed) {
      throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "data source is closed");
    }
    boolean got;
    try {
      got = permits.tryAcquire(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DbAccessException(ErrorCode.CANCELLED, "interrupted while waiting for a connection");
    }
    if (!got) {
      throw new DbAccessException(ErrorCode.CONNECTION_FAILED, "no free database connection within "
          + wait.toMillis() + " ms (poolSize " + size + " is busy); retry later or raise poolSize");
    }
    Connection c;
    synchronized (idle) {
      c = idle.pollFirst();
    }
    if (c != null) {
      return new Acquired(c, true);
    }
    try {
      Connection fresh = driver.connect(url, properties);
      if (fresh == null) {
        throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection url not accepted");
      }
      return new Acquired(fresh, false);
    } catch (SQLException e) {
      permits.release();
      throw SqlErrors.map(e, "connecting");
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  @Override
  public void release(Connection connection, boolean reusable) {
    try {
      if (reusable && !closed) {
        synchronized (idle) {
          idle.offerFirst(connection);
        }
        if (closed) {
          discardIdle(); // close() raced with us
        }
      } else {
        closeQuietly(connection);
      }
    } finally {
      permits.release();
    }
  }

  @Override
  public void discardIdle() {
    Connection c;
    while (true) {
      synchronized (idle) {
        c = idle.pollFirst();
      }
      if (c == null) {
        return;
      }
      closeQuietly(c);
    }
  }

  @Override
  public boolean ownsConnections() {
    return true;
  }

  /** Idle connections now (tests). */
  public int idleCount() {
    synchronized (idle) {
      return idle.size();
    }
  }

  @Override
  public void close() {
    closed = true;
    discardIdle();
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // Closing a dead connection fails; there is nothing left to release.
    }
  }
}
