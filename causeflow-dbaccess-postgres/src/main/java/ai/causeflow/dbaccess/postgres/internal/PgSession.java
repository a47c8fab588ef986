package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One request's read-only transaction on one connection.
 *
 * <p>Opening: autocommit off (the driver then opens the transaction itself and needs it for
 * cursor-based fetching), {@code setReadOnly(true)} (pgjdbc then sends {@code BEGIN READ ONLY}),
 * and one round trip of
 *
 * <pre>
 * SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = ..; SET LOCAL lock_timeout = ..;
 * SET LOCAL idle_in_transaction_session_timeout = ..; SET LOCAL application_name = 'causeflow:<id>';
 * SET LOCAL search_path = pg_catalog, "<schema>", pg_temp; SET LOCAL IntervalStyle = 'iso_8601';
 * -- log_parameter_max_length_on_error = 0 (13+); for a superuser also temp_file_limit and the
 * -- log settings (log_min_messages = fatal, log_min_error_statement = panic, terse,
 * -- log_parameter_max_length = 0)
 * SELECT current_setting('log_min_error_statement')
 * </pre>
 *
 * The explicit {@code SET TRANSACTION READ ONLY} does not depend on the driver's read-only mode;
 * the final {@code SELECT} takes the transaction's snapshot, after which PostgreSQL refuses
 * {@code SET TRANSACTION READ WRITE} (tested). {@code SET TRANSACTION} rather than {@code BEGIN READ
 * ONLY}: it works inside whatever transaction the driver opened, without relying on how the driver
 * treats a statement that is itself a {@code BEGIN} (pgjdbc happens to skip its own, tested).
 *
 * <p>Closing: always {@code ROLLBACK}, then {@code DISCARD ALL} in autocommit mode (drops GUCs,
 * prepared statements, LISTENs, temp tables, session advisory locks), then the connection's
 * original autocommit/read-only/network timeout are restored and it is returned. Any failure
 * there discards the connection instead.
 *
 * <p>Thread-safety: one thread; {@link #cancel()} may be called from the cancel hook thread.
 */
public final class PgSession implements AutoCloseable {
  private static final Executor DIRECT = Runnable::run;
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** Server-side grace after the statement timeout before the socket read gives up. */
  private static final long NETWORK_GRACE_MS = 5_000;
  /**
   * How long a cancelled request may keep its connection before it is closed under it. A backend
   * blocked writing a result nobody reads does not act on a cancel (PostgreSQL handles a cancel
   * only between messages); closing the socket makes its next write fail, and it ends.
   */
  static final long ABORT_AFTER_CANCEL_MS = 2_000;
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "causeflow-pg-abort");
        t.setDaemon(true);
        return t;
      });

  private final ConnectionSource source;
  private final Connection connection;
  private final boolean savedAutoCommit;
  private final boolean savedReadOnly;
  private final int savedNetworkTimeout;
  private volatile @Nullable Statement current;
  private boolean broken;
  private boolean closed;
  /** Whether the server logs the text of a statement that fails (log_min_error_statement). */
  private boolean statementLoggedOnError = true;
  /** Guards {@link #released} and {@link #aborted} between the request and the watchdog. */
  private final Object releaseLock = new Object();
  private boolean released;
  private boolean aborted;

  private PgSession(ConnectionSource source, Connection connection, boolean savedAutoCommit,
      boolean savedReadOnly, int savedNetworkTimeout) {
    this.source = source;
    this.connection = connection;
    this.savedAutoCommit = savedAutoCommit;
    this.savedReadOnly = savedReadOnly;
    this.savedNetworkTimeout = savedNetworkTimeout;
  }

  /**
   * Acquires a connection and opens the read-only transaction. A reused connection that turns out
   * dead is discarded (with the other idle ones) and the open is retried once on a fresh one;
   * nothing of the request has run at that point, so the retry is safe.
   */
  public static PgSession open(ConnectionSource source, ExecutionContext ctx, String schema,
      Duration lockTimeout, Duration connectionWait) {
    if (!REQUEST_ID.matcher(ctx.requestId()).matches()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "requestId: must match [A-Za-z0-9._:-]{1,128}");
    }
    for (int attempt = 0; ; attempt++) {
      Duration wait = min(connectionWait, remaining(ctx));
      ConnectionSource.Acquired acquired = source.acquire(wait);
      try {
        return begin(source, acquired.connection(), ctx, schema, lockTimeout);
      } catch (DbAccessException e) {
        if (e.code() == ErrorCode.CONNECTION_FAILED && acquired.reused() && attempt == 0
            && source.ownsConnections()) {
          source.discardIdle();
          continue;
        }
        throw e;
      }
    }
  }

  private static PgSession begin(ConnectionSource source, Connection c, ExecutionContext ctx,
      String schema, Duration lockTimeout) {
    boolean autoCommit;
    boolean readOnly;
    int network;
    try {
      autoCommit = c.getAutoCommit();
      readOnly = c.isReadOnly();
      network = c.getNetworkTimeout();
    } catch (SQLException e) {
      source.release(c, false);
      throw SqlErrors.map(e, "preparing the connection");
    }
    PgSession s = new PgSession(source, c, autoCommit, readOnly, network);
    try {
      if (c.getAutoCommit()) {
        c.setAutoCommit(false);
      } else {
        c.rollback(); // a user's connection may arrive mid-transaction; start clean
      }
      c.setReadOnly(true);
      long timeoutMs = Math.max(1, remaining(ctx).toMillis());
      c.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, timeoutMs + NETWORK_GRACE_MS));
      long lockMs = Math.max(1, Math.min(lockTimeout.toMillis(), timeoutMs));
      long idleMs = timeoutMs + NETWORK_GRACE_MS;
      String preamble = "SET TRANSACTION READ ONLY;"
          + " SET LOCAL statement_timeout = " + timeoutMs + ";"
          + " SET LOCAL lock_timeout = " + lockMs + ";"
          + " SET LOCAL idle_in_transaction_session_timeout = " + idleMs + ";"
          + " SET LOCAL application_name = '" + applicationName(ctx.requestId()) + "';"
          + " SET LOCAL search_path = pg_catalog, " + quoteIdent(schema) + ", pg_temp;"
          + " SET LOCAL IntervalStyle = 'iso_8601';"
          // bound parameters of a failing statement are never copied into the server log (any
          // role may set it; PostgreSQL 13+, so guarded by version)
          + " SELECT pg_catalog.set_config('log_parameter_max_length_on_error', '0', true)"
          + " WHERE pg_catalog.current_setting('server_version_num')::int >= 130000;"
          // temp_file_limit is superuser-only: a superuser session gets it here; for another role
          // it is the role's (docs/postgres.md). Without it one sort spilled 3 GB in 15 s.
          // Likewise the log settings that keep a failing read's values (a failed cast quotes
          // the whole value) and statement text out of the server log: superuser-only to set,
          // set on the generated role by PostgresRoleSql.
          + " SELECT pg_catalog.set_config('temp_file_limit', '" + TEMP_FILE_LIMIT + "', true),"
          + " pg_catalog.set_config('log_min_messages', 'fatal', true),"
          + " pg_catalog.set_config('log_min_error_statement', 'panic', true),"
          + " pg_catalog.set_config('log_error_verbosity', 'terse', true)"
          + " FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolsuper;"
          + " SELECT pg_catalog.set_config('log_parameter_max_length', '0', true)"
          + " FROM pg_catalog.pg_roles WHERE rolname = current_user AND rolsuper"
          + " AND pg_catalog.current_setting('server_version_num')::int >= 130000;"
          // takes the snapshot, and tells whether a failing statement is logged whole
          + " SELECT pg_catalog.current_setting('log_min_error_statement')";
      try (Statement st = c.createStatement()) {
        boolean rows = st.execute(preamble);
        String minErrorStatement = null;
        while (true) {
          if (rows) {
            try (ResultSet rs = st.getResultSet()) {
              if (rs.next()) {
                minErrorStatement = rs.getString(1);
              }
            }
          } else if (st.getUpdateCount() == -1) {
            break;
          }
          rows = st.getMoreResults();
        }
        s.statementLoggedOnError = minErrorStatement == null
            || !(minErrorStatement.equals("log") || minErrorStatement.equals("fatal")
                || minErrorStatement.equals("panic"));
      }
      return s;
    } catch (SQLException e) {
      s.broken = SqlErrors.isFatal(e);
      DbAccessException mapped = SqlErrors.map(e, "opening the read-only transaction");
      s.close();
      throw mapped;
    } catch (RuntimeException e) {
      s.broken = true;
      s.close();
      throw e;
    }
  }

  /**
   * The most a statement may write to temporary files (sorts, hashes and CTEs that spill) when the
   * session's role is a superuser. The statement timeout alone does not bound the disk: measured,
   * one {@code ORDER BY md5(...)} over {@code generate_series} wrote 3 GB in 15 s.
   */
  static final String TEMP_FILE_LIMIT = "1GB";

  /** {@code causeflow:<requestId>}; PostgreSQL keeps the first 63 bytes. */
  static String applicationName(String requestId) {
    return "causeflow:" + requestId;
  }

  static String quoteIdent(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  public Connection connection() {
    return connection;
  }

  /** Remembers the statement the cancel hook must cancel. */
  public void track(Statement statement) {
    this.current = statement;
  }

  /**
   * Cancels the running statement at the server (pgjdbc sends a cancel request), and closes the
   * connection under the request if it still holds it {@link #ABORT_AFTER_CANCEL_MS} later, so
   * that the server ends the work (a backend blocked writing a large result ignores the cancel).
   */
  public void cancel() {
    try {
      // first: the cancel request below can itself block (pgjdbc waits up to its
      // cancelSignalTimeout for the server to acknowledge)
      WATCHDOG.schedule(this::abortIfStillHeld, ABORT_AFTER_CANCEL_MS,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // never shut down
    }
    Statement s = current;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException | RuntimeException ignored) {
        // The deadline still ends the request; the statement_timeout ends it at the server.
      }
    }
  }

  /** Closes the socket of a connection the cancelled request has not released yet. */
  void abortIfStillHeld() {
    synchronized (releaseLock) {
      if (released) {
        return;
      }
      aborted = true;
    }
    try {
      connection.abort(DIRECT); // closes the socket; the request's blocked read fails at once
    } catch (SQLException | RuntimeException ignored) {
      // the request ends anyway; the connection is discarded (aborted) when it is released
    }
  }

  /**
   * The longest statement sent when the server would copy a failing statement whole into its log
   * (and its error message can quote a literal of it): beyond it a request could write large
   * values into the server's files.
   */
  static final int MAX_LOGGED_STATEMENT_CHARS = 4_096;

  /**
   * Refuses a statement longer than {@link #MAX_LOGGED_STATEMENT_CHARS} when this session's role
   * has the server log failing statements ({@code log_min_error_statement} at {@code error} or
   * below, the default): a failure would copy it, with any value written into it, into the
   * server log. The generated role and superuser sessions do not log them, so the limit does not
   * apply there. Values belong in parameters, which are never logged.
   */
  public void refuseIfLoggedWhole(String sql) {
    if (statementLoggedOnError && sql.length() > MAX_LOGGED_STATEMENT_CHARS) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement is " + sql.length()
          + " characters, and this role's server log records a failing statement whole"
          + " (log_min_error_statement): at most " + MAX_LOGGED_STATEMENT_CHARS
          + " characters are sent; pass long values as parameters, or give the role the log"
          + " settings of the least-privilege guide (docs/postgres.md)");
    }
  }

  /**
   * Refuses, before anything reaches the driver, a statement or string parameter holding U+0000:
   * PostgreSQL text cannot hold it, and the driver failed the request in a way that cost the
   * pooled connection and read as retryable.
   */
  public static void refuseNul(@Nullable String statement, java.util.List<?> parameters) {
    if (statement != null && statement.indexOf('\0') >= 0) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement contains a NUL character"
          + " (U+0000), which PostgreSQL text cannot hold");
    }
    for (int i = 0; i < parameters.size(); i++) {
      if (holdsNul(parameters.get(i), 0)) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters[" + i + "]: contains a"
            + " NUL character (U+0000), which PostgreSQL text cannot hold");
      }
    }
  }

  private static boolean holdsNul(@Nullable Object v, int depth) {
    if (v instanceof CharSequence cs) {
      return cs.toString().indexOf('\0') >= 0;
    }
    if (depth < 64 && v instanceof Iterable<?> it) {
      for (Object o : it) {
        if (holdsNul(o, depth + 1)) {
          return true;
        }
      }
    }
    if (depth < 64 && v instanceof Object[] arr) {
      for (Object o : arr) {
        if (holdsNul(o, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Marks the connection as not reusable (e.g. after a connection-level failure). */
  public void markBroken() {
    this.broken = true;
  }

  /** Rolls back, resets and returns the connection; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean reusable = !broken;
    Statement s = current;
    current = null;
    if (s != null) {
      try {
        s.close();
      } catch (SQLException | RuntimeException e) {
        reusable = false;
      }
    }
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      reusable = false;
    }
    if (reusable) {
      reusable = reset();
    }
    synchronized (releaseLock) {
      released = true;
      if (aborted) {
        reusable = false; // closed under the request by the watchdog
      }
    }
    source.release(connection, reusable);
  }

  private boolean reset() {
    try {
      connection.setAutoCommit(true);
      try (Statement st = connection.createStatement()) {
        // Includes UNLISTEN *, pg_advisory_unlock_all(), RESET ALL, DEALLOCATE ALL, temp tables.
        st.execute("DISCARD ALL");
      }
      connection.setAutoCommit(savedAutoCommit);
      connection.setReadOnly(savedReadOnly);
      connection.setNetworkTimeout(DIRECT, savedNetworkTimeout);
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The request's timeout. The pipeline's timer enforces the exact deadline (from the settings'
   * clock); the server-side timeouts use the full timeout so a test clock cannot shrink them.
   */
  static Duration remaining(ExecutionContext ctx) {
    return ctx.timeout();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
