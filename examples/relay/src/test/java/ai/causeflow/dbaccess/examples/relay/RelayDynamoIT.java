package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import ai.causeflow.dbaccess.dynamo.testing.DynamoTestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The relay serves a {@code dynamodb} resource (dynalite) over stdio, every method. */
class RelayDynamoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DynaliteServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = DynaliteServer.shared();
    try (DynamoDbClient raw = server.rawClient()) {
      DynamoTestData.ensure(raw);
    }
    // fromConfig signs with the default credential chain; dynalite accepts any key
    if (!server.external()) {
      System.setProperty("aws.accessKeyId", "AKIAFIXTURE000000000");
      System.setProperty("aws.secretAccessKey", "fixture-secret");
    }
  }

  @AfterAll
  static void clearCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private String yaml() {
    return """
        resources:
          - id: sessions-ddb
            type: dynamodb
            connection: {region: us-east-1, endpoint: "%s", allowCount: true}
            allowedOperations: [query, explain, describe_table, list_tables]
            allowedTables: [cf_items, cf_people]
            blockedColumns: [cf_people.ssn, cf_people.profile.ssn, cf_people.cards.ssn]
        masking:
          enabled: true
        audit:
          enabled: true
          output: stderr
        """.formatted(server.endpoint());
  }

  private List<JsonNode> run(String... requests) throws Exception {
    Path config = Files.writeString(dir.resolve("relay-config.yaml"), yaml());
    String in = String.join("\n", requests) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = RelayMain.run(new String[] {"--config", config.toString(), "--stdio"},
        new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), DataSourceFactory.defaults(),
        RelayOptions.defaults(), false);
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        answers.add(JSON.readTree(line));
      }
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(DynamoTestData.SSN_CANARY);
    return answers;
  }

  private static String execute(int id, String operation, String statement) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"execute\",\"params\":"
        + "{\"resourceId\":\"sessions-ddb\",\"operation\":\"" + operation + "\",\"statement\":"
        + JSON.valueToTree(statement) + ",\"limit\":3}}";
  }

  @Test
  void servesEveryMethod() throws Exception {
    List<JsonNode> a = run(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list_resources\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"describe_resource\",\"params\":"
            + "{\"resourceId\":\"sessions-ddb\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"health_check\"}",
        execute(4, "query", "{\"Query\": {\"TableName\": \"cf_items\", \"KeyConditionExpression\":"
            + " \"g = :g\", \"ExpressionAttributeValues\": {\":g\": \"item\"}}}"),
        execute(5, "query", "{\"Scan\": {\"TableName\": \"cf_people\"}}"),
        execute(6, "explain", "{\"Scan\": {\"TableName\": \"cf_people\"}}"),
        execute(7, "list_tables", ""),
        execute(8, "describe_table", "cf_people"),
        execute(9, "query", "{\"PutItem\": {\"TableName\": \"cf_items\", \"Item\": {}}}"),
        execute(10, "query", "{\"Scan\": {\"TableName\": \"cf_secrets\"}}"));
    assertThat(a).hasSize(10);
    a.sort(java.util.Comparator.comparingInt(n -> n.get("id").asInt())); // answers may overtake
    assertThat(a.get(0).has("result")).as(a.get(0).toString()).isTrue();
    JsonNode list = a.get(0).get("result").get(0);
    assertThat(list.get("resourceId").asText()).isEqualTo("sessions-ddb");
    assertThat(list.get("type").asText()).isEqualTo("dynamodb");
    JsonNode describe = a.get(1).get("result");
    assertThat(describe.get("tables").toString()).contains("cf_items").contains("cf_people")
        .doesNotContain("cf_secrets");
    assertThat(a.get(2).get("result").get(0).get("healthy").asBoolean()).isTrue();
    JsonNode q = a.get(3).get("result");
    assertThat(q.get("rowCount").asInt()).isEqualTo(3);
    assertThat(q.get("truncated").asBoolean()).isTrue();
    assertThat(q.get("rows").get(0).get("email").asText()).doesNotContain("user1@example.com");
    assertThat(q.get("metadata").get("details").get("lastEvaluatedKey").get("id").asLong())
        .isEqualTo(3);
    JsonNode people = a.get(4).get("result");
    assertThat(people.toString()).doesNotContain(DynamoTestData.SSN_CANARY).contains("Lisbon")
        .contains("12345678901234567890123456789012345678");
    assertThat(a.get(5).get("result").get("rows").get(0).get("plan").get("call").asText())
        .isEqualTo("Scan");
    assertThat(a.get(6).get("result").get("rows").toString()).contains("cf_people")
        .doesNotContain("cf_secrets");
    JsonNode d = a.get(7).get("result").get("rows").get(0);
    assertThat(d.get("primary_key").get(0).asText()).isEqualTo("pk");
    assertThat(d.get("billing_mode").asText()).isEqualTo("PAY_PER_REQUEST");
    assertThat(d.get("columns").toString()).contains("\"ssn\"").contains("\"blocked\":true");
    assertThat(a.get(8).get("error").get("data").get("reason").asText())
        .isEqualTo("QUERY_BLOCKED");
    assertThat(a.get(9).get("error").get("data").get("reason").asText())
        .isEqualTo("TABLE_NOT_ALLOWED");
  }

  @Test
  void printsTheIamPoliciesForTheConfig() throws Exception {
    Path config = Files.writeString(dir.resolve("iam.yaml"), """
        resources:
          - id: sessions-ddb
            type: dynamodb
            connection: {region: eu-west-1, roleArn: "arn:aws:iam::123456789012:role/CauseFlowRead", externalId: "ext-canary-771"}
            allowedOperations: [query, describe_table]
            allowedTables: [orders, orders.by_status]
            blockedTables: [orders-archive]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = RelayMain.run(new String[] {"--config", config.toString(), "--print-iam-policies",
            "--principal", "arn:aws:iam::210987654321:role/causeflow-relay"},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), DataSourceFactory.defaults(),
        RelayOptions.defaults(), false);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text).contains("arn:aws:dynamodb:eu-west-1:123456789012:table/orders\"")
        .contains("table/orders/index/by_status").contains("\"Deny\"")
        .contains("\"sts:ExternalId\": \"" + IamPolicyPrinter.EXTERNAL_ID_PLACEHOLDER)
        .doesNotContain("ext-canary-771").doesNotContain("dynamodb:ListTables")
        .doesNotContain("dynamodb:BatchGetItem");
  }
}
