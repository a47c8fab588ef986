package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real relay jar in {@code --mcp} mode, driven by the official MCP TypeScript SDK client
 * ({@code @modelcontextprotocol/sdk}, installed here with {@code npm ci} from the committed lock
 * file) against the embedded PostgreSQL: lists the tools, calls each, checks refusals, masking,
 * the audit trail (one line per tool call, no values) and that stdout carries protocol only. The
 * session is written to {@code target/mcp-transcript.json} and its audit trail to
 * {@code target/mcp-audit.jsonl} (docs/mcp.md quotes them).
 */
class McpClientIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMAIL = "maria.souza@example.com";
  private static final String CPF = "529.982.247-25";
  private static final String SECRET = "s3cr3t-api-key-value";
  private static final Set<String> REASONS = Set.of("INVALID_PARAMS", "RESOURCE_NOT_FOUND",
      "OPERATION_NOT_ALLOWED", "QUERY_BLOCKED", "TABLE_NOT_ALLOWED", "COLUMN_NOT_ALLOWED",
      "QUERY_FAILED", "TIMEOUT", "CONNECTION_FAILED", "RESULT_TOO_LARGE", "RELAY_BUSY");

  @TempDir static Path dir;
  static Path jar;
  static Path clientDir;
  static TestDatabase db;

  @BeforeAll
  static void setUp() throws Exception {
    jar = Path.of(System.getProperty("relay.jar", "target/causeflow-relay.jar"));
    assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package");
    clientDir = installClient();
    db = EmbeddedPostgresServer.shared().createDatabase("relay_mcp");
    db.execute(
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text, email text, cpf text)",
        "INSERT INTO customers VALUES (1, 'Maria', '" + EMAIL + "', '" + CPF + "'),"
            + " (2, 'Joao', 'joao@example.org', '111.444.777-35')",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers,"
            + " status text, created_at timestamptz)",
        "INSERT INTO orders VALUES (10, 1, 'paid', '2026-12-01T10:00:00Z'),"
            + " (11, 1, 'late', '2026-12-01T11:00:00Z'), (12, 2, 'paid', '2026-12-02T09:00:00Z')",
        "CREATE TABLE secrets (k text, v text)",
        "INSERT INTO secrets VALUES ('api', '" + SECRET + "')",
        "ANALYZE customers", "ANALYZE orders");
  }

  /** npm ci of the committed lock file into target/mcp-client; a clear error without Node.js. */
  private static Path installClient() throws Exception {
    Path src = Path.of("src/test/mcp-client");
    Path target = Path.of("target/mcp-client");
    Files.createDirectories(target);
    for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
      Files.copy(src.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      run(target, 30, "node", "--version");
    } catch (IOException e) {
      fail("McpClientIT needs Node.js 18 or newer (node and npm on the PATH) to run the official "
          + "MCP TypeScript SDK client; install Node.js or skip integration tests");
    }
    run(target, 300, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
    return target;
  }

  private static String run(Path cwd, int timeoutSeconds, String... cmd) throws Exception {
    Path log = Files.createTempFile(dir, "cmd", ".log");
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
    }
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    return out;
  }

  private static Path config(Path audit) throws IOException {
    return config(audit,
        "limits: {maxConcurrentRequests: 4, maxQueuedRequests: 8, maxResultBytes: 1048576}");
  }

  private static Path config(Path audit, String limits) throws IOException {
    EmbeddedPostgresServer pg = db.server();
    String connection = "    connection: {host: " + pg.host() + ", port: " + pg.port()
        + ", database: " + db.name() + ", user: " + pg.user() + ", password: \"" + pg.password()
        + "\", sslMode: disable}";
    String yaml = String.join("\n",
        limits,
        "resources:",
        "  - id: main-pg",
        "    type: postgres",
        "    name: Orders DB",
        connection,
        "    allowedOperations: [query, describe_table, list_tables, explain, activity, locks,",
        "      top_statements, connections, table_health, index_health, replication]",
        "    maxRowsPerQuery: 100",
        "    statementTimeoutMs: 20000",
        "    poolSize: 2",
        "    blockedTables: [\"public.secrets\"]",
        "  - id: reports-pg",
        "    type: postgres",
        "    name: Reporting replica",
        connection,
        "    allowedOperations: [query]",
        "    maxRowsPerQuery: 10",
        "    poolSize: 1",
        "masking: {enabled: true}",
        "audit: {level: info, output: " + audit + "}",
        "");
    return Files.writeString(Files.createTempFile(dir, "relay-config", ".yaml"), yaml);
  }

  private static List<String> jarCommand(Path cfg) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:-UsePerfData", "-Dcauseflow.relay.healthIntervalMs=60000",
        "-jar", jar.toAbsolutePath().toString(), "--config", cfg.toString(), "--mcp");
  }

  private static ObjectNode call(String name, String argumentsJson) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("name", name);
    c.set("arguments", JSON.readTree(argumentsJson));
    return c;
  }

  @Test
  void officialTypeScriptClientListsCallsAndIsRefusedWhereThePolicySays() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    Path cfg = config(audit);
    ObjectNode plan = JSON.createObjectNode();
    List<String> cmd = jarCommand(cfg);
    plan.put("command", cmd.get(0));
    ArrayNode args = plan.putArray("args");
    cmd.subList(1, cmd.size()).forEach(args::add);
    plan.put("cwd", dir.toString());
    ObjectNode byTool = plan.putObject("argumentsByTool");
    byTool.set("query", JSON.readTree("{\"resourceId\":\"main-pg\",\"statement\":"
        + "\"SELECT id, name, email, cpf FROM customers WHERE id = $1\",\"parameters\":[1]}"));
    byTool.set("explain", JSON.readTree("{\"resourceId\":\"main-pg\",\"statement\":"
        + "\"SELECT id, status FROM orders WHERE customer_id = $1\",\"parameters\":[1]}"));
    byTool.set("describe_table", JSON.readTree("{\"resourceId\":\"main-pg\",\"table\":"
        + "\"customers\"}"));
    ArrayNode calls = plan.putArray("calls");
    calls.add(call("query", "{\"resourceId\":\"main-pg\",\"statement\":"
        + "\"DELETE FROM customers WHERE email = '" + EMAIL + "'\"}"));
    calls.add(call("query", "{\"resourceId\":\"main-pg\",\"statement\":"
        + "\"SELECT 1; DROP TABLE customers\"}"));
    calls.add(call("query", "{\"resourceId\":\"main-pg\",\"statement\":"
        + "\"SELECT k, v FROM secrets\"}"));
    calls.add(call("list_tables", "{\"resourceId\":\"reports-pg\"}"));
    calls.add(call("query", "{\"resourceId\":\"main-pg\",\"sql\":\"SELECT 1\"}"));
    calls.add(call("query", "{\"resourceId\":\"reports-pg\",\"statement\":"
        + "\"SELECT id, status FROM orders ORDER BY id\",\"limit\":2}"));
    ObjectNode prompt = plan.putObject("prompt");
    prompt.put("name", "investigate_database");
    prompt.putObject("arguments").put("symptom", "checkout requests time out since 14:05 UTC");
    Path planFile = Files.writeString(dir.resolve("plan.json"), JSON.writeValueAsString(plan));
    Path transcriptFile = dir.resolve("transcript.json");

    Path nodeLog = Files.createTempFile(dir, "node", ".log");
    Process node = new ProcessBuilder("node", "client.mjs", planFile.toString(),
        transcriptFile.toString()).directory(clientDir.toFile()).redirectErrorStream(true)
        .redirectOutput(nodeLog.toFile()).start();
    assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("the client finished").isTrue();
    String log = Files.readString(nodeLog);
    JsonNode t = JSON.readTree(transcriptFile.toFile());
    assertThat(t.path("ok").asBoolean()).as(t.path("error").asText() + "\n" + log).isTrue();
    assertThat(node.exitValue()).isZero();
    Files.copy(transcriptFile, Path.of("target/mcp-transcript.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(audit, Path.of("target/mcp-audit.jsonl"), StandardCopyOption.REPLACE_EXISTING);

    assertThat(t.path("serverVersion").path("name").asText()).isEqualTo("causeflow-dbaccess");
    assertThat(t.path("instructions").asText()).contains("untrusted");
    List<JsonNode> steps = new ArrayList<>();
    t.path("steps").forEach(steps::add);

    // tools/list: one tool per allowed operation, each read-only with schemas in and out
    JsonNode tools = steps.get(0).path("result").path("tools");
    Set<String> names = new TreeSet<>();
    for (JsonNode tool : tools) {
      names.add(tool.path("name").asText());
      JsonNode a = tool.path("annotations");
      assertThat(a.path("readOnlyHint").asBoolean()).isTrue();
      assertThat(a.path("destructiveHint").asBoolean(true)).isFalse();
      assertThat(a.path("idempotentHint").asBoolean()).isTrue();
      assertThat(a.path("openWorldHint").asBoolean(true)).isFalse();
      assertThat(tool.path("inputSchema").path("type").asText()).isEqualTo("object");
      assertThat(tool.path("outputSchema").path("type").asText()).isEqualTo("object");
      assertThat(tool.path("description").asText()).hasSizeGreaterThan(80);
    }
    assertThat(names).containsExactlyInAnyOrder("list_resources", "list_tables",
        "describe_table", "query", "explain", "activity", "locks", "top_statements",
        "connections", "table_health", "index_health", "replication");
    JsonNode queryTool = find(tools, "query");
    assertThat(queryTool.path("inputSchema").path("properties").path("resourceId").path("enum")
        .toString()).isEqualTo("[\"main-pg\",\"reports-pg\"]");
    assertThat(find(tools, "list_tables").path("inputSchema").path("properties")
        .path("resourceId").path("enum").toString()).isEqualTo("[\"main-pg\"]");

    // every tool was called once; each answered (a tool error at most, never a protocol error)
    int toolCalls = 0;
    for (JsonNode s : steps) {
      if (s.path("request").asText().equals("tools/call")) {
        toolCalls++;
        assertThat(s.has("thrown")).as(s.toString()).isFalse();
        JsonNode r = s.path("result");
        String text = r.path("content").get(0).path("text").asText();
        if (r.path("isError").asBoolean()) {
          assertThat(text.substring(0, text.indexOf(' '))).isIn(REASONS);
          assertThat(text).contains("What to do: ").doesNotContain("Exception").doesNotContain(
              "\tat ");
        } else {
          assertThat(r.has("structuredContent")).isTrue();
        }
      }
    }
    assertThat(toolCalls).isEqualTo(tools.size() + 6);
    for (String name : names) {
      JsonNode s = steps.get(1 + List.copyOf(namesInOrder(tools)).indexOf(name));
      assertThat(s.path("name").asText()).isEqualTo(name);
      if (!name.equals("top_statements")) { // pg_stat_statements is not installed here
        assertThat(s.path("result").path("isError").asBoolean()).as(s.toString()).isFalse();
      }
    }

    // masking: the row came back with its PII masked and labelled untrusted
    JsonNode query = toolStep(steps, "query", 0).path("result");
    JsonNode row = query.path("structuredContent").path("rows").get(0);
    assertThat(row.path("name").asText()).isEqualTo("Maria");
    assertThat(row.path("email").asText()).isNotEqualTo(EMAIL).contains("*");
    assertThat(row.path("cpf").asText()).isNotEqualTo(CPF);
    assertThat(query.path("structuredContent").path("maskedFieldCount").asInt())
        .isGreaterThanOrEqualTo(2);
    assertThat(query.path("structuredContent").path("untrustedData").asBoolean()).isTrue();
    assertThat(query.path("content").get(0).path("text").asText()).startsWith("UNTRUSTED DATA")
        .contains("| id | name | email | cpf |");

    // refusals, in the order they were sent
    assertRefused(toolStep(steps, "query", 1), "QUERY_BLOCKED");
    assertRefused(toolStep(steps, "query", 2), "QUERY_BLOCKED");
    assertRefused(toolStep(steps, "query", 3), "TABLE_NOT_ALLOWED");
    assertRefused(toolStep(steps, "list_tables", 1), "OPERATION_NOT_ALLOWED");
    assertRefused(toolStep(steps, "query", 4), "INVALID_PARAMS");
    JsonNode clamped = toolStep(steps, "query", 5).path("result").path("structuredContent");
    assertThat(clamped.path("rowCount").asInt()).isEqualTo(2);
    assertThat(clamped.path("truncated").asBoolean()).isTrue();
    assertThat(clamped.path("rowLimit").asInt()).isEqualTo(2);

    // the prompt
    JsonNode promptStep = steps.get(steps.size() - 1);
    assertThat(promptStep.path("result").path("messages").get(0).path("content").path("text")
        .asText()).contains("checkout requests time out", "locks", "explain", "confidence");

    // nothing sensitive in any answer (the requests themselves carry the e-mail of the refused
    // DELETE) nor on the relay's stderr; the refused writes changed nothing
    StringBuilder answers = new StringBuilder(log);
    steps.forEach(s -> answers.append(s.path("result")));
    assertThat(answers.toString()).doesNotContain(EMAIL).doesNotContain(CPF).doesNotContain(SECRET);
    assertThat(db.queryLong("SELECT count(*) FROM customers")).isEqualTo(2);

    // one audit line per tool call, with outcome and reason, without values
    // (besides them: the relay's own schema fingerprint read when a resource comes up)
    List<String> all = Files.readAllLines(audit, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank()).toList();
    List<String> lines = new ArrayList<>();
    for (String l : all) {
      JsonNode e = JSON.readTree(l);
      String id = e.path("requestId").asText();
      if (id.startsWith("mcp-")) {
        lines.add(l);
        assertThat(e.path("outcome").asText()).isIn("OK", "REFUSED", "FAILED");
      } else {
        assertThat(id).startsWith("relay-schema-");
      }
    }
    assertThat(lines).hasSize(toolCalls);
    assertThat(String.join("\n", lines)).doesNotContain(EMAIL).doesNotContain(CPF)
        .doesNotContain(SECRET).contains("\"reason\":\"QUERY_BLOCKED\"")
        .contains("\"reason\":\"TABLE_NOT_ALLOWED\"")
        .contains("\"operation\":\"list_resources\"");
  }

  @Test
  void stdoutCarriesProtocolOnlyAndBrokenLinesAreAnsweredNotFatal() throws Exception {
    Path audit = dir.resolve("audit-raw.jsonl");
    Path cfg = config(audit);
    Path out = dir.resolve("raw.out");
    Path err = dir.resolve("raw.err");
    Process p = new ProcessBuilder(jarCommand(cfg)).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      String init = "not json " + EMAIL + "\n"
          + "{\"jsonrpc\":\"2.0\",\"note\":\"" + EMAIL + "\"}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":{\"x\":\"" + EMAIL + "\"}}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
          + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
          + "{\"name\":\"raw\",\"version\":\"1\"}}}\n"
          + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"query\",\"arguments\":{\"resourceId\":\"main-pg\",\"statement\":"
          + "\"SELECT id FROM customers ORDER BY id\"}}}\n";
      in.write(init.getBytes(StandardCharsets.UTF_8));
      in.flush();
    } // stdin ends at once, as with `printf ... | java -jar causeflow-relay.jar --mcp`
    assertThat(p.waitFor(60, TimeUnit.SECONDS))
        .as("the server answers what it read, then exits when stdin has ended").isTrue();
    assertThat(p.exitValue()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(6);
    List<JsonNode> errors = new ArrayList<>();
    List<JsonNode> results = new ArrayList<>();
    for (String l : lines) {
      JsonNode m = JSON.readTree(l);
      assertThat(m.path("jsonrpc").asText()).isEqualTo("2.0");
      (m.has("error") ? errors : results).add(m);
    }
    // the three broken lines are answered, not fatal: the session goes on
    assertThat(errors).extracting(e -> e.path("error").path("code").asInt())
        .containsExactly(-32700, -32600, -32600);
    assertThat(errors.get(2).path("id").asInt()).isEqualTo(7);
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("result").path("protocolVersion").asText())
        .isEqualTo("2025-06-18");
    assertThat(results.get(2).path("result").path("structuredContent").path("rowCount").asInt())
        .isEqualTo(2);
    String stderr = Files.readString(err);
    assertThat(stderr).contains("serving MCP on stdio");
    assertThat(String.join("\n", lines) + stderr).doesNotContain(EMAIL);
  }

  /**
   * The config's limits hold over MCP: with one worker and no queue, of two slow calls sent
   * together exactly one runs and the other is RELAY_BUSY; maxResultBytes cuts a wide result.
   */
  @Test
  void limitsFromTheConfigBoundMcpCalls() throws Exception {
    Path audit = dir.resolve("audit-limits.jsonl");
    Path cfg = config(audit,
        "limits: {maxConcurrentRequests: 1, maxQueuedRequests: 0, maxResultBytes: 1024}");
    Path out = dir.resolve("limits.out");
    Process p = new ProcessBuilder(jarCommand(cfg)).redirectOutput(out.toFile())
        .redirectError(dir.resolve("limits.err").toFile()).start();
    String slow = "{\"resourceId\":\"main-pg\",\"statement\":\"SELECT count(*) AS n FROM "
        + "generate_series(1, 3000) a, generate_series(1, 3000) b\"}";
    try (OutputStream in = p.getOutputStream()) {
      in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
          + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
          + "{\"name\":\"raw\",\"version\":\"1\"}}}\n"
          + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
          .getBytes(StandardCharsets.UTF_8));
      in.flush();
      awaitLines(out, 1);
      in.write(("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
          + "{\"name\":\"query\",\"arguments\":" + slow + "}}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
          + "{\"name\":\"query\",\"arguments\":" + slow + "}}\n")
          .getBytes(StandardCharsets.UTF_8));
      in.flush();
      awaitLines(out, 3);
      in.write(("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
          + "{\"name\":\"query\",\"arguments\":{\"resourceId\":\"main-pg\",\"statement\":"
          + "\"SELECT g, repeat('x', 600) AS pad FROM generate_series(1, 5) g\"}}}\n")
          .getBytes(StandardCharsets.UTF_8));
      in.flush();
      awaitLines(out, 4);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<JsonNode> answers = new ArrayList<>();
    for (String l : Files.readAllLines(out)) {
      answers.add(JSON.readTree(l));
    }
    List<String> outcomes = new ArrayList<>();
    for (JsonNode a : answers) {
      int id = a.path("id").asInt();
      JsonNode r = a.path("result");
      if (id == 2 || id == 3) {
        outcomes.add(r.path("isError").asBoolean()
            ? r.path("content").get(0).path("text").asText().split(" ")[0] : "OK");
      }
      if (id == 4) {
        JsonNode sc = r.path("structuredContent");
        assertThat(sc.path("truncatedBy").asText()).as(a.toString()).isEqualTo("bytes");
        assertThat(sc.path("truncated").asBoolean()).isTrue();
        assertThat(sc.path("rowCount").asInt()).isBetween(1, 4);
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder("OK", "RELAY_BUSY");
    assertThat(Files.readString(audit)).contains("\"reason\":\"RELAY_BUSY\"");
  }

  private static void awaitLines(Path out, int n) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.readAllLines(out).size() < n && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(Files.readAllLines(out)).hasSizeGreaterThanOrEqualTo(n);
  }

  private static List<String> namesInOrder(JsonNode tools) {
    List<String> out = new ArrayList<>();
    tools.forEach(t -> out.add(t.path("name").asText()));
    return out;
  }

  private static JsonNode find(JsonNode tools, String name) {
    for (JsonNode t : tools) {
      if (t.path("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no tool " + name);
  }

  /** The n-th (0-based) call of a tool in the transcript. */
  private static JsonNode toolStep(List<JsonNode> steps, String name, int n) {
    int seen = 0;
    for (JsonNode s : steps) {
      if (s.path("request").asText().equals("tools/call") && s.path("name").asText().equals(name)
          && seen++ == n) {
        return s;
      }
    }
    throw new AssertionError("no call " + n + " of " + name);
  }

  private static void assertRefused(JsonNode step, String reason) {
    JsonNode r = step.path("result");
    assertThat(r.path("isError").asBoolean()).as(step.toString()).isTrue();
    assertThat(r.path("content").get(0).path("text").asText()).startsWith(reason + " ");
    assertThat(r.has("structuredContent")).isFalse();
    JsonNode error = r.path("_meta").path("causeflow.ai/error");
    assertThat(error.path("reason").asText()).as(step.toString()).isEqualTo(reason);
    assertThat(error.path("hint").asText()).isNotBlank();
  }

}
