package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.Strategy;
import ai.causeflow.dbaccess.mongo.testing.AttackDataset;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import com.mongodb.client.MongoDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BSON values in the core value model, extended JSON in filters, and masking of nested values. */
class MongoValuesIT {
  static final MongoTestServer SERVER = MongoTestServer.shared();
  static final ObjectId OID = new ObjectId("5f1d7c7e9d1e8a3b2c4d5e6f");
  static final Instant WHEN = Instant.parse("2024-03-01T12:34:56.789Z");
  static String dbName;

  @BeforeAll
  static void seed() {
    dbName = SERVER.createDatabase("values");
    MongoDatabase db = SERVER.database(dbName);
    db.getCollection("typed").insertOne(new Document("_id", OID)
        .append("int", 7)
        .append("long", 42L)
        .append("bigLong", 9_007_199_254_740_993L)
        .append("negBigLong", -9_007_199_254_740_993L)
        .append("double", 1.5)
        .append("nan", Double.NaN)
        .append("decimal", new Decimal128(new BigDecimal("12345678901234567890.123")))
        .append("date", Date.from(WHEN))
        .append("bin", new Binary(new byte[] {1, 2, 3, (byte) 0xff}))
        .append("bool", true)
        .append("nil", null)
        .append("nested", new Document("a", List.of(1, new Document("b", "c"))))
        .append("ref", new ObjectId("000000000000000000000001")));
    AttackDataset.seed(db);
  }

  static MongoReadOnlyDataSource ds(DataSourceSettings s) {
    return MongoReadOnlyDataSource.create(SERVER.client(), dbName, s);
  }

