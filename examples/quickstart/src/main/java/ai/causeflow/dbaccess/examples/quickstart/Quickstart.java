package ai.causeflow.dbaccess.examples.quickstart;

// README-BEGIN
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

public final class Quickstart {
  private Quickstart() {}

  /** Customers created in the last hour, masked and audited; or the refusal's code. */
  public static Object recentCustomers(DataSource myDataSource) {
    Policy policy = Policy.builder()
        .allowedTables(List.of("public.*"))
        .blockedColumns(List.of("public.customers.password_hash"))
        .maxRowsPerQuery(200)
        .statementTimeout(Duration.ofSeconds(10))
        .build();
    // Safe by default: masks with the default detectors and writes one audit line (JSON) per
    // request to stderr; .masking(...) and .auditSink(...) change that explicitly.
    DataSourceSettings settings = DataSourceSettings.builder("main-pg")
        .policy(policy)
        .build();

    try (ReadOnlyDataSource db = PostgresReadOnlyDataSource.create(myDataSource, settings)) {
      QueryResult r = db.execute(QueryRequest
          .query("SELECT id, email, status FROM customers WHERE created_at > now() - $1::interval")
          .parameters(List.of("1 hour"))
          .limit(50)
          .build());
      r.rows();                          // [{id=7, email=***@***.***, status=blocked}, ...]
      r.truncated();                     // did more rows exist?
      r.metadata().patternsApplied();    // {email=...}
      return r;
    } catch (DbAccessException e) {
      return e.code();                   // QUERY_BLOCKED, TABLE_NOT_ALLOWED, TIMEOUT, ...
    }
  }
}
// README-END
