package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import ai.causeflow.dbaccess.dynamo.testing.DynamoTestData;
import ai.causeflow.dbaccess.testkit.ReadOnlyDataSourceContract;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The contract suite against DynamoDB (dynalite, or {@code CAUSEFLOW_TEST_DYNAMO_ENDPOINT}). */
class DynamoContractIT extends ReadOnlyDataSourceContract {
  private static DynaliteServer server;
  private static DynamoDbClient raw;
  private static DynamoDbClient guarded;

  @BeforeAll
  static void seed() {
    server = DynaliteServer.shared();
    raw = server.rawClient();
    DynamoTestData.ensure(raw);
    guarded = guardedClient(server.endpoint());
  }

  @AfterAll
  static void closeClients() {
    guarded.close();
    raw.close();
  }

  static DynamoDbClient guardedClient(URI endpoint) {
    return DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAFIXTURE000000000", "fixture-secret")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create()))
        .build();
  }

  @Override
  protected ReadOnlyDataSource createDataSource(DataSourceSettings settings) {
    return DynamoDbReadOnlyDataSource.create(guarded, settings);
  }

  @Override
  protected ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings) {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return DynamoDbReadOnlyDataSource.fromConnection(DynamoConnection.builder("us-east-1")
            .endpoint(URI.create("http://127.0.0.1:" + port)).build(), settings,
        DynamoOptions.defaults(), StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAFIXTURE000000000", "fixture-secret")));
  }

  @Override
  protected String itemsTable() {
    return DynamoTestData.ITEMS;
  }

  @Override
  protected String secretsTable() {
    return DynamoTestData.SECRETS;
  }

  @Override
  protected String selectAllItems() {
    return "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\": \"g = :g\","
        + " \"ProjectionExpression\": \"id, #n, email, note\","
        + " \"ExpressionAttributeNames\": {\"#n\": \"name\"},"
        + " \"ExpressionAttributeValues\": {\":g\": \"item\"}}}";
  }

  @Override
  protected String selectItemById() {
    return "{\"Query\": {\"TableName\": \"cf_items\","
        + " \"KeyConditionExpression\": \"g = :g AND id = :p1\","
        + " \"ExpressionAttributeValues\": {\":g\": \"item\"}}}";
  }

  @Override
  protected String selectSecrets() {
    return "{\"Scan\": {\"TableName\": \"cf_secrets\"}}";
  }

  @Override
  protected List<String> writeAttempts() {
    return List.of(
        "{\"PutItem\": {\"TableName\": \"cf_items\", \"Item\": {\"g\": \"item\", \"id\": 999}}}",
        "{\"UpdateItem\": {\"TableName\": \"cf_items\", \"Key\": {\"g\": \"item\", \"id\": 1},"
            + " \"UpdateExpression\": \"SET note = :n\", \"ExpressionAttributeValues\":"
            + " {\":n\": \"x\"}}}",
        "{\"DeleteItem\": {\"TableName\": \"cf_items\", \"Key\": {\"g\": \"item\", \"id\": 1}}}",
        "{\"BatchWriteItem\": {\"RequestItems\": {\"cf_items\": []}}}",
        "{\"TransactWriteItems\": {\"TransactItems\": []}}",
        "{\"ExecuteStatement\": {\"Statement\": \"DELETE FROM cf_items WHERE g = 'item'\"}}",
        "{\"ExecuteStatement\": {\"Statement\": \"SELECT * FROM cf_items\"}}",
        "{\"BatchExecuteStatement\": {\"Statements\": []}}",
        "{\"ExecuteTransaction\": {\"TransactStatements\": []}}",
        "{\"DeleteTable\": {\"TableName\": \"cf_items\"}}",
        "{\"UpdateTable\": {\"TableName\": \"cf_items\"}}",
        "{\"CreateTable\": {\"TableName\": \"cf_new\"}}",
        "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\": \"g = :g\","
            + " \"UpdateExpression\": \"SET note = :g\", \"ExpressionAttributeValues\":"
            + " {\":g\": \"item\"}}}");
  }

  @Override
  protected Set<ErrorCode> writeRefusalCodes() {
    // an unknown field (UpdateExpression on a Query) is a parameter error naming the field
    return Set.of(ErrorCode.QUERY_BLOCKED, ErrorCode.INVALID_PARAMS);
  }

  @Override
  protected @Nullable String slowQuery() {
    return null; // dynalite answers every read at once; timeouts are tested in DynamoLimitsIT
  }

  @Override
  protected String failingQueryQuoting(String secret) {
    // a string where the sort key is a number: DynamoDB's ValidationException
    return "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\":"
        + " \"g = :g AND id = :v\", \"ExpressionAttributeValues\": {\":g\": \"item\", \":v\": \""
        + secret + "\"}}}";
  }

  @Override
  protected @Nullable String queryWithLiteral(String literal) {
    return "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\": \"g = :g\","
        + " \"FilterExpression\": \"#n = :n\", \"ExpressionAttributeNames\": {\"#n\": \"name\"},"
        + " \"ExpressionAttributeValues\": {\":g\": \"item\", \":n\": \"" + literal + "\"}}}";
  }

  @Override
  protected long countItemsDirectly() {
    return raw.scan(b -> b.tableName(DynamoTestData.ITEMS)
        .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)).count();
  }
}
