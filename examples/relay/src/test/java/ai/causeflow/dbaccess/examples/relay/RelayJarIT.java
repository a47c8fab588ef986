package ai.causeflow.dbaccess.examples.relay;

import static ai.causeflow.dbaccess.examples.relay.RelayWebSocketTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TcpProxy;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real fat jar as a subprocess against the embedded PostgreSQL (behind a TCP proxy that can
 * take it down): end to end, database stop/start, SIGTERM drain, --check, --stdio, start-up
 * errors, and a read-only working directory.
 */
class RelayJarIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "jar-tok-SECRET-0b7d1e";
  private static final String EMAIL = "maria.souza@example.com";
  private static final String CPF = "529.982.247-25";

  @TempDir static Path dir;
  static Path jar;
  static TestDatabase db;
  static TcpProxy proxy;

  @BeforeAll
  static void setUp() throws IOException {
    jar = Path.of(System.getProperty("relay.jar", "target/causeflow-relay.jar"));
    assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
    db = pg.createDatabase("relay_jar");
    db.execute(
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text, email text, cpf text)",
        "INSERT INTO customers VALUES (1, 'Maria', '" + EMAIL + "', '" + CPF + "'),"
            + " (2, 'Joao', 'joao@example.org', '111.444.777-35')",
        "ANALYZE customers");
    proxy = new TcpProxy(pg.host(), pg.port());
    proxy.start();
  }

  @AfterAll
  static void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static String yaml(String cpUrl, String extraResource) {
    EmbeddedPostgresServer pg = db.server();
    return String.join("\n",
        cpUrl == null ? "" : "controlPlane:",
        cpUrl == null ? "" : "  url: " + cpUrl,
        cpUrl == null ? "" : "  token: ${RELAY_TOKEN}",
        cpUrl == null ? "" : "  tenantId: acme",
        cpUrl == null ? "" : "  heartbeatIntervalSeconds: 1",
        cpUrl == null ? "" : "  reconnect: {initialDelayMs: 50, maxDelayMs: 500}",
        "limits: {maxConcurrentRequests: 4, maxQueuedRequests: 8}",
        "resources:",
        "  - id: main-pg",
        "    type: postgres",
        "    name: Orders DB",
        "    connection: {host: 127.0.0.1, port: " + proxy.port() + ", database: " + db.name()
            + ", user: " + pg.user() + ", password: \"" + pg.password()
            + "\", sslMode: disable, connectTimeoutMs: 1000}",
        "    allowedOperations: [query, describe_table, list_tables, explain, activity, locks]",
        "    maxRowsPerQuery: 100",
        "    statementTimeoutMs: 20000",
        "    poolSize: 3",
        extraResource,
        "masking: {enabled: true}",
        "audit: {level: info, output: stdout}",
        "");
  }

  private static final class Run {
    final Process process;
    final Path out;
    final Path err;

    Run(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    String out() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }
  }

  private static Run start(Path cwd, String yaml, String... args) throws IOException {
    Path cfgDir = Files.createTempDirectory(dir, "cfg");
    Path cfg = Files.writeString(cfgDir.resolve("relay-config.yaml"), yaml);
    Path tmp = Files.createTempDirectory(dir, "tmp");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:-UsePerfData",
        "-Djava.io.tmpdir=" + tmp,
        "-Dcauseflow.relay.healthIntervalMs=300",
        "-Dcauseflow.relay.shutdownGraceMs=15000",
        "-jar", jar.toAbsolutePath().toString(), "--config", cfg.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().put("RELAY_TOKEN", TOKEN);
    Path out = Files.createTempFile(dir, "out", ".log");
    Path err = Files.createTempFile(dir, "err", ".log");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Run(pb.start(), out, err);
  }

  private static Path readOnlyEmptyDir() throws IOException {
    Path cwd = Files.createTempDirectory(dir, "ro-cwd");
    Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("r-xr-xr-x"));
    return cwd;
  }

  @Test
  void servesPostgresEndToEndAndDrainsOnSigterm() throws Exception {
    Path cwd = readOnlyEmptyDir();
    try (ControlPlaneServer cp = new ControlPlaneServer()) {
      Run run = start(cwd, yaml(cp.url(), ""));
      try {
        cp.awaitConnection(WAIT);
        assertThat(cp.handshakes.get(0).get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(cp.handshakes.get(0).get("X-Tenant-Id")).isEqualTo("acme");
        JsonNode update = cp.awaitNotification("resource_update", WAIT);
        assertThat(update.get("params").get("resources").get(0).get("status").asText())
            .isEqualTo("up");

        JsonNode rows = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "SELECT id, name, email, cpf FROM customers WHERE id = $1",
            "parameters", List.of(1))).get("result");
        assertThat(rows.get("rowCount").asInt()).isEqualTo(1);
        assertThat(rows.get("rows").get(0).get("name").asText()).isEqualTo("Maria");
        assertThat(rows.get("rows").get(0).get("email").asText()).isNotEqualTo(EMAIL);
        assertThat(rows.get("rows").get(0).get("cpf").asText()).isNotEqualTo(CPF);
        assertThat(rows.get("metadata").get("masked").asBoolean()).isTrue();
        assertThat(rows.get("metadata").get("maskedFieldCount").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(rows.get("columns").get(0).get("type").asText()).isEqualTo("int8");

        JsonNode described = cp.call("describe_resource", Map.of("resourceId", "main-pg"))
            .get("result");
        assertThat(described.get("tables").get(0).get("schema").asText()).isEqualTo("public");
        assertThat(described.get("tables").get(0).get("name").asText()).isEqualTo("customers");
        assertThat(described.get("tables").get(0).get("estimatedRows").asLong()).isEqualTo(2);
        assertThat(cp.call("execute", Map.of("resourceId", "main-pg", "operation", "locks"))
            .has("result")).isTrue();
        JsonNode write = cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "DELETE FROM customers WHERE email = '" + EMAIL + "'"));
        assertError(write, -32001, "QUERY_BLOCKED");
        assertThat(write.toString()).doesNotContain(EMAIL);

        cp.send("slow-1", "execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "SELECT count(*) AS n FROM generate_series(1, 4000) a, "
                + "generate_series(1, 4000) b"));
        Thread.sleep(400);
        run.process.destroy(); // SIGTERM
        JsonNode slow = cp.await("slow-1", WAIT);
        assertThat(slow.has("result")).as(slow.toString()).isTrue();
        assertThat(slow.get("result").get("metadata").get("executionMs").asLong())
            .as("the query was still running when SIGTERM arrived").isGreaterThan(400);
        assertThat(cp.closeCodes.poll(20, TimeUnit.SECONDS)).isEqualTo(1001);
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).as("exit code after a clean SIGTERM drain")
            .isZero();

        try (var files = Files.list(cwd)) {
          assertThat(files.toList()).as("nothing written to the working directory").isEmpty();
        }
        String out = run.out();
        String err = run.err();
        assertThat(out + err).doesNotContain(TOKEN).doesNotContain(EMAIL).doesNotContain(CPF);
        for (String line : out.split("\n")) {
          if (!line.isBlank()) {
            assertThat(ControlPlaneServer.JSON.readTree(line).has("outcome")).isTrue();
          }
        }
        assertThat(out).contains("\"requestId\":\"slow-1\"");
        assertThat(err).contains("shutting down").contains("relay stopped");
      } finally {
        run.process.destroyForcibly();
      }
    }
  }

  @Test
  void aDatabaseThatStopsAndStartsIsReportedAndRecoveredFrom() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer()) {
      Run run = start(dir, yaml(cp.url(), ""));
      try {
        cp.awaitConnection(WAIT);
        cp.awaitNotification("resource_update", WAIT);
        assertThat(query(cp).has("result")).isTrue();
        proxy.stop();
        try {
          assertThat(awaitStatus(cp, "down")).isTrue();
          // serve mode logs the same reason --check prints
          assertThat(run.err()).contains("resource main-pg is down (CONNECTION_FAILED:")
              .contains("connection refused");
          long t0 = System.nanoTime();
          JsonNode down = query(cp);
          assertError(down, -32002, "CONNECTION_FAILED");
          assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
        } finally {
          proxy.start();
        }
        assertThat(awaitStatus(cp, "up")).isTrue();
        assertThat(query(cp).get("result").get("rowCount").asInt()).isEqualTo(2);
      } finally {
        run.process.destroy();
        run.process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  private static JsonNode query(ControlPlaneServer cp) throws InterruptedException {
    return cp.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
        "statement", "SELECT id FROM customers"));
  }

  private static boolean awaitStatus(ControlPlaneServer cp, String status)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < end) {
      JsonNode n = cp.awaitNotification("resource_update", Duration.ofSeconds(15));
      if (n.get("params").get("resources").get(0).get("status").asText().equals(status)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void checkReportsReadinessWithExitCode() throws Exception {
    Run ok = start(dir, yaml(null, ""), "--check");
    assertThat(ok.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ok.process.exitValue()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("resource main-pg (postgres): ready").contains("READY");
    // only the report on stdout: no audit line of the checks (they go to stderr)
    assertThat(ok.out().lines().filter(l -> l.startsWith("{")).toList()).isEmpty();
    proxy.stop();
    try {
      Run bad = start(dir, yaml(null, ""), "--check");
      assertThat(bad.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(bad.process.exitValue()).isEqualTo(1);
      assertThat(bad.out()).contains("NOT READY").contains("CONNECTION_FAILED")
          .contains("connection refused");
    } finally {
      proxy.start();
    }
  }

  @Test
  void startupErrorsAreClearAndExitOne() throws Exception {
    // a mongodb resource whose server is unreachable: reported, never quoted (the URI is secret)
    Run mongo = start(dir, yaml(null, String.join("\n",
        "  - id: events",
        "    type: mongodb",
        "    connection: {uri: \"mongodb://u:pw-SECRET@127.0.0.1:1/?serverSelectionTimeoutMS=500\","
            + " database: events}")),
        "--check");
    assertThat(mongo.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mongo.process.exitValue()).isEqualTo(1);
    assertThat(mongo.out()).contains("NOT READY").contains("CONNECTION_FAILED")
        .doesNotContain("pw-SECRET");
    assertThat(mongo.err()).doesNotContain("pw-SECRET");
    Run noCp = start(dir, yaml(null, ""));
    assertThat(noCp.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(noCp.process.exitValue()).isEqualTo(1);
    assertThat(noCp.err()).contains("controlPlane: is required unless --stdio");
    Run usage = start(dir, yaml(null, ""), "--bogus");
    assertThat(usage.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(usage.process.exitValue()).isEqualTo(2);
    assertThat(usage.err()).contains("usage:");
  }

  @Test
  void versionAndRoleSqlFromTheCommandLine() throws Exception {
    Run version = start(dir, yaml(null, ""), "--version");
    assertThat(version.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(version.process.exitValue()).isZero();
    assertThat(version.out()).startsWith("causeflow relay ").doesNotContain("dev");
    Run role = start(dir, yaml(null, "    blockedTables: [\"public.secret_*\"]")
        .replace("    maxRowsPerQuery: 100\n", "    maxRowsPerQuery: 100\n    allowedTables:"
            + " [\"public.*\"]\n"), "--print-role-sql", "main-pg", "--role", "agent_ro");
    assertThat(role.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(role.process.exitValue()).as(role.err()).isZero();
    assertThat(role.out()).contains("CREATE ROLE \"agent_ro\" LOGIN")
        .contains("GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"agent_ro\"")
        .contains("REVOKE SELECT").contains("'public.secret!_%'")
        .contains("statement_timeout = 20000").doesNotContain("PASSWORD");
    Run unknown = start(dir, yaml(null, ""), "--print-role-sql", "nope");
    assertThat(unknown.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(unknown.process.exitValue()).isEqualTo(1);
    assertThat(unknown.err()).contains("no postgres resource with id 'nope'");
  }

  @Test
  void stdioThroughTheJar() throws Exception {
    Path cwd = readOnlyEmptyDir();
    Run run = start(cwd, yaml(null, ""), "--stdio");
    try (var stdin = run.process.getOutputStream()) {
      stdin.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list_resources\"}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"execute\",\"params\":{\"resourceId\":"
          + "\"main-pg\",\"operation\":\"query\",\"statement\":\"SELECT email FROM customers "
          + "ORDER BY id\"}}\n"
          + "not json\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).isZero();
    List<String> lines = run.out().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(3);
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    for (String l : lines) {
      JsonNode n = ControlPlaneServer.JSON.readTree(l);
      byId.put(n.get("id").asText(), n);
    }
    assertThat(byId.get("1").get("result").get(0).get("resourceId").asText())
        .isEqualTo("main-pg");
    assertThat(byId.get("2").get("result").get("rowCount").asInt()).isEqualTo(2);
    assertError(byId.get("null"), -32700, "PARSE_ERROR");
    assertThat(run.out()).doesNotContain(EMAIL);
    assertThat(run.err()).contains("\"outcome\":\"OK\"").doesNotContain(EMAIL);
    try (var files = Files.list(cwd)) {
      assertThat(files.toList()).isEmpty();
    }
  }
}
