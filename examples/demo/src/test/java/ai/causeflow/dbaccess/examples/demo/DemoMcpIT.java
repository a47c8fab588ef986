package ai.causeflow.dbaccess.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code causeflow-demo.jar --mcp}: the seeded outage database served over MCP on stdio. */
class DemoMcpIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesTheOutageDatabaseOverMcp() throws Exception {
    PipedOutputStream toServer = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(toServer, 1 << 16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Integer> rc = CompletableFuture.supplyAsync(() -> DemoMain.mcp(in, out));
    String requests = String.join("\n",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"locks\","
            + "\"arguments\":{\"resourceId\":\"shop-db\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"query\","
            + "\"arguments\":{\"resourceId\":\"shop-db\",\"statement\":\"SELECT id, email FROM"
            + " customers ORDER BY id\",\"limit\":3}}}",
        "");
    toServer.write(requests.getBytes(StandardCharsets.UTF_8));
    toServer.flush();
    List<JsonNode> answers = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < end) {
      answers.clear();
      String text;
      synchronized (out) {
        text = out.toString(StandardCharsets.UTF_8);
      }
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          answers.add(JSON.readTree(line));
        }
      }
      if (answers.size() >= 4) {
        break;
      }
      Thread.sleep(100);
    }
    toServer.close();
    assertThat(rc.get(60, TimeUnit.SECONDS)).isZero();

    assertThat(answers).hasSize(4);
    assertThat(answers.get(1).path("result").path("tools").toString()).contains("\"locks\"",
        "\"activity\"", "\"top_statements\"");
    JsonNode locks = answers.stream().filter(a -> a.path("id").asInt() == 3).findFirst()
        .orElseThrow().path("result");
    assertThat(locks.path("isError").asBoolean()).as(locks.toString()).isFalse();
    assertThat(locks.path("structuredContent").path("rowCount").asInt())
        .as("the outage's blocking chain").isGreaterThan(0);
    JsonNode query = answers.stream().filter(a -> a.path("id").asInt() == 4).findFirst()
        .orElseThrow().path("result");
    assertThat(query.path("structuredContent").path("maskedFieldCount").asInt()).isEqualTo(3);
    String all = answers.toString();
    for (String[] c : StoryDatabase.CUSTOMERS) {
      assertThat(all).doesNotContain(c[1]);
    }
  }
}
