package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A validated PostgreSQL request. For {@code query}/{@code explain}: the JDBC text ({@code ?}
 * placeholders) and which {@code $n} each placeholder is. For the schema operations and DBA reads:
 * the parsed schema/table argument.
 */
record PgPlan(
    QueryRequest request,
    Set<String> tables,
    @Nullable String jdbcSql,
    int[] parameterIndexes,
    int maxParameter,
    @Nullable String schema,
    @Nullable String table) implements QueryPlan {

  PgPlan {
    tables = Set.copyOf(tables);
    parameterIndexes = parameterIndexes.clone();
  }
}
