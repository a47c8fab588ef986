package ai.causeflow.dbaccess.examples.relay;

import static ai.causeflow.dbaccess.examples.relay.RelayWebSocketTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overload, reconnect, shutdown drain and the stdio transport. */
class RelayLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void overloadAnswersEveryIdExactlyOnceWithSomeRelayBusy() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer();
        RelayHarness relay = new RelayHarness(dir,
            RelayHarness.yaml(cp.url(), 2, 2, "{level: warn}")).startWebSocket()) {
      cp.awaitConnection(WAIT);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String id = "load-" + i;
        ids.add(id);
        cp.send(id, "execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "SELECT SLEEP(400)"));
      }
      int busy = 0;
      int ok = 0;
      for (String id : ids) {
        JsonNode r = cp.await(id, WAIT);
        if (r.has("error")) {
          assertError(r, -32003, "RELAY_BUSY");
          assertThat(r.get("error").get("data").get("retryable").asBoolean()).isTrue();
          busy++;
        } else {
          assertThat(r.get("result").get("rowCount").asInt()).isEqualTo(1);
          ok++;
        }
      }
      Thread.sleep(500);
      Map<String, Integer> answers = new HashMap<>();
      cp.allResponses.forEach(r -> answers.merge(r.get("id").asText(), 1, Integer::sum));
      for (String id : ids) {
        assertThat(answers.get(id)).as("answers for " + id).isEqualTo(1);
      }
      assertThat(busy).isGreaterThan(0);
      assertThat(ok).isGreaterThanOrEqualTo(4);
      assertThat(ok + busy).isEqualTo(12);
      // audit.level warn: the RELAY_BUSY refusals are audited, the successes are not
      long auditedBusy = relay.auditLines(relay.out()).stream()
          .filter(a -> "RELAY_BUSY".equals(a.path("reason").asText())).count();
      assertThat(auditedBusy).isEqualTo(busy);
      assertThat(relay.auditLines(relay.out())).noneMatch(a -> a.get("outcome").asText()
          .equals("OK"));
    }
  }

  @Test
  void aRequestThatWaitedInTheQueuePastItsDeadlineTimesOutWithoutRunning() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer();
        RelayHarness relay = new RelayHarness(dir,
            RelayHarness.yaml(cp.url(), 1, 4, "{level: info}")).startWebSocket()) {
      cp.awaitConnection(WAIT);
      int before = relay.backend.openCalls();
      for (String id : List.of("q-a", "q-b", "q-c")) {
        cp.send(id, "execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "SELECT SLEEP(1000)"));
      }
      assertThat(cp.await("q-a", WAIT).has("result")).isTrue();
      assertThat(cp.await("q-b", WAIT).has("result")).isTrue();
      JsonNode c = cp.await("q-c", WAIT);
      assertError(c, -32002, "TIMEOUT");
      assertThat(c.get("error").get("data").get("detail").asText()).contains("relay queue");
      assertThat(relay.backend.openCalls() - before).as("q-c never reached the database")
          .isEqualTo(2);
    }
  }

  @Test
  void reconnectsAfterTheControlPlaneRestartsAndNeverReplaysInFlightRequests() throws Exception {
    int port = ControlPlaneServer.freePort();
    ControlPlaneServer cp = new ControlPlaneServer(port);
    try (RelayHarness relay = new RelayHarness(dir,
        RelayHarness.yaml(cp.url(), 2, 2, "{level: info}")).startWebSocket()) {
      cp.awaitConnection(WAIT);
      cp.send("inflight-1", "execute", Map.of("resourceId", "main-pg", "operation", "query",
          "statement", "SELECT SLEEP(1400)"));
      Thread.sleep(300);
      cp.stop();
      ControlPlaneServer cp2 = new ControlPlaneServer(port);
      try {
        cp2.awaitConnection(WAIT);
        assertThat(cp2.handshakes.get(0).get("X-Relay-Id"))
            .isEqualTo(cp.handshakes.get(0).get("X-Relay-Id"));
        cp2.awaitNotification("resource_update", WAIT);
        assertThat(cp2.call("list_resources", null).get("result").isArray()).isTrue();
        Thread.sleep(1_500);
        assertThat(cp2.queue("inflight-1")).isEmpty();
        assertThat(cp.queue("inflight-1")).isEmpty();
        List<JsonNode> audit = relay.auditLines(relay.out()).stream()
            .filter(a -> "inflight-1".equals(a.path("requestId").asText())).toList();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("reason").asText()).isEqualTo("CANCELLED");
        assertThat(relay.backend.openCursors()).isZero();
      } finally {
        cp2.close();
      }
    }
  }

  @Test
  void shutdownDrainsInFlightRequestsThenClosesWith1001() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer();
        RelayHarness relay = new RelayHarness(dir,
            RelayHarness.yaml(cp.url(), 2, 2, "{level: info}")).startWebSocket()) {
      cp.awaitConnection(WAIT);
      cp.send("drain-1", "execute", Map.of("resourceId", "main-pg", "operation", "query",
          "statement", "SELECT SLEEP(800)"));
      Thread.sleep(150);
      Thread stopper = new Thread(() -> {
        try {
          relay.relay.get().shutdown();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      stopper.start();
      Thread.sleep(150);
      JsonNode late = cp.call("list_resources", null);
      assertError(late, -32003, "RELAY_BUSY");
      JsonNode drained = cp.await("drain-1", WAIT);
      assertThat(drained.get("result").get("rowCount").asInt()).isEqualTo(1);
      Integer code = cp.closeCodes.poll(10, TimeUnit.SECONDS);
      assertThat(code).isEqualTo(1001);
      stopper.join(10_000);
      assertThat(relay.exit.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(relay.backend.isClosed()).isTrue();
    }
  }

  @Test
  void stdioGivesTheSameAnswersAsWebSocket() throws Exception {
    List<String> requests = List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"list_resources\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"method\":\"execute\",\"params\":{\"resourceId\":"
            + "\"main-pg\",\"operation\":\"query\",\"statement\":"
            + "\"SELECT * FROM public.customers WHERE id = $1\",\"parameters\":[1]}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s3\",\"method\":\"execute\",\"params\":{\"resourceId\":"
            + "\"main-pg\",\"operation\":\"query\",\"statement\":\"SELECT * FROM public.secrets\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s4\",\"method\":\"describe_resource\",\"params\":"
            + "{\"resourceId\":\"main-pg\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s5\",\"method\":\"health_check\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s6\",\"method\":\"nope\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s7\",\"method\":\"execute\",\"params\":{\"resourceId\":7}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s8\",\"method\":\"execute\",\"params\":{\"resourceId\":"
            + "\"main-pg\",\"operation\":\"query\",\"statement\":\"UPDATE t SET a = 1\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s9\",\"method\":\"execute\",\"params\":{\"resourceId\":"
            + "\"main-pg\",\"operation\":\"explain\",\"statement\":\"SELECT * FROM public.orders\"}}",
        "this is not json");
    Map<String, JsonNode> ws = new TreeMap<>();
    try (ControlPlaneServer cp = new ControlPlaneServer();
        RelayHarness relay = new RelayHarness(dir,
            RelayHarness.yaml(cp.url(), 2, 8, "{level: info}")).startWebSocket()) {
      cp.awaitConnection(WAIT);
      for (String r : requests) {
        cp.sendRaw(r);
        Thread.sleep(20);
      }
      for (int i = 1; i <= 9; i++) {
        ws.put("s" + i, normalise(cp.await("s" + i, WAIT)));
      }
      ws.put("null", normalise(cp.awaitNullId(WAIT)));
    }
    Map<String, JsonNode> stdio = new TreeMap<>();
    RelayHarness relay = new RelayHarness(dir,
        RelayHarness.yaml(null, 2, 8, "{level: info, output: stdout}"));
    List<String> lines = relay.runStdio(String.join("\n", requests) + "\n");
    for (String l : lines) {
      JsonNode n = ControlPlaneServer.JSON.readTree(l);
      stdio.put(n.get("id").isNull() ? "null" : n.get("id").asText(), normalise(n));
    }
    assertThat(lines).hasSize(10);
    assertThat(stdio).isEqualTo(ws);
    // audit went to stderr in stdio mode, never into the protocol stream
    assertThat(relay.err()).contains("\"requestId\":\"s2\"");
    assertThat(relay.out()).doesNotContain("\"outcome\"");
  }

  @Test
  void stdioRefusesAnOversizedLineWithoutBufferingItAndKeepsServing() throws Exception {
    RelayHarness relay = new RelayHarness(dir,
        RelayHarness.yaml(null, 2, 8, "{level: info, output: stderr}"));
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":\"h\",\"method\":\"execute\",\"params\":{"
        + "\"statement\":\"" + "b".repeat(3 * 1024 * 1024) + "\"}}";
    List<String> lines = relay.runStdio(huge + "\n"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"list_resources\"}\n");
    assertThat(lines).hasSize(2);
    JsonNode first = ControlPlaneServer.JSON.readTree(lines.get(0));
    assertError(first, -32600, "INVALID_REQUEST");
    assertThat(first.get("id").isNull()).isTrue();
    JsonNode after = ControlPlaneServer.JSON.readTree(lines.get(1));
    assertThat(after.get("id").asText()).isEqualTo("after");
    assertThat(after.get("result").isArray()).isTrue();
  }

  @Test
  void auditGoesToTheConfiguredFileOneJsonObjectPerLine() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    RelayHarness relay = new RelayHarness(dir,
        RelayHarness.yaml(null, 2, 8, "{level: info, output: " + file + "}"));
    List<String> lines = relay.runStdio(
        "{\"jsonrpc\":\"2.0\",\"id\":\"f1\",\"method\":\"list_resources\"}\n"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"f2\",\"method\":\"execute\",\"params\":{"
        + "\"resourceId\":\"main-pg\",\"operation\":\"query\",\"statement\":"
        + "\"SELECT * FROM public.customers WHERE email = $1\",\"parameters\":[\""
        + RelayHarness.EMAIL + "\"]}}\n"
        + "[]\n");
    assertThat(lines).hasSize(3);
    List<JsonNode> all = relay.auditLines(java.nio.file.Files.readString(file));
    // the relay's own schema read at start-up (for the fingerprint) is audited too
    assertThat(all).filteredOn(a -> a.get("requestId").asText().startsWith("relay-schema-"))
        .hasSize(1);
    List<JsonNode> audit = all.stream()
        .filter(a -> !a.get("requestId").asText().startsWith("relay-schema-")).toList();
    assertThat(audit).hasSize(3);
    assertThat(audit).extracting(a -> a.get("outcome").asText())
        .containsExactlyInAnyOrder("OK", "OK", "REFUSED");
    assertThat(java.nio.file.Files.readString(file)).doesNotContain(RelayHarness.EMAIL);
    assertThat(relay.err()).doesNotContain("\"outcome\"");
  }

  private static JsonNode normalise(JsonNode n) {
    JsonNode copy = n.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(List.of("executionMs", "latencyMs"));
      if (o.has("requestId") && o.get("requestId").asText().startsWith("relay-")) {
        o.remove("requestId");
      }
      o.forEach(RelayLifecycleTest::strip);
    } else if (n.isArray()) {
      n.forEach(RelayLifecycleTest::strip);
    }
  }
}
