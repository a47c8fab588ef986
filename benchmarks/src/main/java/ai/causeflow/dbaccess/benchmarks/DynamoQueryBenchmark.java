package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyDataSource;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyInterceptor;
import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Items per second from one DynamoDB partition of {@value #ITEMS} items (about 250 bytes each:
 * strings with an email, numbers, a nested map), one Query per operation, against dynalite on
 * loopback, same run:
 *
 * <ul>
 *   <li>{@code raw}: the AWS SDK client (URL-connection HTTP client, no interceptor), items kept
 *       as the SDK's AttributeValue maps: the floor;
 *   <li>{@code dataSourceMasked}: {@link DynamoDbReadOnlyDataSource} with the default masking
 *       (items converted to the value model, masked, measured against the byte cap, audited);
 *   <li>{@code dataSourceUnmasked}: the same without masking.
 * </ul>
 *
 * Needs Node.js (dynalite is installed by the fixture into {@code target/dynalite} of the working
 * directory). Run: {@code java -jar benchmarks/target/benchmarks.jar DynamoQuery -f 1 -wi 3 -i 5
 * -w 3s -r 3s}. Results are in {@code docs/benchmarks.md}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Duser.timezone=UTC"})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DynamoQueryBenchmark {
  static final int ITEMS = 1_000;
  static final String TABLE = "bench_items";
  static final String QUERY = "{\"Query\": {\"TableName\": \"" + TABLE + "\","
      + " \"KeyConditionExpression\": \"pk = :p\", \"ExpressionAttributeValues\":"
      + " {\":p\": \"tenant#1\"}}}";

  DynaliteServer server;
  DynamoDbClient raw;
  DynamoDbClient guarded;
  DynamoDbReadOnlyDataSource masked;
  DynamoDbReadOnlyDataSource unmasked;

  @Setup
  public void setUp() {
    server = DynaliteServer.start();
    StaticCredentialsProvider creds = StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIABENCH00000000000", "bench-secret"));
    raw = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(server.endpoint()).region(Region.US_EAST_1).credentialsProvider(creds)
        .build();
    guarded = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(server.endpoint()).region(Region.US_EAST_1).credentialsProvider(creds)
        .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create()))
        .build();
    seed();
    masked = source(Masking.defaults());
    unmasked = source(MaskingStage.none());
    int n = masked.execute(request()).rowCount();
    if (n != ITEMS || rawQuery().count() != ITEMS) {
      throw new IllegalStateException("expected " + ITEMS + " items, got " + n);
    }
  }

  private DynamoDbReadOnlyDataSource source(MaskingStage masking) {
    return DynamoDbReadOnlyDataSource.create(guarded, DataSourceSettings.builder("bench")
        .policy(Policy.builder().maxRowsPerQuery(ITEMS).build()).masking(masking).build());
  }

  private void seed() {
    raw.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S)
                .build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N)
                .build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 1; i <= ITEMS; i++) {
      Map<String, AttributeValue> item = new LinkedHashMap<>();
      item.put("pk", AttributeValue.fromS("tenant#1"));
      item.put("sk", AttributeValue.fromN(Integer.toString(i)));
      item.put("status", AttributeValue.fromS(i % 7 == 0 ? "FAILED" : "PAID"));
      item.put("email", AttributeValue.fromS("customer" + i + "@example.com"));
      item.put("amount", AttributeValue.fromN(String.format(Locale.ROOT, "%d.%02d", i, i % 100)));
      item.put("note", AttributeValue.fromS("checkout session " + i + " for order " + (10_000 + i)
          + " via web"));
      item.put("cart", AttributeValue.fromM(Map.of("items", AttributeValue.fromN("3"),
          "coupon", AttributeValue.fromS("SPRING" + (i % 10)))));
      batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      if (batch.size() == 25) {
        List<WriteRequest> b = List.copyOf(batch);
        raw.batchWriteItem(r -> r.requestItems(Map.of(TABLE, b)));
        batch.clear();
      }
    }
  }

  private static QueryRequest request() {
    return QueryRequest.query(QUERY).limit(ITEMS).build();
  }

  private QueryResponse rawQuery() {
    // the same request the data source sends: Limit = rows wanted + 1
    return raw.query(b -> b.tableName(TABLE).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("tenant#1")))
        .limit(ITEMS + 1));
  }

  @TearDown
  public void tearDown() {
    masked.close();
    unmasked.close();
    guarded.close();
    raw.close();
    server.close();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void raw(Blackhole bh) {
    QueryResponse r = rawQuery();
    for (Map<String, AttributeValue> item : r.items()) {
      bh.consume(item);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void dataSourceMasked(Blackhole bh) {
    QueryResult r = masked.execute(request());
    bh.consume(r.rows());
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void dataSourceUnmasked(Blackhole bh) {
    QueryResult r = unmasked.execute(request());
    bh.consume(r.rows());
  }
}
