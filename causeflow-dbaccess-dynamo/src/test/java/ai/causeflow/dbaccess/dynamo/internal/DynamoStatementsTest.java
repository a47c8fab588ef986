package ai.causeflow.dbaccess.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.dynamo.DynamoOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

class DynamoStatementsTest {
  private static final String SECRET = "s3cr3t-canary-7731";
  private static final Policy POLICY = Policy.builder()
      .allowedOperations(java.util.Set.of(Operation.QUERY, Operation.LIST_TABLES,
          Operation.DESCRIBE_TABLE))
      .blockedTables(List.of("secrets", "orders.by_email"))
      .blockedColumns(List.of("users.ssn", "users.profile.tax_id", "*password*"))
      .build();
  private static final DynamoOptions OPTS = DynamoOptions.defaults();

  private static DynamoPlan parse(String json) {
    return parse(json, OPTS);
  }

  private static DynamoPlan parse(String json, DynamoOptions o) {
    return DynamoStatements.parse(QueryRequest.query(json).build(), POLICY, o);
  }

  private static DbAccessException refused(String json, ErrorCode code) {
    return refused(json, code, OPTS);
  }

  private static DbAccessException refused(String json, ErrorCode code, DynamoOptions o) {
    DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> parse(json, o));
    assertThat(e).as("refusal of %s", json).isNotNull();
    assertThat(e.code()).as("code for %s: %s", json, e.getMessage()).isEqualTo(code);
    assertThat(e.getMessage()).doesNotContain(SECRET);
    return e;
  }

  @Test
  void getItemWithPlainAndTypedKeys() {
    DynamoPlan p = parse("{\"GetItem\":{\"TableName\":\"users\",\"Key\":{\"id\":42,"
        + "\"sk\":{\"S\":\"a\"}},\"ProjectionExpression\":\"id, #n, profile.city\","
        + "\"ExpressionAttributeNames\":{\"#n\":\"name\"}}}");
    assertThat(p.kind()).isEqualTo(DynamoPlan.Kind.GET_ITEM);
    assertThat(p.tables()).containsExactly("users");
    assertThat(p.projectedAttributes()).containsExactly("id", "name", "profile");
    GetItemRequest r = (GetItemRequest) p.sdkRequest();
    assertThat(r.key()).containsEntry("id", AttributeValue.fromN("42"))
        .containsEntry("sk", AttributeValue.fromS("a"));
    assertThat(r.consistentRead()).isFalse();
  }

  @Test
  void queryAndScanCarryTheirFields() {
    DynamoPlan q = parse("{\"Query\":{\"TableName\":\"orders\",\"IndexName\":\"by_status\","
        + "\"KeyConditionExpression\":\"#s = :s AND created BETWEEN :a AND :b\","
        + "\"FilterExpression\":\"attribute_exists(total) AND NOT contains(tags, :t)\","
        + "\"ExpressionAttributeNames\":{\"#s\":\"status\"},"
        + "\"ExpressionAttributeValues\":{\":s\":\"late\",\":a\":1,\":b\":{\"N\":\"2\"},"
        + "\":t\":\"x\"},\"Limit\":5,\"ScanIndexForward\":false,"
        + "\"ExclusiveStartKey\":{\"id\":{\"S\":\"o-1\"}}}}");
    assertThat(q.kind()).isEqualTo(DynamoPlan.Kind.QUERY);
    assertThat(q.tables()).containsExactlyInAnyOrder("orders", "orders.by_status");
    assertThat(q.userLimit()).isEqualTo(5);
    var qr = (software.amazon.awssdk.services.dynamodb.model.QueryRequest) q.sdkRequest();
    assertThat(qr.scanIndexForward()).isFalse();
    assertThat(qr.limit()).isNull();
    assertThat(qr.exclusiveStartKey()).containsKey("id");
    DynamoPlan s = parse("{\"Scan\":{\"TableName\":\"orders\"}}");
    assertThat(s.kind()).isEqualTo(DynamoPlan.Kind.SCAN);
    assertThat(((ScanRequest) s.sdkRequest()).returnConsumedCapacityAsString())
        .isEqualTo("TOTAL");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"PutItem\":{\"TableName\":\"users\",\"Item\":{\"id\":1}}}|QUERY_BLOCKED",
      "{\"UpdateItem\":{\"TableName\":\"users\"}}|QUERY_BLOCKED",
      "{\"DeleteItem\":{\"TableName\":\"users\"}}|QUERY_BLOCKED",
      "{\"BatchWriteItem\":{}}|QUERY_BLOCKED",
      "{\"TransactWriteItems\":{}}|QUERY_BLOCKED",
      "{\"TransactGetItems\":{}}|QUERY_BLOCKED",
      "{\"ExecuteStatement\":{\"Statement\":\"SELECT * FROM users\"}}|QUERY_BLOCKED",
      "{\"BatchExecuteStatement\":{}}|QUERY_BLOCKED",
      "{\"ExecuteTransaction\":{}}|QUERY_BLOCKED",
      "{\"DeleteTable\":{\"TableName\":\"users\"}}|QUERY_BLOCKED",
      "{\"BatchGetItem\":{\"RequestItems\":{}}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\"},\"PutItem\":{}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"TableName\":\"secrets\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\"}} {\"PutItem\":{}}|INVALID_PARAMS",
      "[{\"Scan\":{\"TableName\":\"users\"}}]|INVALID_PARAMS",
      "SELECT * FROM users|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"ScanFilter\":{}}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"Limit\":\"10\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"Limit\":0}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"Limit\":1.5}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":7}}|INVALID_PARAMS",
      "{\"Scan\":{}}|INVALID_PARAMS",
      "{\"Query\":{\"TableName\":\"users\"}}|INVALID_PARAMS",
      "{\"GetItem\":{\"TableName\":\"users\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"ReturnConsumedCapacity\":\"NONE\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"secrets\"}}|TABLE_NOT_ALLOWED",
      "{\"Query\":{\"TableName\":\"orders\",\"IndexName\":\"by_email\",\"KeyConditionExpression\":\"e = :e\",\"ExpressionAttributeValues\":{\":e\":\"x\"}}}|TABLE_NOT_ALLOWED",
      "{\"GetItem\":{\"TableName\":\"SECRETS\",\"Key\":{\"id\":1}}}|TABLE_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"ssn\"}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"id, #a\",\"ExpressionAttributeNames\":{\"#a\":\"ssn\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"profile.tax_id\"}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"#p.#t\",\"ExpressionAttributeNames\":{\"#p\":\"profile\",\"#t\":\"tax_id\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"ssn[0]\"}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"ssn.x\"}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"db_password\"}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"begins_with(ssn, :p)\",\"ExpressionAttributeValues\":{\":p\":\"s3cr3t-canary-7731\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"#x = :p\",\"ExpressionAttributeNames\":{\"#x\":\"ssn\"},\"ExpressionAttributeValues\":{\":p\":\"s3cr3t-canary-7731\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"profile = :m\",\"ExpressionAttributeValues\":{\":m\":{\"tax_id\":\"s3cr3t-canary-7731\"}}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"size(ssn) > :n\",\"ExpressionAttributeValues\":{\":n\":3}}}|COLUMN_NOT_ALLOWED",
      "{\"Query\":{\"TableName\":\"users\",\"KeyConditionExpression\":\"ssn = :s\",\"ExpressionAttributeValues\":{\":s\":\"s3cr3t-canary-7731\"}}}|COLUMN_NOT_ALLOWED",
      "{\"GetItem\":{\"TableName\":\"users\",\"Key\":{\"ssn\":\"s3cr3t-canary-7731\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"ExclusiveStartKey\":{\"ssn\":\"s3cr3t-canary-7731\"}}}|COLUMN_NOT_ALLOWED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"evil(id)\"}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"id = :v; DROP\",\"ExpressionAttributeValues\":{\":v\":1}}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"id ssn\"}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"#zz\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"FilterExpression\":\"id = :missing\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"ConsistentRead\":true}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"Select\":\"COUNT\"}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"Segment\":0,\"TotalSegments\":4}}|QUERY_BLOCKED",
      "{\"Scan\":{\"TableName\":\"users\",\"Select\":\"EVERYTHING\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"ExpressionAttributeValues\":{\":v\":{\"N\":\"s3cr3t-canary-7731\"}},\"FilterExpression\":\"id = :v\"}}|INVALID_PARAMS",
      "{\"Scan\":{\"TableName\":\"users\",\"ExpressionAttributeValues\":{\":v\":{\"B\":\"s3cr3t-canary-7731!\"}},\"FilterExpression\":\"id = :v\"}}|INVALID_PARAMS",
  })
  void refuses(String json, ErrorCode code) {
    DbAccessException e = refused(json, code);
    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  void errorsNameTheField() {
    assertThat(refused("{\"Scan\":{\"TableName\":\"users\",\"Limit\":\"10\"}}",
        ErrorCode.INVALID_PARAMS).getMessage()).startsWith("statement.Scan.Limit:");
    assertThat(refused("{\"Query\":{\"TableName\":\"users\",\"Bogus\":1}}",
        ErrorCode.INVALID_PARAMS).getMessage()).startsWith("statement.Query.Bogus: unknown field");
    assertThat(refused("{\"Scan\":{\"TableName\":\"users\",\"ScanFilter\":{}}}",
        ErrorCode.INVALID_PARAMS).getMessage()).contains("legacy");
    assertThat(refused("{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":\"#a\","
        + "\"ExpressionAttributeNames\":{\"#a\":\"ssn\"}}}", ErrorCode.COLUMN_NOT_ALLOWED)
        .getMessage()).contains("statement.Scan.ProjectionExpression").contains("users.ssn");
  }

  @Test
  void optionsOpenWhatTheyName() {
    DynamoOptions all = OPTS.toBuilder().allowConsistentRead(true).allowCount(true)
        .allowParallelScan(true).allowBatchGetItem(true).build();
    DynamoPlan c = parse("{\"Scan\":{\"TableName\":\"users\",\"Select\":\"COUNT\","
        + "\"ConsistentRead\":true,\"Segment\":1,\"TotalSegments\":4}}", all);
    assertThat(c.count()).isTrue();
    ScanRequest r = (ScanRequest) c.sdkRequest();
    assertThat(r.segment()).isEqualTo(1);
    assertThat(r.totalSegments()).isEqualTo(4);
    assertThat(r.consistentRead()).isTrue();
    refused("{\"Scan\":{\"TableName\":\"users\",\"Segment\":4,\"TotalSegments\":4}}",
        ErrorCode.INVALID_PARAMS, all);
    refused("{\"Scan\":{\"TableName\":\"users\",\"Segment\":0,\"TotalSegments\":17}}",
        ErrorCode.INVALID_PARAMS, all);
    refused("{\"Scan\":{\"TableName\":\"users\",\"Segment\":0}}", ErrorCode.INVALID_PARAMS, all);
    DynamoPlan b = parse("{\"BatchGetItem\":{\"RequestItems\":{\"users\":{\"Keys\":[{\"id\":1},"
        + "{\"id\":2}],\"ProjectionExpression\":\"id\"}}}}", all);
    assertThat(b.kind()).isEqualTo(DynamoPlan.Kind.BATCH_GET_ITEM);
    refused("{\"BatchGetItem\":{\"RequestItems\":{\"secrets\":{\"Keys\":[{\"id\":1}]}}}}",
        ErrorCode.TABLE_NOT_ALLOWED, all);
    refused("{\"BatchGetItem\":{\"RequestItems\":{\"users\":{\"Keys\":[{\"ssn\":\"x\"}]}}}}",
        ErrorCode.COLUMN_NOT_ALLOWED, all);
    refused("{\"BatchGetItem\":{\"RequestItems\":{\"users\":{\"Keys\":[{\"id\":1}]},"
        + "\"orders\":{\"Keys\":[{\"id\":1}]}}}}", ErrorCode.INVALID_PARAMS, all);
  }

  @Test
  void parentOfABlockedAttributeMayBeProjected() {
    // profile holds the blocked tax_id: projecting profile is allowed (the attribute is removed
    // from every item), filtering on it is not (the condition could reveal the value).
    DynamoPlan p = parse("{\"Scan\":{\"TableName\":\"users\",\"ProjectionExpression\":"
        + "\"profile\"}}");
    assertThat(p.projectedAttributes()).containsExactly("profile");
  }

  @Test
  void schemaOperations() {
    DynamoPlan d = DynamoStatements.parse(QueryRequest.builder(Operation.DESCRIBE_TABLE)
        .statement("users").build(), POLICY, OPTS);
    assertThat(d.kind()).isEqualTo(DynamoPlan.Kind.DESCRIBE_TABLE);
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> DynamoStatements.parse(QueryRequest.builder(Operation.DESCRIBE_TABLE)
            .statement("secrets").build(), POLICY, OPTS));
    assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    DbAccessException p = catchThrowableOfType(DbAccessException.class,
        () -> DynamoStatements.parse(QueryRequest.query("{\"GetItem\":{\"TableName\":\"users\","
            + "\"Key\":{\"id\":1}}}").parameters(List.of(SECRET)).build(), POLICY, OPTS));
    assertThat(p.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(p.getMessage()).startsWith("parameters:").doesNotContain(SECRET);
    DbAccessException dp = catchThrowableOfType(DbAccessException.class,
        () -> DynamoStatements.parse(QueryRequest.builder(Operation.DESCRIBE_TABLE)
            .statement("users").parameters(List.of(1)).build(), POLICY, OPTS));
    assertThat(dp.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
  }

  @Test
  void parametersAreBoundAsNumberedPlaceholders() {
    DynamoPlan p = DynamoStatements.parse(QueryRequest.query("{\"Scan\":{\"TableName\":"
        + "\"users\",\"FilterExpression\":\"id = :p1 AND #n = :p2\","
        + "\"ExpressionAttributeNames\":{\"#n\":\"name\"}}}")
        .parameters(List.of(42L, SECRET)).build(), POLICY, OPTS);
    ScanRequest r = (ScanRequest) p.sdkRequest();
    assertThat(r.expressionAttributeValues()).containsEntry(":p1", AttributeValue.fromN("42"))
        .containsEntry(":p2", AttributeValue.fromS(SECRET));
    DbAccessException clash = catchThrowableOfType(DbAccessException.class,
        () -> DynamoStatements.parse(QueryRequest.query("{\"Scan\":{\"TableName\":\"users\","
            + "\"FilterExpression\":\"id = :p1\",\"ExpressionAttributeValues\":{\":p1\":1}}}")
            .parameters(List.of(SECRET)).build(), POLICY, OPTS));
    assertThat(clash.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(clash.getMessage()).contains(":p1").doesNotContain(SECRET);
  }

  @Test
  void valuesKeepTheirPrecisionOnTheWayIn() {
    DynamoPlan p = parse("{\"GetItem\":{\"TableName\":\"users\",\"Key\":{"
        + "\"big\":123456789012345678901234567890,\"dec\":0.1000000000000000000001,"
        + "\"ss\":{\"SS\":[\"a\",\"b\"]},\"m\":{\"x\":[1,true,null]},"
        + "\"typed_m\":{\"M\":{\"S\":{\"S\":\"literal\"}}}}}}");
    Map<String, AttributeValue> key = ((GetItemRequest) p.sdkRequest()).key();
    assertThat(key.get("big").n()).isEqualTo("123456789012345678901234567890");
    assertThat(key.get("dec").n()).isEqualTo("0.1000000000000000000001");
    assertThat(key.get("ss").ss()).containsExactly("a", "b");
    assertThat(key.get("m").m().get("x").l()).containsExactly(AttributeValue.fromN("1"),
        AttributeValue.fromBool(true), AttributeValue.fromNul(true));
    assertThat(key.get("typed_m").m().get("S").s()).isEqualTo("literal");
  }
}
