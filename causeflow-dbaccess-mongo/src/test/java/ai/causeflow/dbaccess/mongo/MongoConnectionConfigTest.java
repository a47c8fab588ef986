package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.ConfigLoader;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module's own connection parser, registered explicitly, and fromConfig. */
class MongoConnectionConfigTest {
  static final String URI = "mongodb://agent:pw-SECRET-4410@db1.internal:27017/?authSource=admin";
  static final ConfigLoader LOADER = ConfigLoader.builder()
      .connection(MongoConnectionConfig.TYPE, MongoConnectionConfig::parse)
      .build();

  static String yaml(String connection) {
    return String.join("\n",
        "resources:",
        "  - id: events",
        "    type: mongodb",
        "    connection: " + connection,
        "");
  }

  static String error(String connection) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> LOADER.parse(yaml(connection), Map.of("MONGO_URI", URI)));
    assertThat(e).as(connection).isNotNull();
    assertThat(e.getMessage()).doesNotContain("pw-SECRET");
    return e.getMessage();
  }

  @Test
  void parsesEveryKeyAndKeepsTheUriSecret() {
    DataSourcesConfig c = LOADER.parse(yaml("{uri: \"${MONGO_URI}\", database: events,"
        + " readPreference: secondaryPreferred, readConcern: majority}"),
        Map.of("MONGO_URI", URI));
    MongoConnectionConfig m = (MongoConnectionConfig) c.resources().get(0).connection();
    assertThat(m.uri().reveal()).isEqualTo(URI);
    assertThat(m.database()).isEqualTo("events");
    assertThat(m.readPreference()).isEqualTo("secondaryPreferred");
    assertThat(m.readConcern()).isEqualTo("majority");
    assertThat(m.toString()).doesNotContain("pw-SECRET").contains("****");
    assertThat(c.toString()).doesNotContain("pw-SECRET");
  }

  @Test
  void errorsNameTheKeyNeverTheValue() {
    assertThat(error("{uri: \"${MONGO_URI}\", database: e, readPreference: fastest}"))
        .startsWith("resources[0].connection.readPreference: must be one of");
    assertThat(error("{uri: \"${MONGO_URI}\", database: e, readConcern: eventual}"))
        .startsWith("resources[0].connection.readConcern: must be one of");
    assertThat(error("{uri: \"postgres://u:pw-SECRET-4410@x\", database: e}"))
        .isEqualTo("resources[0].connection.uri: must start with mongodb:// or mongodb+srv://");
    assertThat(error("{uri: \"${MONGO_URI}\"}")).startsWith("resources[0].connection.database");
    assertThat(error("{uri: \"${MONGO_URI}\", database: e, tls: true}"))
        .startsWith("resources[0].connection");
  }

  @Test
  void fromConfigBuildsItsOwnClientLazilyAndClosesIt() {
    ResourceConfig rc = new ResourceConfig("events", "mongodb", "events",
        new MongoConnectionConfig(ai.causeflow.dbaccess.core.config.Secret.of(
            "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"), "events", "secondaryPreferred",
            "majority"), Set.of(Operation.QUERY), 10, 1_000, 1, List.of(), List.of(), List.of());
    try (MongoReadOnlyDataSource ds = MongoReadOnlyDataSource.fromConfig(rc,
        DataSourceSettings.builder("events").policy(rc.policy()).build())) {
      assertThat(ds.health().healthy()).isFalse();
      assertThat(ds.health().error()).isEqualTo(ErrorCode.CONNECTION_FAILED);
    }
    ResourceConfig wrong = new ResourceConfig("x", "mongodb", "x", new ConnectionConfig() {},
        Set.of(Operation.QUERY), 10, 1_000, 1, List.of(), List.of(), List.of());
    assertThat(catchThrowableOfType(DbAccessException.class, () -> MongoReadOnlyDataSource
        .fromConfig(wrong, DataSourceSettings.builder("x").build())).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
  }
}