  @Test
  void bsonTypesBecomeTheCoreValueModel() {
    try (MongoReadOnlyDataSource ds = ds(DataSourceSettings.builder("values").build())) {
      QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"typed\"}").build());
      Map<String, Object> row = r.rows().get(0);
      assertThat(row.get("_id")).isEqualTo("5f1d7c7e9d1e8a3b2c4d5e6f");
      assertThat(row.get("int")).isEqualTo(7);
      assertThat(row.get("long")).isEqualTo(42L);
      assertThat(row.get("bigLong")).isEqualTo(9_007_199_254_740_993L);
      assertThat(row.get("double")).isEqualTo(1.5);
      assertThat(row.get("decimal")).isEqualTo("12345678901234567890.123");
      assertThat(row.get("date")).isEqualTo(WHEN);
      assertThat((byte[]) row.get("bin")).containsExactly(1, 2, 3, 0xff);
      assertThat(row.get("bool")).isEqualTo(true);
      assertThat(row).containsEntry("nil", null);
      assertThat(row.get("nested")).isEqualTo(Map.of("a", List.of(1, Map.of("b", "c"))));
      // the JSON every consumer sees, through the core's one writer
      String json = ValueJson.toJson(row);
      assertThat(json).contains("\"_id\":\"5f1d7c7e9d1e8a3b2c4d5e6f\"")
          .contains("\"long\":42").contains("\"bigLong\":\"9007199254740993\"")
          .contains("\"negBigLong\":\"-9007199254740993\"").contains("\"nan\":\"NaN\"")
          .contains("\"decimal\":\"12345678901234567890.123\"")
          .contains("\"date\":\"2024-03-01T12:34:56.789Z\"").contains("\"bin\":\"AQID/w==\"")
          .contains("\"nested\":{\"a\":[1,{\"b\":\"c\"}]}");
      assertThat(r.columns()).extracting(Column::name).startsWith("_id", "int", "long");
      assertThat(r.columns()).filteredOn(c -> c.name().equals("_id")).extracting(Column::type)
          .containsExactly("objectId");
      assertThat(r.columns()).filteredOn(c -> c.name().equals("date")).extracting(Column::type)
          .containsExactly("date");
    }
  }

  @Test
  void extendedJsonIsAcceptedInFilters() {
    try (MongoReadOnlyDataSource ds = ds(DataSourceSettings.builder("values").build())) {
      for (String filter : List.of(
          "{\"_id\": {\"$oid\": \"5f1d7c7e9d1e8a3b2c4d5e6f\"}}",
          "{\"date\": {\"$date\": \"2024-03-01T12:34:56.789Z\"}}",
          "{\"date\": {\"$gte\": {\"$date\": {\"$numberLong\": \"1709296496789\"}}}}",
          "{\"bigLong\": {\"$numberLong\": \"9007199254740993\"}}",
          "{\"decimal\": {\"$numberDecimal\": \"12345678901234567890.123\"}}",
          "{\"bin\": {\"$binary\": {\"base64\": \"AQID/w==\", \"subType\": \"00\"}}}",
          "{\"ref\": {\"$oid\": \"000000000000000000000001\"}, \"int\": {\"$type\": \"int\"}}",
          "{\"nested.a.b\": {\"$regex\": \"^c$\"}}",
          "{\"nested.a.b\": {\"$regularExpression\": {\"pattern\": \"^C\", \"options\": \"i\"}}}")) {
        QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"typed\", \"filter\": "
            + filter + "}").build());
        assertThat(r.rowCount()).as(filter).isEqualTo(1);
      }
    }
  }

  @Test
  void nestedValuesAreMaskedByDetectorsAndDottedColumnRules() {
    Masking masking = Masking.builder()
        .columnRule("customers.profile.ssn", Strategy.REDACT)
        .columnRule("*.zip", Strategy.PARTIAL)
        .build();
    AuditSink.InMemory audit = AuditSink.inMemory();
    DataSourceSettings s = DataSourceSettings.builder("values").masking(masking)
        .auditSink(audit).build();
    try (MongoReadOnlyDataSource ds = ds(s)) {
      QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"customers\", \"filter\":"
          + " {\"email\": \"c1@example.com\"}}").build());
      assertThat(r.rowCount()).isEqualTo(1);
      String text = r.rows().toString();
      assertThat(text).doesNotContain(AttackDataset.SSN).doesNotContain(AttackDataset.ZIP)
          .doesNotContain("c1@example.com").doesNotContain("4111 1111 1111 1111")
          .contains("Springfield");
      @SuppressWarnings("unchecked")
      Map<String, Object> profile = (Map<String, Object>) r.rows().get(0).get("profile");
      assertThat(profile.get("ssn")).isNotEqualTo(AttackDataset.SSN).isNotNull();
      assertThat(r.metadata().maskedFieldCount()).isGreaterThanOrEqualTo(5);
      String line = new String(JsonLinesAuditSink.toJsonLine(audit.last()),
          StandardCharsets.UTF_8);
      assertThat(line).doesNotContain("c1@example.com");
      // the audit keeps the command's shape, not its values
      assertThat(audit.last().statement()).contains("\"find\":\"customers\"")
          .contains("\"email\":\"?\"");
    }
  }

  @Test
  void blockedFieldsAreStrippedFromWholeDocumentsAtEveryDepth() {
    Policy p = Policy.builder().blockedColumns(List.of("customers.profile.ssn", "*.zip",
        "*.password")).build();
    try (MongoReadOnlyDataSource ds = ds(DataSourceSettings.builder("values").policy(p)
        .build())) {
      QueryResult r = ds.execute(QueryRequest.query("{\"find\": \"customers\"}").build());
      assertThat(r.rowCount()).isEqualTo(20);
      for (Map<String, Object> row : r.rows()) {
        assertThat(row).doesNotContainKey("password").containsKey("name");
        assertThat(((Map<?, ?>) row.get("profile")).containsKey("ssn")).isFalse();
        assertThat(((Map<?, ?>) row.get("profile")).containsKey("city")).isTrue();
        for (Object a : (List<?>) row.get("addresses")) {
          assertThat(((Map<?, ?>) a).containsKey("zip")).isFalse();
          assertThat(((Map<?, ?>) a).containsKey("street")).isTrue();
        }
      }
      assertThat(r.columns()).extracting(Column::name).doesNotContain("password");
    }
  }
}
