package ai.causeflow.dbaccess.examples.relay;

import static ai.causeflow.dbaccess.examples.relay.RelayWebSocketTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.causeflow.dbaccess.mongo.testing.AttackDataset;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay jar serving a {@code mongodb} resource over stdio, against the in-process MongoDB
 * test server (or {@code CAUSEFLOW_TEST_MONGO_URI}): list_resources, describe_resource,
 * health_check and every kind of execute, masked, with refusals coded.
 */
class RelayMongoIT {
  @TempDir static Path dir;
  static Path jar;
  static MongoTestServer server;
  static String db;

  @BeforeAll
  static void setUp() {
    jar = Path.of(System.getProperty("relay.jar", "target/causeflow-relay.jar"));
    assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package");
    server = MongoTestServer.shared();
    db = server.createDatabase("relay");
    AttackDataset.seed(server.database(db));
  }

  static String yaml() {
    return String.join("\n",
        "limits: {maxConcurrentRequests: 4, maxQueuedRequests: 8}",
        "resources:",
        "  - id: shop-mongo",
        "    type: mongodb",
        "    name: Shop documents",
        "    connection: {uri: \"${MONGO_URI}\", database: " + db
            + ", readPreference: secondaryPreferred}",
        "    allowedOperations: [query, list_tables, describe_table, collection_stats,"
            + " index_stats, server_status]",
        "    maxRowsPerQuery: 50",
        "    statementTimeoutMs: 20000",
        "    allowedTables: [customers, orders]",
        "    blockedColumns: [\"*.password\", customers.profile.ssn]",
        "masking: {enabled: true}",
        "audit: {level: info}",
        "");
  }

  static String call(int id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}\n";
  }

  static String execute(int id, String operation, String statement) {
    return call(id, "execute", "{\"resourceId\":\"shop-mongo\",\"operation\":\"" + operation
        + "\"" + (statement == null ? "" : ",\"statement\":"
        + ControlPlaneServer.JSON.valueToTree(statement)) + "}");
  }

  @Test
  void servesAMongoResourceOverStdio() throws Exception {
    Path cfg = Files.writeString(dir.resolve("relay-config.yaml"), yaml());
    Path out = dir.resolve("out.log");
    Path err = dir.resolve("err.log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toAbsolutePath().toString(), "--config", cfg.toString(), "--stdio"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("MONGO_URI", server.uri());
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var stdin = p.getOutputStream()) {
      stdin.write((call(1, "list_resources", null)
          + call(2, "describe_resource", "{\"resourceId\":\"shop-mongo\"}")
          + call(3, "health_check", "{\"resourceId\":\"shop-mongo\"}")
          + execute(4, "query", "{\"find\": \"customers\", \"filter\": {\"_id\": {\"$lte\": 2}},"
              + " \"sort\": {\"_id\": 1}}")
          + execute(5, "query", "{\"aggregate\": \"orders\", \"pipeline\": [{\"$facet\": {\"a\":"
              + " [{\"$merge\": {\"into\": \"orders\"}}]}}]}")
          + execute(6, "describe_table", "customers")
          + execute(7, "collection_stats", "orders")
          + execute(8, "query", "{\"find\": \"secrets\"}")
          + execute(9, "query", "{\"aggregate\": \"customers\", \"pipeline\": [{\"$project\":"
              + " {\"p\": \"$profile\"}}]}")
          + execute(10, "query", "{\"count\": \"orders\", \"query\": {\"status\": \"late\"}}"))
          .getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    Map<String, JsonNode> byId = new HashMap<>();
    for (String l : stdout.lines().filter(l -> !l.isBlank()).toList()) {
      JsonNode n = ControlPlaneServer.JSON.readTree(l);
      byId.put(n.get("id").asText(), n);
    }
    assertThat(byId).hasSize(10);

    JsonNode res = byId.get("1").get("result").get(0);
    assertThat(res.get("type").asText()).isEqualTo("mongodb");
    assertThat(res.get("status").asText()).isEqualTo("up");

    JsonNode tables = byId.get("2").get("result").get("tables");
    assertThat(tables).extracting(t -> t.get("name").asText()).containsExactly("customers",
        "orders");
    assertThat(tables.get(1).get("estimatedRows").asLong()).isEqualTo(40);

    assertThat(byId.get("3").get("result").get(0).get("healthy").asBoolean()).isTrue();

    JsonNode rows = byId.get("4").get("result").get("rows");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("_id").asInt()).isEqualTo(1);
    assertThat(rows.get(0).get("profile").get("city").asText()).isEqualTo("Springfield");
    assertThat(rows.get(0).get("profile").has("ssn")).isFalse();
    assertThat(rows.get(0).has("password")).isFalse();
    assertThat(rows.get(0).get("email").asText()).doesNotContain("c1@example.com");
    assertThat(byId.get("4").get("result").get("metadata").get("masked").asBoolean()).isTrue();

    assertError(byId.get("5"), -32001, "QUERY_BLOCKED");
    assertThat(byId.get("6").get("result").get("rows").get(0).get("columns").toString())
        .contains("profile.city");
    assertThat(byId.get("7").get("result").get("rows").get(0).get("count").asInt())
        .isEqualTo(40);
    assertError(byId.get("8"), -32001, "TABLE_NOT_ALLOWED");
    assertError(byId.get("9"), -32001, "COLUMN_NOT_ALLOWED");
    assertThat(byId.get("10").get("result").get("rows").get(0).get("count").asInt())
        .isEqualTo(10);

    for (String text : new String[] {stdout, stderr}) {
      assertThat(text).doesNotContain(AttackDataset.SSN).doesNotContain("hunter2-canary")
          .doesNotContain("c1@example.com").doesNotContain("4111 1111 1111 1111");
    }
    assertThat(stderr).contains("\"outcome\":\"REFUSED\"").contains("\"outcome\":\"OK\"");
  }
}
