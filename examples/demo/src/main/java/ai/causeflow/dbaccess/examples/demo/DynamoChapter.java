package ai.causeflow.dbaccess.examples.demo;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyDataSource;
import ai.causeflow.dbaccess.dynamo.DynamoIamPolicies;
import ai.causeflow.dbaccess.dynamo.DynamoOptions;
import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The demo's DynamoDB chapter: the checkout sessions table of the same outage, read through
 * {@link DynamoDbReadOnlyDataSource} against dynalite (a DynamoDB API implementation on Node.js,
 * installed and started by the module's test fixture). Without Node.js the chapter is skipped with
 * one line saying so.
 *
 * <p>Thread-safety: one call per process.
 */
final class DynamoChapter {
  static final int STEPS = 5;
  /** Seeded values that must never be printed. */
  static final List<String> SEEDED = List.of("ana.silva@example.com", "bruno.lima@example.org",
      "203.0.113.77", "123-45-6789");

  private final PrintStream out;
  private int step;

  DynamoChapter(PrintStream out) {
    this.out = out;
  }

  void play(Path work) {
    out.println();
    out.println("DynamoDB chapter: the checkout sessions table");
    DynaliteServer server;
    try {
      System.setProperty("causeflow.dynalite.dir", work.resolve("dynalite").toString());
      server = DynaliteServer.start();
    } catch (IllegalStateException e) {
      out.println("  skipped: " + firstSentence(e.getMessage()));
      return;
    }
    try (DynaliteServer s = server; DynamoDbClient raw = s.rawClient()) {
      step("Starting dynalite and seeding the 'checkout_sessions' table");
      seed(raw);
      detail("dynalite on " + s.endpoint() + "; 6 sessions, each with email, IP, cart and profile");
      DataSourceSettings settings = DataSourceSettings.builder("sessions-ddb")
          .policy(Policy.builder()
              .allowedOperations(Set.of(Operation.QUERY, Operation.EXPLAIN,
                  Operation.DESCRIBE_TABLE, Operation.LIST_TABLES))
              .allowedTables(List.of("checkout_sessions"))
              .blockedColumns(List.of("checkout_sessions.profile.ssn"))
              .maxRowsPerQuery(3)
              .build())
          .masking(Masking.builder().enable("ipv4").build())
          .build();
      try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.fromConnection(
          DynamoConnection.builder("us-east-1").endpoint(s.endpoint()).build(), settings,
          DynamoOptions.defaults(), StaticCredentialsProvider.create(
              AwsBasicCredentials.create("AKIADEMO000000000000", "demo-secret")))) {
        step("describe_table: key schema, billing, capacity, TTL, stream");
        TableDescription d = ds.tableDescription("checkout_sessions");
        detail("primary key " + d.primaryKey() + ", billing " + d.details().get("billing_mode")
            + ", item count estimate " + d.estimatedRows() + " (DynamoDB refreshes it about every"
            + " six hours), ttl " + d.details().get("ttl") + ", stream "
            + d.details().get("stream"));
        step("Query: the failed checkouts of one customer (masked, 3 rows per request)");
        String q = "{\"Query\": {\"TableName\": \"checkout_sessions\","
            + " \"KeyConditionExpression\": \"customer = :c\", \"FilterExpression\":"
            + " \"#s = :failed\", \"ExpressionAttributeNames\": {\"#s\": \"status\"},"
            + " \"ExpressionAttributeValues\": {\":c\": \"customer#1\", \":failed\": \"FAILED\"}}}";
        QueryResult r = ds.execute(QueryRequest.query(q).build());
        for (Map<String, Object> row : r.rows()) {
          detail(ValueJson.toJson(row));
        }
        detail("truncated=" + r.truncated() + ", masked="
            + r.metadata().masked() + " " + r.metadata().patternsApplied() + ", profile.ssn removed"
            + " (blockedColumns), consumed capacity "
            + r.metadata().details().get("consumedCapacity") + ", continue after "
            + ValueJson.toJson(r.metadata().details().get("lastEvaluatedKey")));
        step("A write through the statement, and PartiQL: refused before anything is signed");
        for (String w : List.of("{\"PutItem\": {\"TableName\": \"checkout_sessions\","
            + " \"Item\": {\"customer\": \"customer#1\", \"started\": 0}}}",
            "{\"ExecuteStatement\": {\"Statement\": \"SELECT * FROM checkout_sessions\"}}")) {
          try {
            ds.execute(QueryRequest.query(w).build());
            detail("NOT refused: " + w);
          } catch (DbAccessException e) {
            detail(e.code().jsonRpcCode() + " " + e.code() + ": " + e.getMessage());
          }
        }
        step("The customer's IAM side: least-privilege permission policy for this resource");
        String policy = DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(
            "us-east-1", "123456789012", List.of("checkout_sessions"), List.of()));
        for (String line : policy.split("\n")) {
          if (line.contains("dynamodb:") || line.contains("arn:")) {
            detail(line.trim());
          }
        }
      }
    } catch (RuntimeException e) {
      out.println("  DynamoDB chapter failed: " + e.getClass().getSimpleName());
      throw e;
    }
  }

  private static void seed(DynamoDbClient raw) {
    raw.createTable(b -> b.tableName("checkout_sessions").billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("customer")
                .attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("started")
                .attributeType(ScalarAttributeType.N).build())
        .keySchema(KeySchemaElement.builder().attributeName("customer").keyType(KeyType.HASH)
                .build(),
            KeySchemaElement.builder().attributeName("started").keyType(KeyType.RANGE).build()));
    String[][] people = {{"customer#1", "ana.silva@example.com"},
        {"customer#2", "bruno.lima@example.org"}};
    int n = 0;
    for (String[] p : people) {
      for (int i = 0; i < 3; i++) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("customer", AttributeValue.fromS(p[0]));
        item.put("started", AttributeValue.fromN(Long.toString(1_733_300_000L + 60L * n++)));
        item.put("status", AttributeValue.fromS(i == 2 ? "PAID" : "FAILED"));
        item.put("email", AttributeValue.fromS(p[1]));
        item.put("client_ip", AttributeValue.fromS("203.0.113.77"));
        item.put("cart_total", AttributeValue.fromN("129.90"));
        item.put("profile", AttributeValue.fromM(Map.of("ssn", AttributeValue.fromS(
            "123-45-6789"), "tier", AttributeValue.fromS("gold"))));
        raw.putItem(b -> b.tableName("checkout_sessions").item(item));
      }
    }
  }

  private void step(String title) {
    step++;
    out.printf(Locale.ROOT, "[DynamoDB %d/%d] %s%n", step, STEPS, title);
  }

  private void detail(String line) {
    out.println("             " + line);
  }

  private static String firstSentence(String s) {
    List<String> parts = new ArrayList<>(List.of(s.split("(?<=\\.) ")));
    return parts.isEmpty() ? s : parts.get(0) + (parts.size() > 1 ? " " + parts.get(1) : "");
  }
}
