package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import ai.causeflow.dbaccess.dynamo.testing.DynamoTestData;
import ai.causeflow.dbaccess.testkit.TestMasking;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Row, byte, page, capacity and time limits, and continuing from the reported key. */
class DynamoLimitsIT {
  private static DynamoDbClient raw;
  private static DynamoDbClient guarded;

  @BeforeAll
  static void setUp() {
    DynaliteServer server = DynaliteServer.shared();
    raw = server.rawClient();
    DynamoTestData.ensure(raw);
    guarded = DynamoContractIT.guardedClient(server.endpoint());
  }

  @AfterAll
  static void tearDown() {
    guarded.close();
    raw.close();
  }

  private static DynamoDbReadOnlyDataSource ds(Policy p, DynamoOptions o) {
    return DynamoDbReadOnlyDataSource.create(guarded,
        DataSourceSettings.builder("limits").policy(p).build(), o);
  }

  private static String itemsQuery(String extra) {
    return "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\": \"g = :g\","
        + " \"ExpressionAttributeValues\": {\":g\": \"item\"}" + extra + "}}";
  }

  private static String withStart(Object key) {
    return ", \"ExclusiveStartKey\": " + ValueJson.toJson(key);
  }

  @Test
  void rowCapReportsTheKeyToContinueFromAndContinuingReadsEveryItemOnce() {
    try (DynamoDbReadOnlyDataSource ds = ds(Policy.defaults(), DynamoOptions.defaults())) {
      List<Long> ids = new ArrayList<>();
      Object start = null;
      int requests = 0;
      while (true) {
        String extra = start == null ? "" : withStart(start);
        QueryResult r = ds.execute(QueryRequest.query(itemsQuery(extra)).limit(7).build());
        requests++;
        r.rows().forEach(row -> ids.add(((Number) row.get("id")).longValue()));
        assertThat(r.metadata().details()).containsKey("consumedCapacity").containsKey("pages");
        if (!r.truncated()) {
          assertThat(r.metadata().details()).doesNotContainKey("lastEvaluatedKey");
          break;
        }
        assertThat(r.metadata().truncatedBy()).isEqualTo("rows");
        start = r.metadata().details().get("lastEvaluatedKey");
        assertThat(start).isEqualTo(Map.of("g", "item", "id", ids.get(ids.size() - 1)));
      }
      assertThat(requests).isEqualTo(8);
      assertThat(ids).hasSize(50).doesNotHaveDuplicates().isSorted();
    }
  }

  @Test
  void byteCapReportsTheKeyOfTheLastKeptRow() {
    Policy small = Policy.builder().maxResultBytes(1_024).build();
    try (DynamoDbReadOnlyDataSource ds = ds(small, DynamoOptions.defaults())) {
      QueryResult r = ds.execute(QueryRequest.query(itemsQuery("")).build());
      assertThat(r.metadata().truncatedBy()).isEqualTo("bytes");
      long last = ((Number) r.rows().get(r.rowCount() - 1).get("id")).longValue();
      assertThat(r.metadata().details().get("lastEvaluatedKey"))
          .isEqualTo(Map.of("g", "item", "id", last));
      QueryResult next = ds.execute(QueryRequest.query(itemsQuery(withStart(
          r.metadata().details().get("lastEvaluatedKey")))).limit(1).build());
      assertThat(((Number) next.rows().get(0).get("id")).longValue()).isEqualTo(last + 1);
    }
  }

