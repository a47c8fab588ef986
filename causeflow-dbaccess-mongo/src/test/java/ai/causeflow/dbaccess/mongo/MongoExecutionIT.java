package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What reaches the server (maxTimeMS, comment, limit + 1, allowDiskUse, killCursors) and how a
 * timeout or cancel releases the caller while the server is still working.
 */
class MongoExecutionIT {
  static final MongoTestServer SERVER = MongoTestServer.shared();
  static final List<BsonDocument> SENT = new CopyOnWriteArrayList<>();
  static MongoClient client;
  static String db;

  @BeforeAll
  static void start() {
    db = SERVER.createDatabase("exec");
    SERVER.seedContract(db);
    client = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(SERVER.uri()))
        .addCommandListener(new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            SENT.add(e.getCommand().clone());
          }
        }).build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @BeforeEach
  void clear() {
    SENT.clear();
  }

  /** About 10,000 joined documents: seconds of work for the in-process server. */
  static final String SLOW = "{\"aggregate\": \"items\", \"pipeline\": [" + join() + ", {\"$limit\":"
      + " 200}, " + join() + ", {\"$count\": \"n\"}]}";

  private static String join() {
    return "{\"$lookup\": {\"from\": \"items\", \"localField\": \"nope\", \"foreignField\":"
        + " \"nope\", \"as\": \"j\"}}, {\"$unwind\": \"$j\"}";
  }

  static BsonDocument sent(String command) {
    return SENT.stream().filter(c -> c.getFirstKey().equals(command)).findFirst().orElseThrow();
  }

  MongoReadOnlyDataSource ds(Policy policy, MongoOptions options) {
    return MongoReadOnlyDataSource.create(client, db, DataSourceSettings.builder("exec")
        .policy(policy).build(), options);
  }

  @Test
  void findCarriesTheDeadlineTheRequestIdAndLimitPlusOne() {
    Policy p = Policy.builder().statementTimeout(Duration.ofSeconds(7)).build();
    try (MongoReadOnlyDataSource ds = ds(p, MongoOptions.defaults())) {
      QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"items\", \"limit\": 100}")
          .requestId("req-find-1").limit(5).build());
      assertThat(r.rowCount()).isEqualTo(5);
      assertThat(r.truncated()).isTrue();
      BsonDocument find = sent("find");
      assertThat(find.getString("comment").getValue()).isEqualTo("req-find-1");
      long maxTime = find.getNumber("maxTimeMS").longValue();
      assertThat(maxTime).isPositive().isLessThanOrEqualTo(7_000);
      assertThat(find.getNumber("limit").intValue()).isEqualTo(6);
    }
  }

  @Test
  void aggregateNeverAllowsDiskUseUnlessConfiguredAndEndsWithTheRowLimit() {
    String stmt = "{\"aggregate\": \"items\", \"pipeline\": [{\"$match\": {}}]}";
    try (MongoReadOnlyDataSource ds = ds(Policy.defaults(), MongoOptions.defaults())) {
      ds.execute(QueryRequest.query(stmt).requestId("req-agg-1").limit(3).build());
      BsonDocument agg = sent("aggregate");
      assertThat(agg.getBoolean("allowDiskUse").getValue()).isFalse();
      assertThat(agg.getString("comment").getValue()).isEqualTo("req-agg-1");
      assertThat(agg.containsKey("maxTimeMS")).isTrue();
      List<org.bson.BsonValue> pipeline = agg.getArray("pipeline").getValues();
      assertThat(pipeline.get(pipeline.size() - 1).asDocument())
          .isEqualTo(BsonDocument.parse("{\"$limit\": 4}"));
    }
    SENT.clear();
    try (MongoReadOnlyDataSource ds = ds(Policy.defaults(),
        MongoOptions.builder().allowDiskUse(true).build())) {
      ds.execute(QueryRequest.query(stmt).build());
      assertThat(sent("aggregate").getBoolean("allowDiskUse").getValue()).isTrue();
    }
  }

  @Test
  void countAndDistinctCarryTheDeadlineAndRequestIdToo() {
    try (MongoReadOnlyDataSource ds = ds(Policy.defaults(), MongoOptions.defaults())) {
      ds.execute(QueryRequest.query("{\"count\": \"items\"}").requestId("req-c").build());
      ds.execute(QueryRequest.query("{\"distinct\": \"items\", \"key\": \"name\"}")
          .requestId("req-d").build());
    }
    assertThat(sent("count").getString("comment").getValue()).isEqualTo("req-c");
    assertThat(sent("count").containsKey("maxTimeMS")).isTrue();
    assertThat(sent("distinct").getString("comment").getValue()).isEqualTo("req-d");
    assertThat(sent("distinct").containsKey("maxTimeMS")).isTrue();
  }

  @Test
  void aTimeoutReleasesTheCallerWhileTheServerIsStillBusy() {
    Policy p = Policy.builder().statementTimeout(Duration.ofMillis(300)).build();
    try (MongoReadOnlyDataSource ds = ds(p, MongoOptions.defaults())) {
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query(SLOW).requestId("req-slow-1").build()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(ms).isLessThan(1_500);
      BsonDocument agg = sent("aggregate");
      assertThat(agg.getNumber("maxTimeMS").longValue()).isLessThanOrEqualTo(300);
      assertThat(agg.getString("comment").getValue()).isEqualTo("req-slow-1");
    }
    try (MongoReadOnlyDataSource ds = ds(Policy.defaults(), MongoOptions.defaults())) {
      assertThat(ds.execute(QueryRequest.query("{\"find\": \"items\"}").limit(2).build())
          .rowCount()).isEqualTo(2);
    }
  }

  @Test
  void cancelReleasesTheCallerAtOnce() throws Exception {
    try (MongoReadOnlyDataSource ds = ds(Policy.defaults(), MongoOptions.defaults())) {
      CompletableFuture<QueryResult> running = CompletableFuture.supplyAsync(() -> ds.execute(
          QueryRequest.query(SLOW).requestId("req-cancel-1").build()));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!ds.cancel("req-cancel-1")) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      long start = System.nanoTime();
      Throwable t = catchThrowableOfType(ExecutionException.class,
          () -> running.get(10, TimeUnit.SECONDS)).getCause();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
      assertThat(((DbAccessException) t).code()).isEqualTo(ErrorCode.CANCELLED);
      assertThat(ds.inFlight()).isZero();
    }
  }

  @Test
  void aCursorLeftOpenByTheByteCapIsKilled() throws InterruptedException {
    Policy small = Policy.builder().maxResultBytes(1_024).build();
    try (MongoReadOnlyDataSource ds = ds(small, MongoOptions.builder().batchSize(10).build())) {
      QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"items\"}").build());
      assertThat(r.truncated()).isTrue();
      assertThat(r.metadata().truncatedBy()).isEqualTo("bytes");
    }
    // the close runs right after the fetch in flight (the prefetch of the next batch) returns
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (SENT.stream().noneMatch(c -> c.getFirstKey().equals("killCursors"))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(SENT).extracting(BsonDocument::getFirstKey).contains("killCursors");
  }
}
