package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.dynamo.testing.DynaliteServer;
import ai.causeflow.dbaccess.dynamo.testing.DynamoTestData;
import ai.causeflow.dbaccess.testkit.ContractDataset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Attacks on the DynamoDB backend, each followed by a check, behind the library's back, that no
 * table and no item changed. Every refusal is coded, and neither its message nor the audit event
 * carries a value from the data or the statement.
 */
class DynamoAttackIT {
  private static final String PEOPLE = DynamoTestData.PEOPLE;
  private static final String CANARY = "canary-4411-in-statement";
  private static DynamoDbClient raw;
  private static DynamoDbClient guarded;
  private static Map<String, List<Map<String, AttributeValue>>> before;

  private final AuditSink.InMemory audit = AuditSink.inMemory();

  static final Policy POLICY = Policy.builder()
      .blockedTables(List.of(DynamoTestData.SECRETS, "cf_items.by_email"))
      .blockedColumns(List.of("cf_people.ssn", "cf_people.profile.ssn", "cf_people.cards.ssn",
          "cf_items.email"))
      .build();

  record Case(String name, String statement, Set<ErrorCode> codes, DynamoOptions options) {
    Case(String name, String statement, ErrorCode code) {
      this(name, statement, Set.of(code), DynamoOptions.defaults());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void setUp() {
    DynaliteServer server = DynaliteServer.shared();
    raw = server.rawClient();
    DynamoTestData.ensure(raw);
    guarded = DynamoContractIT.guardedClient(server.endpoint());
    before = DynamoTestData.snapshot(raw);
  }

  @AfterAll
  static void tearDown() {
    guarded.close();
    raw.close();
  }

  @AfterEach
  void nothingChanged() {
    Map<String, List<Map<String, AttributeValue>>> now = DynamoTestData.snapshot(raw);
    assertThat(now.keySet()).isEqualTo(before.keySet());
    for (String t : before.keySet()) {
      if (t.equals("__tables")) {
        assertThat(now.get(t).get(0).get("names").ss())
            .containsAll(before.get(t).get(0).get("names").ss());
        continue;
      }
      assertThat(now.get(t)).as("items of %s", t).isEqualTo(before.get(t));
    }
  }

  @BeforeEach
  void clearAudit() {
    audit.clear();
  }

  static String scan(String table, String extra) {
    return "{\"Scan\": {\"TableName\": \"" + table + "\"" + extra + "}}";
  }

  static Stream<Case> cases() {
    ErrorCode blocked = ErrorCode.QUERY_BLOCKED;
    ErrorCode invalid = ErrorCode.INVALID_PARAMS;
    ErrorCode table = ErrorCode.TABLE_NOT_ALLOWED;
    ErrorCode column = ErrorCode.COLUMN_NOT_ALLOWED;
    String item = "{\"pk\": \"person-1\", \"ssn\": \"" + CANARY + "\"}";
    List<Case> c = new ArrayList<>(List.of(
        // every write, PartiQL and control-plane call as a statement
        new Case("PutItem", "{\"PutItem\": {\"TableName\": \"cf_people\", \"Item\": " + item
            + "}}", blocked),
        new Case("UpdateItem", "{\"UpdateItem\": {\"TableName\": \"cf_people\", \"Key\":"
            + " {\"pk\": \"person-1\"}, \"UpdateExpression\": \"SET ssn = :s\","
            + " \"ExpressionAttributeValues\": {\":s\": \"" + CANARY + "\"}}}", blocked),
        new Case("DeleteItem", "{\"DeleteItem\": {\"TableName\": \"cf_people\", \"Key\":"
            + " {\"pk\": \"person-1\"}}}", blocked),
        new Case("BatchWriteItem", "{\"BatchWriteItem\": {\"RequestItems\": {\"cf_people\":"
            + " [{\"DeleteRequest\": {\"Key\": {\"pk\": \"person-1\"}}}]}}}", blocked),
        new Case("TransactWriteItems", "{\"TransactWriteItems\": {\"TransactItems\":"
            + " [{\"Delete\": {\"TableName\": \"cf_people\", \"Key\": {\"pk\": \"person-1\"}}}]}}",
            blocked),
        new Case("TransactGetItems", "{\"TransactGetItems\": {\"TransactItems\": []}}", blocked),
        new Case("PartiQL SELECT", "{\"ExecuteStatement\": {\"Statement\":"
            + " \"SELECT * FROM cf_secrets\"}}", blocked),
        new Case("PartiQL DELETE", "{\"ExecuteStatement\": {\"Statement\":"
            + " \"DELETE FROM cf_people WHERE pk = 'person-1'\"}}", blocked),
        new Case("PartiQL batch", "{\"BatchExecuteStatement\": {\"Statements\": [{\"Statement\":"
            + " \"UPDATE cf_people SET ssn = 'x' WHERE pk = 'person-1'\"}]}}", blocked),
        new Case("PartiQL transaction", "{\"ExecuteTransaction\": {\"TransactStatements\": []}}",
            blocked),
        new Case("DeleteTable", "{\"DeleteTable\": {\"TableName\": \"cf_people\"}}", blocked),
        new Case("CreateTable", "{\"CreateTable\": {\"TableName\": \"cf_evil\"}}", blocked),
        new Case("UpdateTable", "{\"UpdateTable\": {\"TableName\": \"cf_people\"}}", blocked),
        new Case("UpdateTimeToLive", "{\"UpdateTimeToLive\": {\"TableName\": \"cf_people\"}}",
            blocked),
        new Case("CreateBackup", "{\"CreateBackup\": {\"TableName\": \"cf_people\","
            + " \"BackupName\": \"b\"}}", blocked),
        new Case("lower-case call name", "{\"scan\": {\"TableName\": \"cf_people\"}}", blocked),
        // smuggling a second call or field
        new Case("two calls in one document", "{\"Scan\": {\"TableName\": \"cf_people\"},"
            + " \"PutItem\": {\"TableName\": \"cf_people\", \"Item\": " + item + "}}", invalid),
        new Case("duplicate TableName", "{\"Scan\": {\"TableName\": \"cf_people\","
            + " \"TableName\": \"cf_secrets\"}}", invalid),
        new Case("duplicate call key", "{\"Scan\": {\"TableName\": \"cf_people\"}, \"Scan\":"
            + " {\"TableName\": \"cf_secrets\"}}", invalid),
        new Case("trailing second document", scan("cf_people", "") + " {\"DeleteTable\":"
            + " {\"TableName\": \"cf_people\"}}", invalid),
        new Case("UpdateExpression on a Query", "{\"Query\": {\"TableName\": \"cf_people\","
            + " \"KeyConditionExpression\": \"pk = :p\", \"UpdateExpression\": \"REMOVE ssn\","
            + " \"ExpressionAttributeValues\": {\":p\": \"person-1\"}}}", invalid),
        new Case("ConditionExpression on a Scan", scan("cf_people",
            ", \"ConditionExpression\": \"attribute_exists(pk)\""), invalid),
        new Case("legacy ScanFilter", scan("cf_people", ", \"ScanFilter\": {}"), invalid),
        // tables and indexes
        new Case("blocked table", scan("cf_secrets", ""), table),
        new Case("blocked table, other case", scan("CF_SECRETS", ""), table),
        new Case("blocked index", "{\"Query\": {\"TableName\": \"cf_items\", \"IndexName\":"
            + " \"by_email\", \"KeyConditionExpression\": \"email = :e\","
            + " \"ExpressionAttributeValues\": {\":e\": \"user1@example.com\"}}}", table),
        new Case("GetItem on blocked table", "{\"GetItem\": {\"TableName\": \"cf_secrets\","
            + " \"Key\": {\"id\": 1}}}", table),
        new Case("BatchGetItem on blocked table", "{\"BatchGetItem\": {\"RequestItems\":"
            + " {\"cf_secrets\": {\"Keys\": [{\"id\": 1}]}}}}", Set.of(table),
            DynamoOptions.defaults().toBuilder().allowBatchGetItem(true).build()),
        new Case("BatchGetItem not allowed", "{\"BatchGetItem\": {\"RequestItems\":"
            + " {\"cf_people\": {\"Keys\": [{\"pk\": \"person-1\"}]}}}}", blocked),
        // blocked attributes named directly, through aliases, nested, in lists, in conditions
        new Case("projection of blocked attribute", scan(PEOPLE,
            ", \"ProjectionExpression\": \"pk, ssn\""), column),
        new Case("alias smuggles blocked attribute", scan(PEOPLE,
            ", \"ProjectionExpression\": \"pk, #x\", \"ExpressionAttributeNames\": {\"#x\":"
                + " \"ssn\"}"), column),
        new Case("nested blocked path", scan(PEOPLE,
            ", \"ProjectionExpression\": \"profile.ssn\""), column),
        new Case("nested blocked path through aliases", scan(PEOPLE,
            ", \"ProjectionExpression\": \"#a.#b\", \"ExpressionAttributeNames\": {\"#a\":"
                + " \"profile\", \"#b\": \"ssn\"}"), column),
        new Case("blocked attribute inside a list", scan(PEOPLE,
            ", \"ProjectionExpression\": \"cards[0].ssn\""), column),
        new Case("filter oracle on blocked attribute", scan(PEOPLE,
            ", \"FilterExpression\": \"begins_with(ssn, :p)\", \"ExpressionAttributeValues\":"
                + " {\":p\": \"987\"}"), column),
        new Case("filter oracle through alias", scan(PEOPLE,
            ", \"FilterExpression\": \"#s = :p\", \"ExpressionAttributeNames\": {\"#s\": \"ssn\"},"
                + " \"ExpressionAttributeValues\": {\":p\": \"" + CANARY + "\"}"), column),
        new Case("filter on the map holding a blocked attribute", scan(PEOPLE,
            ", \"FilterExpression\": \"size(profile) > :n\", \"ExpressionAttributeValues\":"
                + " {\":n\": 1}"), column),
        new Case("size() of blocked attribute", scan(PEOPLE,
            ", \"FilterExpression\": \"size(ssn) = :n\", \"ExpressionAttributeValues\":"
                + " {\":n\": 11}"), column),
        new Case("key condition on blocked attribute", "{\"Query\": {\"TableName\": \"cf_items\","
            + " \"KeyConditionExpression\": \"g = :g AND email = :e\","
            + " \"ExpressionAttributeValues\": {\":g\": \"item\", \":e\": \"x\"}}}", column),
        new Case("GetItem keyed by blocked attribute", "{\"GetItem\": {\"TableName\":"
            + " \"cf_people\", \"Key\": {\"ssn\": \"" + CANARY + "\"}}}", column),
        new Case("ExclusiveStartKey naming blocked attribute", scan(PEOPLE,
            ", \"ExclusiveStartKey\": {\"pk\": \"person-1\", \"ssn\": \"x\"}"), column),
        // capacity and parallelism
        new Case("consistent read not allowed", scan(PEOPLE, ", \"ConsistentRead\": true"),
            blocked),
        new Case("COUNT not allowed", scan(PEOPLE, ", \"Select\": \"COUNT\""), blocked),
        new Case("parallel scan not allowed", scan(PEOPLE,
            ", \"Segment\": 0, \"TotalSegments\": 2"), blocked),
        new Case("too many segments", scan(PEOPLE, ", \"Segment\": 0, \"TotalSegments\": 100000"),
            Set.of(invalid), DynamoOptions.defaults().toBuilder().allowParallelScan(true).build()),
        // malformed input
        new Case("unknown function", scan(PEOPLE, ", \"FilterExpression\": \"sleep(pk)\""),
            blocked),
        new Case("statement separator in expression", scan(PEOPLE,
            ", \"FilterExpression\": \"pk = :p; DROP\", \"ExpressionAttributeValues\": {\":p\":"
                + " \"x\"}"), blocked),
        new Case("value nested too deeply", scan(PEOPLE, ", \"FilterExpression\": \"pk = :p\","
            + " \"ExpressionAttributeValues\": {\":p\": " + "[".repeat(40) + "\"" + CANARY + "\""
            + "]".repeat(40) + "}"), invalid),
        new Case("malformed typed number", scan(PEOPLE, ", \"FilterExpression\": \"pk = :p\","
            + " \"ExpressionAttributeValues\": {\":p\": {\"N\": \"" + CANARY + "\"}}"), invalid),
        new Case("giant expression", scan(PEOPLE, ", \"FilterExpression\": \""
            + "attribute_exists(pk) AND ".repeat(400) + "attribute_exists(pk)\""), invalid)));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refused(Case c) {
    DataSourceSettings s = DataSourceSettings.builder("attack").policy(POLICY).auditSink(audit)
        .build();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(guarded, s,
        c.options())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query(c.statement()).build()));
      assertThat(e).as(c.name()).isNotNull();
      assertThat(e.code()).as("%s: %s", c.name(), e.getMessage()).isIn(c.codes());
      assertNoValues(e.getMessage());
      assertThat(audit.events()).hasSize(1);
      for (AuditEvent ev : audit.events()) {
        assertNoValues(new String(JsonLinesAuditSink.toJsonLine(ev), StandardCharsets.UTF_8));
      }
    }
  }