  @Test
  void pageCapStopsAFilterThatMatchesNothing() {
    Policy five = Policy.builder().maxRowsPerQuery(5).build();
    DynamoOptions twoPages = DynamoOptions.defaults().toBuilder().maxPagesPerRequest(2).build();
    try (DynamoDbReadOnlyDataSource ds = ds(five, twoPages)) {
      QueryResult r = ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
          + " \"FilterExpression\": \"id > :big\", \"ExpressionAttributeValues\":"
          + " {\":big\": 1000}}}").build());
      assertThat(r.rowCount()).isZero();
      assertThat(r.truncated()).isTrue();
      assertThat(r.metadata().truncatedBy()).isEqualTo("pages");
      assertThat(r.metadata().details()).containsEntry("pages", 2)
          .containsEntry("scannedCount", 12L)
          .containsKey("lastEvaluatedKey");
    }
  }

  @Test
  void capacityCapStopsReading() {
    DynamoOptions oneUnit = DynamoOptions.defaults().toBuilder().maxReadCapacityPerRequest(1)
        .build();
    Policy five = Policy.builder().maxRowsPerQuery(5).build();
    try (DynamoDbReadOnlyDataSource ds = ds(five, oneUnit)) {
      QueryResult r = ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
          + " \"FilterExpression\": \"id > :big\", \"ExpressionAttributeValues\":"
          + " {\":big\": 1000}}}").build());
      double consumed = ((Number) r.metadata().details().get("consumedCapacity")).doubleValue();
      // each page of 6 small items costs 0.5 units: the second page reaches the cap of 1
      assertThat(consumed).isGreaterThanOrEqualTo(1.0);
      assertThat(r.metadata().truncatedBy()).isEqualTo("capacity");
      assertThat((Integer) r.metadata().details().get("pages")).isBetween(1, 9);
    }
  }

  @Test
  void statementLimitCountsEvaluatedItems() {
    try (DynamoDbReadOnlyDataSource ds = ds(Policy.defaults(), DynamoOptions.defaults())) {
      QueryResult r = ds.execute(QueryRequest.query(itemsQuery(", \"Limit\": 3")).build());
      assertThat(r.rowCount()).isEqualTo(3);
      assertThat(r.truncated()).isTrue();
      assertThat(r.metadata().truncatedBy()).isEqualTo("limit");
      assertThat(r.metadata().details().get("lastEvaluatedKey"))
          .isEqualTo(Map.of("g", "item", "id", 3L));
    }
  }

  @Test
  void countWhereAllowed() {
    DynamoOptions count = DynamoOptions.defaults().toBuilder().allowCount(true).build();
    try (DynamoDbReadOnlyDataSource ds = ds(Policy.defaults(), count)) {
      QueryResult r = ds.execute(QueryRequest.query(itemsQuery(", \"Select\": \"COUNT\""))
          .build());
      assertThat(r.rows()).containsExactly(Map.of("count", 50L, "scanned_count", 50L));
      assertThat(r.truncated()).isFalse();
    }
  }

  @Test
  void continuationKeyIsMaskedLikeDataAndLosesBlockedAttributes() {
    DataSourceSettings masked = DataSourceSettings.builder("limits").masking(new TestMasking())
        .build();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(guarded, masked)) {
      QueryResult r = ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
          + " \"IndexName\": \"by_email\"}}").limit(1).build());
      @SuppressWarnings("unchecked")
      Map<String, Object> key = (Map<String, Object>) r.metadata().details()
          .get("lastEvaluatedKey");
      assertThat(key).containsEntry("email", TestMasking.MASK).containsKeys("g", "id");
      assertThat(r.metadata().maskedFieldCount()).isEqualTo(1);
    }
    Policy blockEmail = Policy.builder().blockedColumns(List.of("cf_items.email")).build();
    try (DynamoDbReadOnlyDataSource ds = ds(blockEmail, DynamoOptions.defaults())) {
      QueryResult r = ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
          + " \"IndexName\": \"by_email\"}}").limit(1).build());
      assertThat(r.rows().get(0)).doesNotContainKey("email");
      @SuppressWarnings("unchecked")
      Map<String, Object> key = (Map<String, Object>) r.metadata().details()
          .get("lastEvaluatedKey");
      assertThat(key).doesNotContainKey("email").containsKeys("g", "id");
      assertThat(r.metadata().details().toString()).doesNotContain("@example.com");
    }
  }

  @Test
  void aStalledEndpointTimesOutAndTheSourceStaysUsable() throws Exception {
    HttpServer stall = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    stall.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    stall.createContext("/", ex -> {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
    });
    stall.start();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.fromConnection(
        DynamoConnection.builder("us-east-1")
            .endpoint(URI.create("http://127.0.0.1:" + stall.getAddress().getPort())).build(),
        DataSourceSettings.builder("limits").policy(Policy.builder()
            .statementTimeout(Duration.ofMillis(400)).build()).build(),
        DynamoOptions.defaults(), StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAFIXTURE000000000", "fixture-secret")))) {
      long start = System.nanoTime();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query(itemsQuery("")).build()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(ms).isLessThan(5_000);
      assertThat(ds.inFlight()).isZero();
    } finally {
      stall.stop(0);
    }
  }
}
