package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One huge value must be refused before it reaches the heap: the byte cap is checked only on rows
 * already read, so pgjdbc's {@code maxResultBuffer} bounds what one round trip may buffer.
 * Before the bound, {@code SELECT repeat('x', 300000000)} grew the heap by ~576 MB (1 GB value:
 * 1.9 GB) before the 1 MiB cap refused it, well within the statement timeout.
 */
class PostgresResultBufferIT {

  @Test
  void aHugeValueIsRefusedBeforeItIsBuffered() throws Exception {
    TestDatabase db = EmbeddedPostgresServer.shared().createDatabase("rbuf");
    Duration timeout = Duration.ofSeconds(30);
    Policy policy = Policy.builder().maxRowsPerQuery(100).maxResultBytes(1 << 20)
        .statementTimeout(timeout).build();
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(
        new ResourceConfig("rbuf", "postgres", "rbuf", db.connectionConfig(),
            Policy.DEFAULT_OPERATIONS, 100, timeout.toMillis(), 1, List.of(), List.of(),
            List.of()),
        DataSourceSettings.builder("rbuf").policy(policy).build())) {
      AtomicLong peak = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread sampler = new Thread(() -> {
        while (!stop.get()) {
          peak.accumulateAndGet(used(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      System.gc();
      long before = used();
      peak.set(before);
      sampler.start();
      try {
        assertThatThrownBy(() -> ds.execute(
            QueryRequest.query("SELECT repeat('x', 300000000) AS big").build()))
            .isInstanceOf(DbAccessException.class)
            .satisfies(e -> {
              assertThat(((DbAccessException) e).code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
              assertThat(e.getMessage()).contains("maxResultBuffer").doesNotContain("xxxx");
            });
      } finally {
        stop.set(true);
        sampler.join();
      }
      long growthMb = (peak.get() - before) >> 20;
      assertThat(growthMb).as("heap growth in MB while refusing a 300 MB value")
          .isLessThan(150);

      // the discarded connection is replaced, and ordinary truncation by bytes still works
      QueryResult small = ds.execute(QueryRequest.query("SELECT 42 AS n").build());
      assertThat(small.rows()).hasSize(1);
      QueryResult truncated = ds.execute(QueryRequest.query(
          "SELECT g, repeat('y', 100000) AS pad FROM generate_series(1, 60) g").build());
      assertThat(truncated.truncated()).isTrue();
      assertThat(truncated.rows()).isNotEmpty().hasSizeLessThan(60);
    }
  }

  private static long used() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
