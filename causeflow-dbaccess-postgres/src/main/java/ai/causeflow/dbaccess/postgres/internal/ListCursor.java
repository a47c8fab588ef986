package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A small result built in memory (describe_table); closes the session when closed. */
final class ListCursor implements RowCursor {
  private final List<Column> columns;
  private final Iterator<Map<String, @Nullable Object>> rows;
  private final PgSession session;

  ListCursor(List<Column> columns, List<Map<String, @Nullable Object>> rows, PgSession session) {
    this.columns = List.copyOf(columns);
    this.rows = rows.iterator();
    this.session = session;
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public @Nullable Map<String, @Nullable Object> next() {
    return rows.hasNext() ? rows.next() : null;
  }

  @Override
  public void close() {
    session.close();
  }
}
