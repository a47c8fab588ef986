package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;

/**
 * Every DynamoDB API call except the allowed reads is refused before anything is sent: a local
 * HTTP listener stands in for DynamoDB and counts the requests that reach it.
 */
class DynamoDbReadOnlyInterceptorTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> targets = new ArrayList<>();
  private DynamoDbClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      synchronized (targets) {
        targets.add(ex.getRequestHeaders().getFirst("X-Amz-Target"));
      }
      ex.getRequestBody().readAllBytes();
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    client = DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIATEST000000000000", "test-secret")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create())
            .retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void refusesEveryOperationOutsideTheReadListAndSendsNothing() throws Exception {
    TreeSet<String> refused = new TreeSet<>();
    TreeSet<String> passed = new TreeSet<>();
    for (Method m : DynamoDbClient.class.getMethods()) {
      if (m.getParameterCount() != 1 || Modifier.isStatic(m.getModifiers())
          || !DynamoDbRequest.class.isAssignableFrom(m.getParameterTypes()[0])
          || m.getName().endsWith("Paginator")) {
        continue;
      }
      Object request = m.getParameterTypes()[0].getMethod("builder").invoke(null);
      request = ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) request).build();
      String op = Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1);
      int before = requests.get();
      Throwable t;
      try {
        m.invoke(client, request);
        t = null;
      } catch (InvocationTargetException e) {
        t = e.getCause();
      }
      if (DynamoDbReadOnlyInterceptor.ALLOWED_OPERATIONS.contains(op)) {
        passed.add(op);
        assertThat(requests.get()).as("allowed %s reaches the server", op).isEqualTo(before + 1);
      } else {
        refused.add(op);
        assertThat(t).as("refusal of %s", op).isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
        assertThat(((DynamoDbReadOnlyInterceptor.Refused) t).operation()).isEqualTo(op);
        assertThat(t.getMessage()).contains(op).contains("refused before signing");
        assertThat(requests.get()).as("nothing sent for %s", op).isEqualTo(before);
      }
    }
    assertThat(passed).containsExactlyInAnyOrderElementsOf(
        DynamoDbReadOnlyInterceptor.ALLOWED_OPERATIONS);
    assertThat(refused).contains("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
        "TransactWriteItems", "TransactGetItems", "ExecuteStatement", "BatchExecuteStatement",
        "ExecuteTransaction", "CreateTable", "DeleteTable", "UpdateTable", "UpdateTimeToLive",
        "CreateBackup", "RestoreTableFromBackup", "UpdateContinuousBackups", "TagResource",
        "PutResourcePolicy", "ImportTable", "ExportTableToPointInTime",
        "DescribeContinuousBackups", "DescribeEndpoints");
    assertThat(refused.size()).isGreaterThan(40);
    synchronized (targets) {
      assertThat(targets).hasSize(DynamoDbReadOnlyInterceptor.ALLOWED_OPERATIONS.size());
    }
  }

  @Test
  void partiqlSelectIsRefusedToo() {
    int before = requests.get();
    Throwable t = catchThrowable(() -> client.executeStatement(
        b -> b.statement("SELECT * FROM \"items\"")));
    assertThat(t).isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
    assertThat(requests.get()).isEqualTo(before);
  }

  @Test
  void writesWithRealisticArgumentsAreRefused() {
    Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("x"));
    assertThatThrownBy(() -> client.putItem(b -> b.tableName("items").item(item)))
        .isInstanceOf(SdkException.class)
        .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
    assertThatThrownBy(() -> client.deleteItem(b -> b.tableName("items").key(item)))
        .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
    assertThat(requests.get()).isZero();
  }

  @Test
  void detectsWhetherAClientCarriesIt() {
    assertThat(DynamoDbReadOnlyInterceptor.isInstalledOn(client)).isTrue();
    try (DynamoDbClient plain = DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIATEST000000000000", "test-secret")))
        .build()) {
      assertThat(DynamoDbReadOnlyInterceptor.isInstalledOn(plain)).isFalse();
    }
  }
}
