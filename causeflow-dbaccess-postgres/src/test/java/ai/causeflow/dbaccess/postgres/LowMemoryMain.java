package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import java.util.Set;

/**
 * Run by {@link PostgresLowMemoryIT} in a JVM with {@code -Xmx64m}: reads a table far larger than
 * the heap through the data source, once capped by rows and once by bytes.
 */
public final class LowMemoryMain {
  private LowMemoryMain() {}

  public static void main(String[] args) {
    PostgresConnectionConfig conn = new PostgresConnectionConfig(args[0],
        Integer.parseInt(args[1]), args[2], args[3], Secret.of(args[4]), "disable", 5_000);
    ResourceConfig rc = new ResourceConfig("lowmem", "postgres", "lowmem", conn,
        Set.of(Operation.QUERY), Policy.MAX_ROWS_LIMIT, 60_000, 1, List.of(), List.of(),
        List.of());
    Policy rowCapped = Policy.builder().maxRowsPerQuery(1_000).build();
    Policy byteCapped = Policy.builder().maxRowsPerQuery(Policy.MAX_ROWS_LIMIT)
        .maxResultBytes(2L << 20).statementTimeout(java.time.Duration.ofSeconds(60)).build();
    for (Policy p : List.of(rowCapped, byteCapped)) {
      try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(rc,
          DataSourceSettings.builder("lowmem").policy(p).build())) {
        QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM million").build());
        Runtime rt = Runtime.getRuntime();
        System.out.println("RESULT rows=" + r.rowCount() + " truncated=" + r.truncated() + " by="
            + r.metadata().truncatedBy() + " maxHeapMb=" + rt.maxMemory() / (1 << 20));
      }
    }
  }
}
