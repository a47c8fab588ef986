package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.examples.relay.JsonRpcFuzzer.Expect;
import ai.causeflow.dbaccess.examples.relay.JsonRpcFuzzer.Msg;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, bounded fuzzing of the relay's JSON-RPC handling, over stdio and over a WebSocket:
 * thousands of mutated messages (wrong types everywhere, odd ids, deep nesting, duplicates, lone
 * surrogates, NULs, batches, notifications) interleaved with valid requests. The relay must answer
 * every message with a valid id exactly once with that id, answer no valid notification, use only
 * the protocol's codes with a {@code data.reason}, keep serving, and never let a planted marker
 * into an answer, a log line or an audit line.
 */
class RelayFuzzTest {
  private static final long SEED = 0x5EED_F022L;
  private static final Set<Integer> CODES =
      Set.of(-32700, -32600, -32601, -32602, -32001, -32002, -32003);
  private static final Map<Integer, Set<String>> REASONS = Map.of(
      -32700, Set.of("PARSE_ERROR"),
      -32600, Set.of("INVALID_REQUEST"),
      -32601, Set.of("METHOD_NOT_FOUND"),
      -32602, Set.of("INVALID_PARAMS"),
      -32001, Set.of("RESOURCE_NOT_FOUND", "OPERATION_NOT_ALLOWED", "QUERY_BLOCKED",
          "TABLE_NOT_ALLOWED", "COLUMN_NOT_ALLOWED"),
      -32002, Set.of("QUERY_FAILED", "TIMEOUT", "CONNECTION_FAILED", "RESULT_TOO_LARGE",
          "CANCELLED"),
      -32003, Set.of("RELAY_BUSY"));

  @TempDir Path dir;

  /** The relay's configuration for fuzzing: the real masking engine, audit with the logs. */
  private static String yaml(String url, String auditOutput) {
    return RelayHarness.yaml(url, 4, 256, "{level: info, output: " + auditOutput + "}")
        + "masking: {enabled: true}\n";
  }

  @Test
  void stdioSurvivesThousandsOfMutatedMessages() throws Exception {
    List<Msg> msgs = new JsonRpcFuzzer(SEED).messages(4_000);
    java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
    for (Msg m : msgs) {
      in.writeBytes((m.text() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    in.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":\"final\",\"method\":\"list_resources\"}\n"
        .getBytes(StandardCharsets.UTF_8));
    RelayHarness relay = new RelayHarness(dir, yaml(null, "stderr"));
    int rc = RelayMain.run(new String[] {"--config", relay.config.toString(), "--stdio"},
        new ByteArrayInputStream(in.toByteArray()),
        new PrintStream(relay.out, true, StandardCharsets.UTF_8),
        new PrintStream(relay.err, true, StandardCharsets.UTF_8), relay.factory(),
        RelayHarness.fastOptions(), false, Relay::defaultMasking, r -> {});
    assertThat(rc).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (String line : relay.out().split("\n")) {
      if (!line.isBlank()) {
        answers.add(JsonRpcFuzzer.READER.readTree(line));
      }
    }
    JsonNode last = answers.stream().filter(a -> "final".equals(a.path("id").asText()))
        .findFirst().orElseThrow();
    assertThat(last.get("result").get(0).get("resourceId").asText()).isEqualTo("main-pg");
    checkAnswers(msgs, answers);
    assertNoMarker("stdout", relay.out());
    assertNoMarker("stderr (log and audit)", relay.err());
    assertThat(relay.err()).contains("\"outcome\""); // the audit really went there
  }

  @Test
  void webSocketSurvivesMutatedMessagesOnOneConnection() throws Exception {
    List<Msg> msgs = new JsonRpcFuzzer(SEED + 1).messages(600);
    try (ControlPlaneServer cp = new ControlPlaneServer();
        RelayHarness relay = new RelayHarness(dir, yaml(cp.url(), "stdout"))
            .startWebSocket()) {
      cp.awaitConnection(Duration.ofSeconds(10));
      for (Msg m : msgs) {
        cp.sendRaw(m.text());
      }
      long expected = msgs.stream().filter(m -> m.expect() != Expect.NONE).count();
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (cp.allResponses.size() < expected && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      cp.send("final", "list_resources", null);
      JsonNode ok = cp.await("final", Duration.ofSeconds(10));
      assertThat(ok.get("result").get(0).get("resourceId").asText()).isEqualTo("main-pg");
      List<JsonNode> answers = new ArrayList<>(cp.allResponses);
      checkAnswers(msgs, answers);
      assertThat(cp.handshakes).as("the connection was never dropped").hasSize(1);
      assertNoMarker("audit (stdout)", relay.out());
      assertNoMarker("log (stderr)", relay.err());
      for (JsonNode a : answers) {
        assertNoMarker("answer", a.toString());
      }
    }
  }

  /**
   * Every message with a valid id got exactly one answer with that id; the number of id-null
   * answers is the number of messages that had no usable id; notifications got nothing.
   */
  private static void checkAnswers(List<Msg> msgs, List<JsonNode> answers) {
    Map<String, Integer> expectedIds = new HashMap<>();
    int expectedNull = 0;
    for (Msg m : msgs) {
      if (m.expect() == Expect.ID) {
        expectedIds.merge(m.idKey(), 1, Integer::sum);
      } else if (m.expect() == Expect.NULL_ID) {
        expectedNull++;
      }
    }
    Map<String, Integer> seen = new HashMap<>();
    int nulls = 0;
    for (JsonNode a : answers) {
      assertThat(a.get("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(a.has("result") ^ a.has("error")).as(a.toString()).isTrue();
      if (a.has("error")) {
        JsonNode e = a.get("error");
        int code = e.get("code").asInt();
        assertThat(CODES).as(a.toString()).contains(code);
        assertThat(REASONS.get(code)).as(a.toString())
            .contains(e.path("data").path("reason").asText());
        assertThat(e.path("data").path("detail").asText()).isNotBlank();
      }
      JsonNode id = a.get("id");
      if (id.isNull()) {
        nulls++;
      } else {
        seen.merge(JsonRpcFuzzer.idKey(id), 1, Integer::sum);
      }
    }
    assertThat(seen.remove("s:final")).as("the request after the fuzz was answered once")
        .isEqualTo(1);
    Map<String, Integer> missingOrExtra = new HashMap<>(expectedIds);
    seen.forEach((k, v) -> missingOrExtra.merge(k, -v, Integer::sum));
    missingOrExtra.values().removeIf(v -> v == 0);
    assertThat(missingOrExtra).as("ids answered a wrong number of times (expected - seen)")
        .isEmpty();
    assertThat(nulls).as("answers with id null").isEqualTo(expectedNull);
    assertThat(answers).hasSize(expectedIds.values().stream().mapToInt(i -> i).sum()
        + expectedNull + 1);
  }

  private static void assertNoMarker(String where, String text) {
    for (String marker : JsonRpcFuzzer.MARKERS) {
      int at = text.indexOf(marker);
      assertThat(at).as(where + " contains the planted marker " + marker + ": "
          + (at < 0 ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(),
              at + 100)))).isNegative();
    }
  }
}
