package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.postgres.PostgresQueryValidator;
import ai.causeflow.dbaccess.postgres.ValidatedQuery;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * PostgreSQL validator throughput (statements/s) on a mix of realistic investigation statements:
 * uncached (every call lexes, parses and walks), cached (the LRU hit path), and the lexer alone.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar Validator -f 1 -wi 3 -w 2s -i 5 -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ValidatorBenchmark {
  /** A ~340-character investigation statement (the parser-speed figures use this size). */
  static final String LONG = "SELECT o.id, o.status, c.email, count(i.id) AS items, "
      + "sum(i.quantity * i.unit_price_cents) AS total "
      + "FROM orders o JOIN customers c ON c.id = o.customer_id "
      + "LEFT JOIN order_items i ON i.order_id = o.id "
      + "WHERE o.created_at > now() - interval '1 day' AND o.status IN ('failed', 'stuck') "
      + "GROUP BY o.id, o.status, c.email ORDER BY o.id DESC LIMIT 50";

  static final List<String> MIX = List.of(
      "SELECT id, status, total_cents, created_at FROM orders WHERE id = $1",
      LONG,
      "SELECT date_trunc('minute', created_at) AS m, count(*) FILTER (WHERE status_code >= 500)"
          + " FROM http_requests WHERE created_at > now() - interval '1 hour' GROUP BY 1 ORDER BY 1",
      "WITH failed AS (SELECT order_id FROM payments WHERE status = 'failed') SELECT f.order_id"
          + " FROM failed f LEFT JOIN payments p ON p.order_id = f.order_id AND p.status = 'ok'"
          + " WHERE p.order_id IS NULL",
      "SELECT id, payload->>'error' FROM events WHERE payload ? 'error' AND created_at > $1"
          + " ORDER BY created_at DESC LIMIT 100");

  private Policy policy;
  private PostgresQueryValidator uncached;
  private PostgresQueryValidator cached;
  private int next;

  @Setup
  public void setUp() {
    policy = Policy.builder().allowedTables(List.of("public.*"))
        .blockedColumns(List.of("public.customers.ssn")).build();
    uncached = PostgresQueryValidator.builder().cacheSize(0).build();
    cached = PostgresQueryValidator.builder().cacheSize(1024).build();
    if (LONG.length() < 320 || LONG.length() > 360) {
      throw new IllegalStateException("LONG is " + LONG.length() + " characters");
    }
  }

  private String nextStatement() {
    next = (next + 1) % MIX.size();
    return MIX.get(next);
  }

  @Benchmark
  public ValidatedQuery uncachedMix() {
    return uncached.validate(nextStatement(), policy);
  }

  @Benchmark
  public ValidatedQuery uncachedLong() {
    return uncached.validate(LONG, policy);
  }

  @Benchmark
  public ValidatedQuery cachedMix() {
    return cached.validate(nextStatement(), policy);
  }
}
