package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Set;

/**
 * Run by {@link PostgresLowMemoryIT} in a JVM with a small heap: json values of tens of MB made of
 * tiny elements ({@code [{},{},...]}), which as a tree would take many times the heap, must stop
 * at the byte cap with {@code RESULT_TOO_LARGE} (first row) or a byte truncation (later row).
 */
public final class JsonBudgetMain {
  private JsonBudgetMain() {}

  public static void main(String[] args) {
    PostgresConnectionConfig conn = new PostgresConnectionConfig(args[0],
        Integer.parseInt(args[1]), args[2], args[3], Secret.of(args[4]), "disable", 5_000);
    ResourceConfig rc = new ResourceConfig("jsonmem", "postgres", "jsonmem", conn,
        Set.of(Operation.QUERY), Policy.MAX_ROWS_LIMIT, 60_000, 1, List.of(), List.of(),
        List.of());
    Policy policy = Policy.builder().statementTimeout(java.time.Duration.ofSeconds(60)).build();
    String[] statements = {
        "SELECT j FROM tiny_json", // 30 MB of [{},{},...] in the first row
        "SELECT j FROM tiny_jsonb",
        "SELECT a FROM tiny_array",
        "SELECT id, j FROM mixed_json ORDER BY id", // small rows, then the big one
        "SELECT count(*) AS n FROM tiny_json", // still serving
    };
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(rc,
        DataSourceSettings.builder("jsonmem").policy(policy).build())) {
      for (String sql : statements) {
        try {
          QueryResult r = ds.execute(QueryRequest.query(sql).build());
          System.out.println("RESULT rows=" + r.rowCount() + " truncated=" + r.truncated()
              + " by=" + r.metadata().truncatedBy());
        } catch (DbAccessException e) {
          System.out.println("ERROR " + e.code());
        }
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("HEAP peakMb=" + peak / (1 << 20) + " maxMb="
        + Runtime.getRuntime().maxMemory() / (1 << 20));
  }
}
