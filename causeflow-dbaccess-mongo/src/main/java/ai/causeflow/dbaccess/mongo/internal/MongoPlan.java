package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import java.util.Set;
import org.bson.BsonDocument;
import org.jspecify.annotations.Nullable;

/**
 * A validated MongoDB request.
 *
 * @param command the validated query command (query and explain), else null
 * @param kind what validation made of it (query and explain), else null
 * @param collection the collection the operation reads, or null for database-wide operations
 * @param tables every collection the plan reads
 */
record MongoPlan(QueryRequest request, CommandValidator.@Nullable Command kind,
    @Nullable BsonDocument command, @Nullable String collection, Set<String> tables)
    implements QueryPlan {

  /**
   * Query results are documents: the pipeline removes blocked fields at any depth from every row
   * as well (this backend already skipped them while decoding).
   */
  @Override
  public ColumnScope columnScope() {
    return kind != null ? ColumnScope.DOCUMENTS : ColumnScope.DECLARED;
  }
}
