package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class MongoRoleCommandsTest {

  @Test
  void builtInReadRoleWhenNoCollectionsAreNamed() {
    List<String> cmds = MongoRoleCommands.commands(MongoRoleCommands.Options.builder("shop",
        "causeflow_ro").build());
    assertThat(cmds).hasSize(1);
    BsonDocument user = BsonDocument.parse(cmds.get(0));
    assertThat(user.getString("createUser").getValue()).isEqualTo("causeflow_ro");
    assertThat(user.getArray("roles")).containsExactly(BsonDocument.parse(
        "{\"role\": \"read\", \"db\": \"shop\"}"));
    assertThat(user.containsKey("pwd")).isFalse();
  }

  @Test
  void customRoleOnChosenCollectionsAndClusterMonitorOnlyWhenAsked() {
    MongoRoleCommands.Options o = MongoRoleCommands.Options.builder("shop", "agent")
        .collections(List.of("orders", "customers")).clusterMonitor(true)
        .password(Secret.of("pw-canary")).build();
    List<String> cmds = MongoRoleCommands.commands(o);
    BsonDocument role = BsonDocument.parse(cmds.get(0));
    assertThat(role.getString("createRole").getValue()).isEqualTo("agent_read");
    assertThat(role.getArray("privileges")).hasSize(3);
    assertThat(role.toJson()).contains("\"find\"", "\"collStats\"", "\"indexStats\"",
        "\"listCollections\"").doesNotContain("insert", "update", "remove", "dropCollection");
    BsonDocument user = BsonDocument.parse(cmds.get(1));
    assertThat(user.toJson()).contains("clusterMonitor", "agent_read");
    assertThat(o.toString()).doesNotContain("pw-canary");
    String script = MongoRoleCommands.script(MongoRoleCommands.Options.builder("shop", "agent").collections(List.of("orders")).build());
    assertThat(script).contains("db.getSiblingDB(\"shop\").runCommand(")
        .contains("db.getSiblingDB(\"admin\").runCommand(").contains("javascriptEnabled: false");
  }

  @Test
  void promptsForThePasswordWhenNoneIsGiven() {
    String script = MongoRoleCommands.script(MongoRoleCommands.Options.builder("shop", "agent")
        .build());
    assertThat(script).contains("\"pwd\": passwordPrompt()");
  }

  @Test
  void refusesSystemCollectionsAndOddNames() {
    assertThat(catchThrowableOfType(DbAccessException.class, () -> MongoRoleCommands.Options
        .builder("shop", "agent").collections(List.of("system.users")).build()).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(catchThrowableOfType(DbAccessException.class, () -> MongoRoleCommands.Options
        .builder("shop", "a\"b").build()).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
  }
}
