package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.LazyValue;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.core.spi.RowShape;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGResultSetMetaData;

/**
 * Streams the rows of one prepared statement through a server-side portal ({@code setFetchSize}
 * with autocommit off): only {@code fetchSize} rows are in memory at a time, and closing stops the
 * server from producing more. Closing rolls the transaction back and resets the connection.
 *
 * <p>Thread-safety: one thread; the session's cancel may come from another.
 */
final class PgCursor implements RowCursor {

  /** Post-processing of a row (DBA reads): change it (it is mutable), or return null to skip it. */
  @FunctionalInterface
  interface RowHook {
    @Nullable Map<String, @Nullable Object> apply(Map<String, @Nullable Object> row);
  }

  private final PgSession session;
  private final Statement statement;
  private final ResultSet rs;
  private final List<Column> columns;
  private final RowShape shape;
  private final PgValues.Reader[] readers;
  private final @Nullable RowHook hook;
  /** Filled for every row: {@link RowShape#row} copies it, so the pipeline owns each row. */
  private final @Nullable Object[] values;
  private boolean closed;

  private PgCursor(PgSession session, Statement statement, ResultSet rs,
      List<Column> columns, RowShape shape, PgValues.Reader[] readers, @Nullable RowHook hook) {
    this.session = session;
    this.statement = statement;
    this.rs = rs;
    this.columns = columns;
    this.shape = shape;
    this.readers = readers;
    this.values = new Object[readers.length];
    this.hook = hook;
  }

  /**
   * Runs {@code sql} in the session and returns a cursor over its rows. On any failure the session
   * is closed (rolled back, reset) before the exception leaves.
   *
   * @param parameterIndexes which {@code $n} each {@code ?} is
   * @param renames replacement column names by position (null entries keep the server's name)
   */
  static PgCursor execute(PgSession session, ExecutionContext ctx, String sql,
      int[] parameterIndexes, List<@Nullable Object> parameters, int fetchSize,
      @Nullable Policy columnPolicy, @Nullable RowHook hook, String @Nullable [] renames) {
    try {
      PreparedStatement ps = session.connection().prepareStatement(sql,
          ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      session.track(ps);
      ps.setFetchSize(fetchSize);
      PgBinder.bind(ps, parameterIndexes, parameters);
      if (ctx.isCancelled()) {
        throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
      }
      ResultSet rs = ps.executeQuery();
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      PGResultSetMetaData pg = md.isWrapperFor(PGResultSetMetaData.class)
          ? md.unwrap(PGResultSetMetaData.class) : null;
      String[] raw = new String[n];
      for (int i = 0; i < n; i++) {
        raw[i] = renames != null && i < renames.length && renames[i] != null
            ? renames[i] : md.getColumnLabel(i + 1);
      }
      String[] names = uniqueNames(raw);
      List<Column> columns = new ArrayList<>(n);
      PgValues.Reader[] readers = new PgValues.Reader[n];
      for (int i = 0; i < n; i++) {
        String type = PgValues.canonicalType(md.getColumnTypeName(i + 1));
        String source = null;
        if (pg != null) {
          String table = pg.getBaseTableName(i + 1);
          if (table != null && !table.isEmpty()) {
            source = pg.getBaseSchemaName(i + 1) + "." + table;
            String base = pg.getBaseColumnName(i + 1);
            // Defence in depth: whatever the validator concluded, a blocked column that reaches
            // the result set is refused before its first value is read.
            if (columnPolicy != null && base != null && !base.isEmpty()) {
              columnPolicy.checkColumn(source + "." + base);
            }
          }
        }
        columns.add(new Column(names[i], type, source));
        readers[i] = PgValues.readerFor(type);
      }
      return new PgCursor(session, ps, rs, List.copyOf(columns), RowShape.of(List.of(names)),
          readers, hook);
    } catch (SQLException e) {
      if (SqlErrors.isFatal(e)) {
        session.markBroken();
      }
      DbAccessException mapped = SqlErrors.map(e, "executing the statement");
      session.close();
      throw mapped;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** {@code id, id} becomes {@code id, id_2}: rows are maps, so names must be unique. */
  static String[] uniqueNames(String[] raw) {
    Set<String> taken = new HashSet<>(List.of(raw));
    Set<String> used = new HashSet<>();
    String[] out = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      String name = raw[i];
      if (used.contains(name)) {
        int k = 2;
        while (taken.contains(name + "_" + k) || used.contains(name + "_" + k)) {
          k++;
        }
        name = name + "_" + k;
      }
      used.add(name);
      out[i] = name;
    }
    return out;
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public @Nullable Map<String, @Nullable Object> next() {
    try {
      while (rs.next()) {
        for (int i = 0; i < readers.length; i++) {
          values[i] = readers[i].read(rs, i + 1);
        }
        if (hook == null) {
          return shape.row(values);
        }
        // hooks may change the row in place: give them a mutable one
        Map<String, @Nullable Object> row = new LinkedHashMap<>(values.length * 2);
        for (int i = 0; i < values.length; i++) {
          row.put(shape.name(i), LazyValue.resolved(values[i]));
        }
        Map<String, @Nullable Object> kept = hook.apply(row);
        if (kept != null) {
          return kept;
        }
      }
      return null;
    } catch (SQLException e) {
      if (SqlErrors.isFatal(e)) {
        session.markBroken();
      }
      throw SqlErrors.map(e, "reading rows");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      rs.close(); // closes the portal: the server stops producing rows
    } catch (SQLException | RuntimeException e) {
      session.markBroken();
    }
    try {
      statement.close();
    } catch (SQLException | RuntimeException e) {
      session.markBroken();
    }
    session.close();
  }
}
