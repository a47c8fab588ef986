package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.ConfigLoader;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoConnectionConfigTest {
  private static final String EXTERNAL_ID = "ext-id-canary-30551";
  private static final ConfigLoader LOADER = ConfigLoader.builder()
      .connection(DynamoConnection.TYPE, DynamoConnection::parse).build();

  private static DynamoConnection parse(String connection) {
    DataSourcesConfig c = LOADER.parse("""
        resources:
          - id: sessions-ddb
            type: dynamodb
            connection: %s
        """.formatted(connection), Map.of("EXTERNAL_ID", EXTERNAL_ID));
    return (DynamoConnection) c.resources().get(0).connection();
  }

  private static String error(String connection) {
    try {
      parse(connection);
    } catch (ConfigException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      assertThat(e.getMessage()).doesNotContain(EXTERNAL_ID);
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void parsesTheDocumentedBlock() {
    DynamoConnection c = parse("{region: us-east-1, roleArn: arn:aws:iam::123456789012:role/ReadOnly,"
        + " externalId: ${EXTERNAL_ID}, sessionName: causeflow-relay, durationSeconds: 1800,"
        + " endpoint: null}");
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/ReadOnly");
    assertThat(c.externalId().reveal()).isEqualTo(EXTERNAL_ID);
    assertThat(c.sessionName()).isEqualTo("causeflow-relay");
    assertThat(c.durationSeconds()).isEqualTo(1800);
    assertThat(c.endpoint()).isNull();
    assertThat(c.options()).isEqualTo(DynamoOptions.defaults());
    assertThat(c.toString()).doesNotContain(EXTERNAL_ID);
  }

  @Test
  void defaultsAndOptions() {
    DynamoConnection c = parse("{region: eu-west-1, endpoint: \"http://127.0.0.1:8000\","
        + " allowCount: true, allowConsistentRead: true, maxPagesPerRequest: 3,"
        + " maxReadCapacityPerRequest: 40}");
    assertThat(c.roleArn()).isNull();
    assertThat(c.sessionName()).isEqualTo("causeflow-dbaccess");
    assertThat(c.durationSeconds()).isEqualTo(900);
    assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8000"));
    assertThat(c.options().allowCount()).isTrue();
    assertThat(c.options().allowConsistentRead()).isTrue();
    assertThat(c.options().allowParallelScan()).isFalse();
    assertThat(c.options().maxPagesPerRequest()).isEqualTo(3);
    assertThat(c.options().maxReadCapacityPerRequest()).isEqualTo(40);
  }

  @Test
  void errorsNameTheKeyPathAndNeverTheSecret() {
    String at = "resources[0].connection.";
    assertThat(error("{roleArn: arn:aws:iam::123456789012:role/R}"))
        .isEqualTo(at + "region: is required");
    assertThat(error("{region: mars}")).startsWith(at + "region: must be an AWS region");
    assertThat(error("{region: us-east-1, roleArn: not-an-arn}"))
        .isEqualTo(at + "roleArn: must be an IAM role ARN");
    assertThat(error("{region: us-east-1, externalId: ${EXTERNAL_ID}}"))
        .startsWith(at + "externalId: only meaningful with roleArn");
    assertThat(error("{region: us-east-1, roleArn: arn:aws:iam::123456789012:role/R,"
        + " externalId: \"bad value ${EXTERNAL_ID}\"}")).startsWith(at + "externalId: must be");
    assertThat(error("{region: us-east-1, durationSeconds: 60}"))
        .startsWith(at + "durationSeconds: must be between 900 and 43200");
    assertThat(error("{region: us-east-1, sessionName: \"a b\"}"))
        .startsWith(at + "sessionName:");
    assertThat(error("{region: us-east-1, endpoint: \"ftp://x\"}")).startsWith(at + "endpoint:");
    assertThat(error("{region: us-east-1, endpoint: \"https://user:pw@x\"}"))
        .startsWith(at + "endpoint:").doesNotContain("pw");
    assertThat(error("{region: us-east-1, allowCount: maybe}")).startsWith(at + "allowCount:");
    assertThat(error("{region: us-east-1, maxPagesPerRequest: 0}"))
        .startsWith(at + "maxPagesPerRequest:");
    assertThat(error("{region: us-east-1, bogus: 1}")).contains("bogus");
  }
}
