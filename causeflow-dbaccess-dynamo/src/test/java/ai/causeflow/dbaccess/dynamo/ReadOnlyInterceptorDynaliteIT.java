package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Against a real DynamoDB API (dynalite): refused writes leave the table exactly as it was. */
class ReadOnlyInterceptorDynaliteIT {

  @Test
  void writesNeverLandAndReadsWork() {
    DynaliteServer server = DynaliteServer.shared();
    String table = "interceptor_it_" + System.nanoTime();
    try (DynamoDbClient raw = server.rawClient();
        DynamoDbClient guarded = DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAFIXTURE000000000", "fixture-secret")))
            .overrideConfiguration(o -> o.addExecutionInterceptor(
                DynamoDbReadOnlyInterceptor.create()))
            .build()) {
      raw.createTable(b -> b.tableName(table)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
              .attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
          .billingMode("PAY_PER_REQUEST"));
      raw.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("a"),
          "v", AttributeValue.fromS("original"))));
      Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("a"));

      assertThatThrownBy(() -> guarded.putItem(b -> b.tableName(table).item(
          Map.of("pk", AttributeValue.fromS("b")))))
          .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
      assertThatThrownBy(() -> guarded.updateItem(b -> b.tableName(table).key(key)
          .updateExpression("SET v = :v")
          .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("changed")))))
          .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
      assertThatThrownBy(() -> guarded.deleteItem(b -> b.tableName(table).key(key)))
          .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);
      assertThatThrownBy(() -> guarded.deleteTable(b -> b.tableName(table)))
          .isInstanceOf(DynamoDbReadOnlyInterceptor.Refused.class);

      assertThat(guarded.getItem(b -> b.tableName(table).key(key)).item().get("v").s())
          .isEqualTo("original");
      assertThat(raw.scan(b -> b.tableName(table)).items()).hasSize(1);
      assertThat(guarded.listTables().tableNames()).contains(table);
      assertThat(List.of(raw.describeTable(b -> b.tableName(table)).table().tableName()))
          .containsExactly(table);
    }
  }
}
