package ai.causeflow.dbaccess.dynamo.testing;

import ai.causeflow.dbaccess.testkit.ContractDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The tables the DynamoDB tests read, created once per endpoint (idempotent, so an external
 * endpoint can be reused):
 *
 * <ul>
 *   <li>{@value #ITEMS}: {@link ContractDataset#items()} under partition key {@code g = "item"},
 *       sort key {@code id} (so a Query returns them in id order), plus a GSI {@code by_email};
 *   <li>{@value #SECRETS}: {@link ContractDataset#secrets()}, key {@code id};
 *   <li>{@value #PEOPLE}: documents with nested PII ({@code profile.ssn}, {@code cards} list of
 *       maps, sets, big numbers, binary) for the attack suite and value tests.
 * </ul>
 *
 * <p>Thread-safety: call from one thread (tests set up once per class).
 */
public final class DynamoTestData {
  public static final String ITEMS = "cf_items";
  public static final String SECRETS = "cf_secrets";
  public static final String PEOPLE = "cf_people";
  public static final String SSN_CANARY = "987-65-4321";

  private DynamoTestData() {}

  /** Creates and fills the tables unless they exist. */
  public static synchronized void ensure(DynamoDbClient raw) {
    if (!exists(raw, ITEMS)) {
      raw.createTable(b -> b.tableName(ITEMS).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(attr("g", ScalarAttributeType.S), attr("id", ScalarAttributeType.N),
              attr("email", ScalarAttributeType.S))
          .keySchema(key("g", KeyType.HASH), key("id", KeyType.RANGE))
          .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("by_email")
              .keySchema(key("email", KeyType.HASH))
              .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
              .build()));
      List<Map<String, AttributeValue>> items = new ArrayList<>();
      for (Map<String, @Nullable Object> row : ContractDataset.items()) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("g", AttributeValue.fromS("item"));
        item.put("id", AttributeValue.fromN(row.get("id").toString()));
        item.put("name", AttributeValue.fromS((String) row.get("name")));
        item.put("email", AttributeValue.fromS((String) row.get("email")));
        item.put("note", AttributeValue.fromS((String) row.get("note")));
        items.add(item);
      }
      write(raw, ITEMS, items);
    }
    if (!exists(raw, SECRETS)) {
      raw.createTable(b -> b.tableName(SECRETS).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(attr("id", ScalarAttributeType.N))
          .keySchema(key("id", KeyType.HASH)));
      write(raw, SECRETS, List.of(Map.of("id", AttributeValue.fromN("1"),
          "value", AttributeValue.fromS(ContractDataset.SECRET_VALUE))));
    }
    if (!exists(raw, PEOPLE)) {
      raw.createTable(b -> b.tableName(PEOPLE).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(attr("pk", ScalarAttributeType.S))
          .keySchema(key("pk", KeyType.HASH)));
      List<Map<String, AttributeValue>> people = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        Map<String, AttributeValue> p = new LinkedHashMap<>();
        p.put("pk", AttributeValue.fromS("person-" + i));
        p.put("name", AttributeValue.fromS("Person " + i));
        p.put("ssn", AttributeValue.fromS(SSN_CANARY));
        p.put("profile", AttributeValue.fromM(Map.of(
            "city", AttributeValue.fromS("Lisbon"),
            "ssn", AttributeValue.fromS(SSN_CANARY),
            "contact", AttributeValue.fromM(Map.of("email",
                AttributeValue.fromS("person" + i + "@example.com"))))));
        p.put("cards", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
            "last4", AttributeValue.fromS("4242"), "ssn", AttributeValue.fromS(SSN_CANARY))))));
        p.put("tags", AttributeValue.fromSs(List.of("a", "b")));
        p.put("scores", AttributeValue.fromNs(List.of("1", "9007199254740993")));
        p.put("big", AttributeValue.fromN("12345678901234567890123456789012345678"));
        p.put("ratio", AttributeValue.fromN("0.1000000000000000000001"));
        p.put("blob", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes
            .fromUtf8String("hi")));
        people.add(p);
      }
      write(raw, PEOPLE, people);
    }
  }

  private static boolean exists(DynamoDbClient raw, String table) {
    try {
      raw.describeTable(b -> b.tableName(table));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private static void write(DynamoDbClient raw, String table,
      List<Map<String, AttributeValue>> items) {
    for (int i = 0; i < items.size(); i += 25) {
      List<WriteRequest> batch = new ArrayList<>();
      for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
        batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      }
      Map<String, List<WriteRequest>> req = Map.of(table, batch);
      var resp = raw.batchWriteItem(b -> b.requestItems(req));
      if (resp.hasUnprocessedItems() && !resp.unprocessedItems().isEmpty()) {
        throw new IllegalStateException("seeding " + table + " left unprocessed items");
      }
    }
  }

  /** Every item of every test table, read behind the library's back (to prove nothing changed). */
  public static Map<String, List<Map<String, AttributeValue>>> snapshot(DynamoDbClient raw) {
    Map<String, List<Map<String, AttributeValue>>> out = new LinkedHashMap<>();
    for (String t : List.of(ITEMS, SECRETS, PEOPLE)) {
      List<Map<String, AttributeValue>> items = new ArrayList<>();
      raw.scanPaginator(b -> b.tableName(t)).items().forEach(items::add);
      items.sort(java.util.Comparator.comparing(Object::toString));
      out.put(t, items);
    }
    out.put("__tables", List.of(Map.of("names", AttributeValue.fromSs(
        raw.listTables().tableNames()))));
    return out;
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
