package ai.causeflow.dbaccess.examples.relay;

import static ai.causeflow.dbaccess.examples.relay.RelayHarness.CPF;
import static ai.causeflow.dbaccess.examples.relay.RelayHarness.EMAIL;
import static ai.causeflow.dbaccess.examples.relay.RelayHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.testkit.TestMasking;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's main class in-process against a loopback control plane: methods, errors, framing. */
class RelayWebSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static ControlPlaneServer cp;
  static RelayHarness relay;
  static JsonNode firstResourceUpdate;

  @BeforeAll
  static void start() throws Exception {
    cp = new ControlPlaneServer();
    relay = new RelayHarness(dir, RelayHarness.yaml(cp.url(), 4, 8, "{level: info}"))
        .startWebSocket();
    cp.awaitConnection(WAIT);
    firstResourceUpdate = cp.awaitNotification("resource_update", WAIT);
  }

  @AfterAll
  static void stop() throws Exception {
    relay.close();
    cp.close();
  }

  @Test
  void handshakeCarriesTokenTenantRelayIdAndVersion() throws Exception {
    Map<String, String> h = cp.handshakes.get(0);
    assertThat(h.get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(h.get("X-Tenant-Id")).isEqualTo("tenant-42");
    assertThat(UUID.fromString(h.get("X-Relay-Id")).toString())
        .isEqualTo(relay.relay.get().relayId());
    assertThat(h.get("X-Relay-Version")).isNotBlank();
    assertThat(relay.err()).doesNotContain(TOKEN);
    assertThat(relay.out()).doesNotContain(TOKEN);
  }

  @Test
  void resourceUpdateIsSentOnConnect() throws Exception {
    JsonNode n = firstResourceUpdate;
    assertThat(n.has("id")).isFalse();
    JsonNode p = n.get("params");
    assertThat(p.get("relayId").asText()).isEqualTo(relay.relay.get().relayId());
    JsonNode r = p.get("resources").get(0);
    assertThat(r.get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(r.get("type").asText()).isEqualTo("postgres");
    assertThat(r.get("name").asText()).isEqualTo("Main PostgreSQL");
    assertThat(r.get("status").asText()).isEqualTo("up");
    assertThat(r.get("fingerprint").asText()).matches("[0-9a-f]{16}");
  }

  @Test
  void listResources() throws Exception {
    JsonNode res = cp.call("list_resources", null);
    assertThat(res.get("jsonrpc").asText()).isEqualTo("2.0");
    JsonNode r = res.get("result").get(0);
    assertThat(r.get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(r.get("type").asText()).isEqualTo("postgres");
    assertThat(r.get("status").asText()).isEqualTo("up");
    assertThat(r.get("maxRowsPerQuery").asInt()).isEqualTo(2);
    List<String> ops = new ArrayList<>();
    r.get("allowedOperations").forEach(o -> ops.add(o.asText()));
    assertThat(ops).containsExactly("describe_table", "explain", "list_tables", "query");
  }

  @Test
  void executeReturnsTheProtocolShapeMaskedAndClamped() throws Exception {
    JsonNode res = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.customers", "limit", 1_000_000_000_000L));
    JsonNode r = res.get("result");
    assertThat(r.get("rowCount").asInt()).isEqualTo(2);
    assertThat(r.get("truncated").asBoolean()).isTrue();
    assertThat(r.get("rows").get(0).get("email").asText()).isEqualTo(TestMasking.MASK);
    assertThat(r.get("rows").get(0).get("id").isIntegralNumber()).isTrue();
    assertThat(r.get("columns").get(2).get("name").asText()).isEqualTo("email");
    assertThat(r.get("columns").get(2).get("type").asText()).isEqualTo("text");
    JsonNode m = r.get("metadata");
    assertThat(m.get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(m.get("masked").asBoolean()).isTrue();
    assertThat(m.get("maskedFieldCount").asInt()).isEqualTo(2);
    assertThat(m.get("patternsApplied").get(TestMasking.NAME).asInt()).isEqualTo(2);
    assertThat(m.get("executionMs").isIntegralNumber()).isTrue();
    assertThat(m.get("rowLimit").asInt()).isEqualTo(2);
    assertThat(res.toString()).doesNotContain(EMAIL);
  }

  @Test
  void executeBindsParameters() throws Exception {
    JsonNode res = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.customers WHERE id = $1", "parameters", List.of(3)));
    assertThat(res.get("result").get("rowCount").asInt()).isEqualTo(1);
    assertThat(res.get("result").get("rows").get(0).get("name").asText()).isEqualTo("Carla");
  }

  @Test
  void describeResourceListsTablesTheyPolicyAllowsWithAFingerprint() throws Exception {
    JsonNode r = cp.call("describe_resource", Map.of("resourceId", "main-pg")).get("result");
    assertThat(r.get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(r.get("type").asText()).isEqualTo("postgres");
    List<String> names = new ArrayList<>();
    r.get("tables").forEach(t -> names.add(t.get("name").asText()));
    // maxRowsPerQuery (2) caps list_tables too; the answer says so (ext: truncated)
    assertThat(names).containsExactly("blobs", "customers");
    assertThat(r.get("truncated").asBoolean()).isTrue();
    JsonNode t = r.get("tables").get(0);
    assertThat(t.get("schema").asText()).isEqualTo("public");
    assertThat(t.get("kind").asText()).isEqualTo("table");
    assertThat(t.get("estimatedRows").isNumber()).isTrue();
    assertThat(r.get("fingerprint").asText()).matches("[0-9a-f]{16}");
  }

  @Test
  void healthCheckAllAndOne() throws Exception {
    JsonNode all = cp.call("health_check", null).get("result");
    assertThat(all.isArray()).isTrue();
    assertThat(all.get(0).get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(all.get(0).get("type").asText()).isEqualTo("postgres");
    assertThat(all.get(0).get("healthy").asBoolean()).isTrue();
    assertThat(all.get(0).get("latencyMs").isIntegralNumber()).isTrue();
    assertThat(all.get(0).has("error")).isFalse();
    JsonNode one = cp.call("health_check", Map.of("resourceId", "main-pg")).get("result");
    assertThat(one).hasSize(1);
  }

  @Test
  void cancelStopsARunningQuery() throws Exception {
    cp.send("slow-cancel-1", "execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT SLEEP(1400)"));
    Thread.sleep(200);
    JsonNode c = cp.call("cancel", Map.of("requestId", "slow-cancel-1"));
    assertThat(c.get("result").get("cancelled").asBoolean()).isTrue();
    JsonNode slow = cp.await("slow-cancel-1", WAIT);
    assertError(slow, -32002, "CANCELLED");
    JsonNode none = cp.call("cancel", Map.of("requestId", "nothing-running"));
    assertThat(none.get("result").get("cancelled").asBoolean()).isFalse();
  }

  @Test
  void parseError() throws Exception {
    cp.sendRaw("{not json " + EMAIL);
    JsonNode e = cp.awaitNullId(WAIT);
    assertError(e, -32700, "PARSE_ERROR");
    assertThat(e.get("id").isNull()).isTrue();
    assertThat(e.toString()).doesNotContain(EMAIL);
    assertStillServing();
  }

  @Test
  void invalidRequests() throws Exception {
    cp.sendRaw("[1, 2]");
    assertError(cp.awaitNullId(WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("[]");
    assertError(cp.awaitNullId(WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("\"just a string\"");
    assertError(cp.awaitNullId(WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("{\"jsonrpc\":\"1.0\",\"id\":\"v1\",\"method\":\"list_resources\"}");
    assertError(cp.await("v1", WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"m1\",\"method\":42}");
    assertError(cp.await("m1", WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"list_resources\"}");
    assertError(cp.awaitNullId(WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"method\":\"execute\",\"params\":\"" + EMAIL
        + "\"}");
    JsonNode p1 = cp.await("p1", WAIT);
    assertError(p1, -32600, "INVALID_REQUEST");
    assertThat(p1.toString()).doesNotContain(EMAIL);
    assertStillServing();
  }

  @Test
  void aNumberJacksonCannotHoldIsAParseErrorNotAnInternalOne() throws Exception {
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":1e99999999999999999999,\"method\":\"x\"}");
    assertError(cp.awaitNullId(WAIT), -32700, "PARSE_ERROR");
    assertStillServing();
  }

  @Test
  void anUnpairedSurrogateIsAParseErrorAndTheConnectionSurvives() throws Exception {
    int connections = cp.handshakes.size();
    // The id could not be echoed over UTF-8: before the fix the JDK refused to send the answer
    // and the relay dropped the connection (cancelling everything in flight on it).
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"a\\ud800\",\"method\":\"list_resources\"}");
    assertError(cp.awaitNullId(WAIT), -32700, "PARSE_ERROR");
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"sur-2\",\"method\":\"execute\",\"params\":"
        + "{\"resourceId\":\"main-pg\",\"operation\":\"query\",\"statement\":"
        + "\"SELECT * FROM public.orders\\udc00\"}}");
    assertError(cp.awaitNullId(WAIT), -32700, "PARSE_ERROR");
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"sur-3 \\ud83d\\ude00\","
        + "\"method\":\"list_resources\"}");
    assertThat(cp.await("sur-3 \ud83d\ude00", WAIT).get("result").isArray()).isTrue();
    assertStillServing();
    assertThat(cp.handshakes).hasSize(connections);
  }

  @Test
  void namesThatLookLikePersonalDataAreNeverEchoedNorAudited() throws Exception {
    String digits = "52998224725";
    String card = "4111111111111111";
    List<JsonNode> answers = new ArrayList<>();
    answers.add(cp.call(digits, Map.of()));
    answers.add(cp.call("x" + card, Map.of()));
    answers.add(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT 1", digits, 1)));
    answers.add(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "x" + digits)));
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"pii-5\",\"method\":\"list_resources\",\""
        + card + "\":1}");
    answers.add(cp.await("pii-5", WAIT));
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"" + digits + "\"}");
    assertError(answers.get(0), -32601, "METHOD_NOT_FOUND");
    assertError(answers.get(1), -32601, "METHOD_NOT_FOUND");
    assertError(answers.get(2), -32602, "INVALID_PARAMS");
    assertError(answers.get(3), -32001, "OPERATION_NOT_ALLOWED");
    assertError(answers.get(4), -32600, "INVALID_REQUEST");
    assertStillServing();
    for (JsonNode a : answers) {
      assertThat(a.toString()).doesNotContain(digits).doesNotContain(card);
    }
    assertThat(relay.out()).doesNotContain(digits).doesNotContain(card);
    assertThat(relay.err()).doesNotContain(digits).doesNotContain(card);
    // an identifier with few digits is still named, so mistakes stay easy to find
    JsonNode named = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT 1", "timeout2", 1));
    assertThat(named.get("error").get("data").get("detail").asText()).contains("'timeout2'");
  }

  @Test
  void idAndEnvelopeEdgeCasesAsDocumented() throws Exception {
    cp.sendRaw("{\"id\":\"e1\",\"method\":\"list_resources\"}");
    assertError(cp.await("e1", WAIT), -32600, "INVALID_REQUEST");
    cp.sendRaw("{\"jsonrpc\":2.0,\"id\":\"e2\",\"method\":\"list_resources\"}");
    assertError(cp.await("e2", WAIT), -32600, "INVALID_REQUEST");
    // a fractional id is served and echoed by value, with a generated requestId
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":2.5,\"method\":\"execute\",\"params\":{"
        + "\"resourceId\":\"main-pg\",\"operation\":\"query\",\"statement\":"
        + "\"SELECT * FROM public.orders\"}}");
    JsonNode fractional = cp.await("2.5", WAIT);
    assertThat(fractional.get("id").decimalValue()).isEqualByComparingTo("2.5");
    assertThat(fractional.get("result").get("metadata").get("requestId").asText())
        .startsWith("relay-");
    // a 10,000-character id is echoed whole; the requestId is generated
    String longId = "L".repeat(10_000);
    cp.send(longId, "execute", Map.of("resourceId", "nope", "operation", "query"));
    JsonNode longAnswer = cp.await(longId, WAIT);
    assertError(longAnswer, -32001, "RESOURCE_NOT_FOUND");
    assertThat(longAnswer.get("id").asText()).isEqualTo(longId);
    assertThat(longAnswer.get("error").get("data").get("requestId").asText())
        .startsWith("relay-");
    String huge = "123456789012345678901234567890";
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":" + huge + ",\"method\":\"list_resources\"}");
    JsonNode hugeAnswer = cp.await(huge, WAIT);
    assertThat(hugeAnswer.get("id").isIntegralNumber()).isTrue();
    assertThat(hugeAnswer.get("id").bigIntegerValue()).hasToString(huge);
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"list_resources\"}");
    assertError(cp.awaitNullId(WAIT), -32600, "INVALID_REQUEST");
    // by-position params: [] where a method takes none, refused where it needs named ones
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"e3\",\"method\":\"list_resources\",\"params\":[]}");
    assertThat(cp.await("e3", WAIT).get("result").isArray()).isTrue();
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"e4\",\"method\":\"describe_resource\","
        + "\"params\":[\"main-pg\"]}");
    assertError(cp.await("e4", WAIT), -32602, "INVALID_PARAMS");
  }

  @Test
  void numericIdsAreEchoedExactly() throws Exception {
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"list_resources\"}");
    JsonNode r = cp.await("7", WAIT);
    assertThat(r.get("id").isIntegralNumber()).isTrue();
    assertThat(r.get("id").asInt()).isEqualTo(7);
  }

  @Test
  void methodNotFound() throws Exception {
    JsonNode e = cp.call("drop_everything", Map.of());
    assertError(e, -32601, "METHOD_NOT_FOUND");
  }

  @Test
  void invalidParamsNeverEchoValues() throws Exception {
    assertError(cp.call("execute", Map.of("resourceId", 12, "operation", "query")), -32602,
        "INVALID_PARAMS");
    JsonNode badLimit = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.orders", "limit", EMAIL));
    assertError(badLimit, -32602, "INVALID_PARAMS");
    assertThat(badLimit.toString()).doesNotContain(EMAIL);
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.orders", "limit", 0)), -32602, "INVALID_PARAMS");
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.orders", "parameters", Map.of("x", CPF))), -32602,
        "INVALID_PARAMS");
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", 5)), -32602, "INVALID_PARAMS");
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "Query; DROP")),
        -32602, "INVALID_PARAMS");
    JsonNode unknownKey = cp.call("execute", Map.of("resourceId", "main-pg", "operation",
        "query", "statement", "SELECT * FROM public.orders", "timeoutMs", 5));
    assertError(unknownKey, -32602, "INVALID_PARAMS");
    assertThat(unknownKey.get("error").get("data").get("detail").asText()).contains("timeoutMs");
    assertError(cp.call("execute", List.of("main-pg", "query")), -32602, "INVALID_PARAMS");
    assertError(cp.call("execute", null), -32602, "INVALID_PARAMS");
    assertError(cp.call("list_resources", Map.of("x", 1)), -32602, "INVALID_PARAMS");
    assertError(cp.call("cancel", Map.of("requestId", "bad id with spaces")), -32602,
        "INVALID_PARAMS");
    String huge = "x".repeat(200);
    JsonNode hugeParams = cp.call("execute", Map.of("resourceId", "main-pg", "operation",
        "query", "statement", "SELECT * FROM public.customers WHERE id = $1",
        "parameters", java.util.Collections.nCopies(1_001, huge)));
    assertError(hugeParams, -32602, "INVALID_PARAMS");
    assertThat(hugeParams.toString()).doesNotContain(huge);
  }

  @Test
  void policyRefusals() throws Exception {
    JsonNode nf = cp.call("execute", Map.of("resourceId", "no-such-db-" + CPF, "operation",
        "query", "statement", "SELECT 1"));
    assertError(nf, -32001, "RESOURCE_NOT_FOUND");
    assertThat(nf.toString()).doesNotContain(CPF);
    assertError(cp.call("describe_resource", Map.of("resourceId", "nope")), -32001,
        "RESOURCE_NOT_FOUND");
    assertError(cp.call("health_check", Map.of("resourceId", "nope")), -32001,
        "RESOURCE_NOT_FOUND");
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "activity")),
        -32001, "OPERATION_NOT_ALLOWED");
    JsonNode blocked = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "DELETE FROM public.customers WHERE email = '" + EMAIL + "'"));
    assertError(blocked, -32001, "QUERY_BLOCKED");
    assertThat(blocked.toString()).doesNotContain(EMAIL);
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.secrets")), -32001, "TABLE_NOT_ALLOWED");
    assertError(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.notes")), -32001, "COLUMN_NOT_ALLOWED");
  }

  @Test
  void aRowLargerThanMaxResultBytesIsResultTooLarge() throws Exception {
    JsonNode big = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.blobs"));
    assertError(big, -32002, "RESULT_TOO_LARGE");
    assertThat(big.toString()).doesNotContain("xxxxxxxxxx");
  }

  @Test
  void databaseFailuresAndInternalErrors() throws Exception {
    JsonNode failed = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT FAIL('" + CPF + "')"));
    assertError(failed, -32002, "QUERY_FAILED");
    assertThat(failed.toString()).doesNotContain(CPF);
    JsonNode timeout = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT SLEEP(5000)"));
    assertError(timeout, -32002, "TIMEOUT");
    assertThat(timeout.get("error").get("data").get("retryable").asBoolean()).isTrue();
    relay.backend.failNextOpen(new IllegalStateException("boom " + EMAIL));
    JsonNode internal = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.orders"));
    assertError(internal, -32603, "INTERNAL");
    assertThat(internal.toString()).doesNotContain(EMAIL).doesNotContain("boom");
    assertThat(relay.err()).doesNotContain(EMAIL);
  }

  @Test
  void notificationsGetNoAnswerAndAreAudited() throws Exception {
    int before = cp.allResponses.size();
    cp.sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"execute\",\"params\":{\"resourceId\":"
        + "\"main-pg\",\"operation\":\"query\",\"statement\":\"SELECT * FROM public.orders\"}}");
    assertStillServing();
    assertThat(cp.allResponses.size()).isEqualTo(before + 1); // only assertStillServing's answer
    assertThat(relay.out()).contains("notification (no id) ignored");
  }

  @Test
  void fragmentedMessagesAreReassembled() throws Exception {
    cp.sendFragmented("{\"jsonrpc\":\"2.0\",\"id\":\"frag-1\",\"method\":\"list_resources\"}", 4);
    JsonNode r = cp.await("frag-1", WAIT);
    assertThat(r.get("result").get(0).get("resourceId").asText()).isEqualTo("main-pg");
  }

  @Test
  void tenMegabyteFrameIsRefusedAndTheRelayKeepsServing() throws Exception {
    String big = "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"execute\",\"params\":{"
        + "\"statement\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}}";
    long heapBefore = usedHeap();
    cp.sendRaw(big);
    JsonNode e = cp.awaitNullId(Duration.ofSeconds(30));
    assertError(e, -32600, "INVALID_REQUEST");
    assertThat(e.get("error").get("data").get("detail").asText()).contains("size cap");
    assertStillServing();
    assertThat(usedHeap() - heapBefore).isLessThan(200L * 1024 * 1024);
  }

  @Test
  void everyRequestIsAuditedExactlyOnceWithoutValues() throws Exception {
    Map<String, String> expected = new HashMap<>();
    expected.put(cp.send("list_resources", null), "OK");
    expected.put(cp.send("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.customers WHERE id = $1", "parameters",
        List.of(EMAIL))), "OK");
    expected.put(cp.send("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.secrets")), "REFUSED");
    expected.put(cp.send("execute", Map.of("resourceId", "nope", "operation", "query")),
        "REFUSED");
    expected.put(cp.send("bogus", null), "REFUSED");
    expected.put(cp.send("health_check", null), "OK");
    expected.put(cp.send("describe_resource", Map.of("resourceId", "main-pg")), "OK");
    for (String id : expected.keySet()) {
      cp.await(id, WAIT);
    }
    Thread.sleep(100);
    List<JsonNode> audit = relay.auditLines(relay.out());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      List<JsonNode> mine = audit.stream()
          .filter(a -> e.getKey().equals(a.path("requestId").asText())).toList();
      assertThat(mine).as("audit events for " + e.getKey()).hasSize(1);
      assertThat(mine.get(0).get("outcome").asText()).isEqualTo(e.getValue());
    }
    assertThat(relay.out()).doesNotContain(EMAIL).doesNotContain(TOKEN);
  }

  @Test
  void heartbeatsArriveOnTheConfiguredInterval() throws Exception {
    cp.notifications.clear();
    JsonNode a = cp.awaitNotification("heartbeat", Duration.ofSeconds(3));
    long t0 = System.nanoTime();
    JsonNode b = cp.awaitNotification("heartbeat", Duration.ofSeconds(3));
    long gapMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(gapMs).isBetween(500L, 2_500L); // 1 s interval, loaded CI tolerated
    JsonNode p = b.get("params");
    assertThat(p.get("relayId").asText()).isEqualTo(relay.relay.get().relayId());
    assertThat(p.get("tenantId").asText()).isEqualTo("tenant-42");
    assertThat(p.get("version").asText()).isNotBlank();
    assertThat(p.get("uptimeSeconds").isIntegralNumber()).isTrue();
    assertThat(p.get("inFlight").isIntegralNumber()).isTrue();
    assertThat(p.get("totals").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("requests", "rejected", "failed");
    assertThat(p.get("totals").get("requests").asLong())
        .isGreaterThanOrEqualTo(a.get("params").get("totals").get("requests").asLong());
  }

  @Test
  void aResourceGoingDownAndUpSendsResourceUpdateAndFailsFastMeanwhile() throws Exception {
    cp.notifications.clear();
    try {
      relay.backend.setDown(true);
      JsonNode down = awaitStatus("down");
      assertThat(down.get("params").get("resources").get(0).get("resourceId").asText())
          .isEqualTo("main-pg");
      long t0 = System.nanoTime();
      JsonNode e = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
          "statement", "SELECT * FROM public.orders"));
      assertError(e, -32002, "CONNECTION_FAILED");
      assertThat(e.get("error").get("data").get("retryable").asBoolean()).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1_000);
      JsonNode h = cp.call("health_check", null).get("result").get(0);
      assertThat(h.get("healthy").asBoolean()).isFalse();
      assertThat(h.get("error").asText()).isEqualTo("CONNECTION_FAILED");
    } finally {
      relay.backend.setDown(false);
    }
    awaitStatus("up");
    JsonNode ok = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT * FROM public.orders"));
    assertThat(ok.get("result").get("rowCount").asInt()).isEqualTo(1);
  }

  private static JsonNode awaitStatus(String status) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      JsonNode n = cp.awaitNotification("resource_update", Duration.ofSeconds(5));
      if (n.get("params").get("resources").get(0).get("status").asText().equals(status)) {
        return n;
      }
    }
    throw new AssertionError("no resource_update with status " + status);
  }

  static void assertError(JsonNode response, int code, String reason) {
    assertThat(response.has("result")).as(response.toString()).isFalse();
    JsonNode e = response.get("error");
    assertThat(e.get("code").asInt()).as(response.toString()).isEqualTo(code);
    assertThat(e.get("message").asText()).isNotBlank();
    JsonNode d = e.get("data");
    assertThat(d.get("reason").asText()).as(response.toString()).isEqualTo(reason);
    assertThat(d.get("detail").asText()).isNotBlank();
    assertThat(d.has("retryable")).isTrue();
    assertThat(d.has("requestId")).isTrue();
    assertThat(Set.of("jsonrpc", "id", "error")).containsAll(iterable(response.fieldNames()));
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> l = new ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }

  private static void assertStillServing() throws InterruptedException {
    JsonNode r = cp.call("list_resources", null);
    assertThat(r.get("result").isArray()).isTrue();
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
