package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Run by {@link PostgresLowMemoryIT} in a JVM with {@code -Xmx64m -XX:+ExitOnOutOfMemoryError}:
 * a caller's own DataSource without {@code maxResultBuffer}, then a 100 MB value. Any
 * OutOfMemoryError ends the JVM, so printing a RESULT_TOO_LARGE line proves none happened.
 */
public final class CallerPoolMain {
  private CallerPoolMain() {}

  public static void main(String[] args) {
    PGSimpleDataSource pool = new PGSimpleDataSource();
    pool.setServerNames(new String[] {args[0]});
    pool.setPortNumbers(new int[] {Integer.parseInt(args[1])});
    pool.setDatabaseName(args[2]);
    pool.setUser(args[3]);
    pool.setPassword(args[4]);
    Policy policy = Policy.builder().maxResultBytes(1 << 20).build();
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(pool,
        DataSourceSettings.builder("caller").policy(policy).auditSink(AuditSink.discard())
            .build())) {
      for (String sql : new String[] {"SELECT repeat('x', 100000000) AS big",
          "SELECT g, repeat('y', 1000000) AS pad FROM generate_series(1, 100) g"}) {
        try {
          ds.execute(QueryRequest.query(sql).build());
          System.out.println("UNEXPECTED success");
        } catch (DbAccessException e) {
          System.out.println("RESULT code=" + e.code() + " message=" + e.getMessage());
        }
      }
      QueryResult small = ds.execute(QueryRequest.query("SELECT 42 AS n").build());
      System.out.println("RESULT small rows=" + small.rowCount());
    }
  }
}
