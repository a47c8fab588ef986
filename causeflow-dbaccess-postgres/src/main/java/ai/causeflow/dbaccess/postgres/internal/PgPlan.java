package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A validated PostgreSQL request. For {@code query}/{@code explain}: the JDBC text ({@code ?}
 * placeholders) and which {@code $n} each placeholder is. For the schema operations and DBA reads:
 * the parsed schema/table argument. {@link #columns()} names the columns the validator attributed
 * to a table, so the pipeline applies the column policy too.
 */
record PgPlan(
    QueryRequest request,
    Set<String> tables,
    @Nullable String jdbcSql,
    int[] parameterIndexes,
    int maxParameter,
    @Nullable String schema,
    @Nullable String table,
    Set<String> columns) implements QueryPlan {

  PgPlan {
    tables = Set.copyOf(tables);
    columns = Set.copyOf(columns);
    parameterIndexes = parameterIndexes.clone();
  }
}
