package ai.causeflow.dbaccess.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactorsTest {

  @Test
  void nestedMongoFiltersKeepKeysAndOperatorsAndLoseEveryValue() {
    String cmd = "{\"find\":\"users\",\"filter\":{\"$and\":[{\"email\":{\"$in\":[\"ana@x.io\","
        + "\"bo@y.io\"]}},{\"age\":{\"$gt\":30}},{\"profile.cpf\":\"123.456.789-09\"},"
        + "{\"vip\":true},{\"deleted\":null},{\"created\":{\"$gte\":{\"$date\":"
        + "\"2024-01-01T00:00:00Z\"}}}]},\"limit\":10}";
    String r = Redactors.jsonDocument(cmd);
    assertThat(r).isEqualTo("{\"find\":\"?\",\"filter\":{\"$and\":[{\"email\":{\"$in\":[\"?\","
        + "\"?\"]}},{\"age\":{\"$gt\":\"?\"}},{\"profile.cpf\":\"?\"},{\"vip\":\"?\"},"
        + "{\"deleted\":\"?\"},{\"created\":{\"$gte\":{\"$date\":\"?\"}}}]},\"limit\":\"?\"}");
    assertThat(r).doesNotContain("ana@").doesNotContain("30").doesNotContain("123.456");
  }

  @Test
  void aggregatePipelinesAreRedactedStageByStage() {
    String cmd = "{\"aggregate\":\"orders\",\"pipeline\":[{\"$match\":{\"card\":\"4111111111111111\"}},"
        + "{\"$lookup\":{\"from\":\"users\",\"pipeline\":[{\"$match\":{\"ssn\":\"078-05-1120\"}}],"
        + "\"as\":\"u\"}},{\"$group\":{\"_id\":\"$status\",\"n\":{\"$sum\":1}}}]}";
    String r = Redactors.jsonDocument(Set.of("aggregate")).apply(cmd);
    assertThat(r).isEqualTo("{\"aggregate\":\"orders\",\"pipeline\":[{\"$match\":{\"card\":\"?\"}},"
        + "{\"$lookup\":{\"from\":\"?\",\"pipeline\":[{\"$match\":{\"ssn\":\"?\"}}],\"as\":\"?\"}},"
        + "{\"$group\":{\"_id\":\"?\",\"n\":{\"$sum\":\"?\"}}}]}");
  }

  @Test
  void dynamoDbRequestsKeepTheirShapeAndTheKeptPathsOnly() {
    String req = "{\"Query\":{\"TableName\":\"sessions\",\"KeyConditionExpression\":\"pk = :v\","
        + "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"user#ana@x.io\"}},"
        + "\"ExclusiveStartKey\":{\"pk\":{\"S\":\"user#bo\"},\"n\":{\"N\":\"42\"}},\"Limit\":5,"
        + "\"TableNameDecoy\":{\"TableName\":\"secret-in-a-nested-map\"}}}";
    String r = Redactors.jsonDocument(Set.of("Query.TableName", "Query.KeyConditionExpression",
        "Query.Limit")).apply(req);
    assertThat(r).isEqualTo("{\"Query\":{\"TableName\":\"sessions\","
        + "\"KeyConditionExpression\":\"pk = :v\",\"ExpressionAttributeValues\":{\":v\":"
        + "{\"S\":\"?\"}},\"ExclusiveStartKey\":{\"pk\":{\"S\":\"?\"},\"n\":{\"N\":\"?\"}},"
        + "\"Limit\":5,\"TableNameDecoy\":{\"TableName\":\"?\"}}}");
  }

  @Test
  void aKeptKeyInsideAnArrayOrDeeperIsStillRedacted() {
    String r = Redactors.jsonDocument(Set.of("find")).apply(
        "{\"find\":\"c\",\"filter\":{\"find\":\"ana@x.io\"},\"x\":[{\"find\":\"bo@y.io\"}]}");
    assertThat(r).isEqualTo("{\"find\":\"c\",\"filter\":{\"find\":\"?\"},\"x\":[{\"find\":\"?\"}]}");
  }

  @Test
  void unreadableTextNeverReachesTheAuditLog() {
    for (String bad : new String[] {"{\"a\":\"ana@x.io\"", "{\"a\":1} trailing ana@x.io",
        "not json ana@x.io", "{\"a\":1}{\"b\":\"ana@x.io\"}", "[".repeat(2_000) + "]".repeat(2_000),
        "{'single': 'ana@x.io'}"}) {
      assertThat(Redactors.jsonDocument(bad)).as(bad).isEqualTo(Redactors.UNREADABLE);
    }
    assertThat(Redactors.jsonDocument("")).isEmpty();
    assertThat(Redactors.jsonDocument("\"ana@x.io\"")).isEqualTo("\"?\"");
    assertThat(Redactors.jsonDocument("[1,[2,{\"k\":[3]}]]")).isEqualTo("[\"?\",[\"?\",{\"k\":[\"?\"]}]]");
  }

  @Test
  void sqlRedactorReplacesLiterals() {
    assertThat(Redactors.sql("SELECT * FROM t WHERE email = 'ana@x.io' AND n > 42"))
        .doesNotContain("ana@").doesNotContain("42").contains("email = ?");
  }
}