  private static void assertNoValues(String text) {
    assertThat(text).doesNotContain(CANARY).doesNotContain(DynamoTestData.SSN_CANARY)
        .doesNotContain(ContractDataset.SECRET_VALUE).doesNotContain("user1@example.com");
  }

  @Test
  void blockedAttributesAreRemovedFromEveryItemAtEveryDepth() {
    DataSourceSettings s = DataSourceSettings.builder("attack").policy(POLICY).auditSink(audit)
        .build();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(guarded, s)) {
      for (String st : List.of(scan(PEOPLE, ""), scan(PEOPLE, ", \"Select\": \"ALL_ATTRIBUTES\""),
          scan(PEOPLE, ", \"ProjectionExpression\": \"pk, profile, cards\""),
          "{\"GetItem\": {\"TableName\": \"cf_people\", \"Key\": {\"pk\": \"person-2\"}}}",
          "{\"Query\": {\"TableName\": \"cf_people\", \"KeyConditionExpression\": \"pk = :p\","
              + " \"ExpressionAttributeValues\": {\":p\": \"person-3\"}}}")) {
        QueryResult r = ds.execute(QueryRequest.query(st).build());
        assertThat(r.rowCount()).as(st).isGreaterThan(0);
        assertThat(r.rows().toString()).as(st).doesNotContain(DynamoTestData.SSN_CANARY)
            .contains("Lisbon");
        for (Map<String, Object> row : r.rows()) {
          assertThat(row).doesNotContainKey("ssn");
          if (row.get("profile") instanceof Map<?, ?> p) {
            assertThat(p.keySet()).map(Object::toString).contains("city").doesNotContain("ssn");
          }
        }
        assertThat(r.columns()).extracting(col -> col.name()).doesNotContain("ssn");
      }
    }
  }

  @Test
  void allAttributesOfAKeysOnlyIndexIsRefusedByDynamoDbAndLeaksNothing() {
    Policy p = POLICY.toBuilder().blockedTables(List.of(DynamoTestData.SECRETS)).build();
    DataSourceSettings s = DataSourceSettings.builder("attack").policy(p).auditSink(audit)
        .build();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(guarded, s)) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
              + " \"IndexName\": \"by_email\", \"Select\": \"ALL_ATTRIBUTES\"}}").build()));
      // DynamoDB refuses ALL_ATTRIBUTES on a global index; and email is blocked anyway
      assertThat(e).isNotNull();
      assertThat(e.code()).isIn(ErrorCode.QUERY_FAILED);
      assertNoValues(e.getMessage());
      QueryResult r = ds.execute(QueryRequest.query("{\"Scan\": {\"TableName\": \"cf_items\","
          + " \"IndexName\": \"by_email\"}}").build());
      assertThat(r.rows().toString()).doesNotContain("@example.com");
    }
  }

  @Test
  void oversizePagesAreBoundedByTheRowLimit() {
    Policy p = POLICY.toBuilder().maxRowsPerQuery(2).build();
    DataSourceSettings s = DataSourceSettings.builder("attack").policy(p).auditSink(audit)
        .build();
    try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(guarded, s)) {
      QueryResult r = ds.execute(QueryRequest.query(scan(PEOPLE, ", \"Limit\": 100000"))
          .build());
      assertThat(r.rowCount()).isEqualTo(2);
      assertThat(r.truncated()).isTrue();
    }
  }
}
