package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar in {@code --stdio} mode with a 96 MB heap, the shipped JVM flags and the byte cap
 * raised to its 1 GiB maximum, so that nothing but the heap stops the results: a 30 MB json value
 * of tiny elements, 300 rows of 1 MB and 100,000 rows of 2 KB each exhaust the heap (in the
 * pipeline, in the driver, in a result lane); each is contained, answered RESULT_TOO_LARGE and
 * audited, the relay goes on serving the next request, and stdout carries nothing but protocol
 * lines. (Under the default cap the json value stops at the cap before the heap is at risk: see
 * PostgresLowMemoryIT.)
 */
class RelayMemoryIT {
  private static final String SECRET_ROW = "4111 1111 1111 1111";

  @TempDir Path dir;

  @Test
  void aRequestCannotTakeTheRelaysHeap() throws Exception {
    Path jar = Path.of(System.getProperty("relay.jar", "target/causeflow-relay.jar"));
    assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
    TestDatabase db = pg.createDatabase("relay_mem");
    db.execute("CREATE TABLE tiny (j json)",
        "INSERT INTO tiny SELECT ('[' || repeat('{},', 10000000) || '{}]')::json",
        "CREATE TABLE notes (id int, note text)",
        "INSERT INTO notes VALUES (1, 'card " + SECRET_ROW + "')");
    String yaml = String.join("\n",
        "limits: {maxConcurrentRequests: 1, maxQueuedRequests: 8, maxResultBytes: 1073741824}",
        "resources:",
        "  - id: pg",
        "    type: postgres",
        "    name: pg",
        "    connection: {host: " + pg.host() + ", port: " + pg.port() + ", database: "
            + db.name() + ", user: " + pg.user() + ", password: \"" + pg.password()
            + "\", sslMode: disable}",
        "    allowedOperations: [query]",
        "    maxRowsPerQuery: 100000",
        "    statementTimeoutMs: 60000",
        "    poolSize: 1",
        "masking: {enabled: true}",
        "audit: {level: info, output: stderr}",
        "");
    Path cfg = Files.writeString(dir.resolve("relay-config.yaml"), yaml);
    Path out = dir.resolve("out.log");
    Path err = dir.resolve("err.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:+DisplayVMOutputToStderr", "-XX:-HeapDumpOnOutOfMemoryError",
        // the JVM's own output (here the flag table) goes to stderr with the shipped flag
        "-XX:+PrintFlagsFinal",
        "-XX:-UsePerfData", "-Djava.io.tmpdir=" + dir,
        "-jar", jar.toAbsolutePath().toString(), "--config", cfg.toString(), "--stdio"))
        .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var stdin = p.getOutputStream()) {
      stdin.write((call(1, "SELECT j FROM tiny")
          // 300 rows of 1 MB: the result needs far more than the 96 MB heap
          + call(2, "SELECT g, repeat(md5(g::text), 32768) AS s FROM generate_series(1, 300) g")
          // 100,000 rows of 2 KB: small rounds trips for the driver, the rows pile up in the result
          + call(4, "SELECT g, repeat('x', 2000) AS s FROM generate_series(1, 100000) g")
          + call(3, "SELECT id, note FROM notes")).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isZero();
    List<String> lines = stdout.lines().toList();
    assertThat(lines).as(stdout + stderr).hasSize(4);
    Map<String, JsonNode> byId = new HashMap<>();
    for (String l : lines) {
      JsonNode n = ControlPlaneServer.JSON.readTree(l); // every stdout line is protocol
      byId.put(n.get("id").asText(), n);
    }
    assertThat(byId.get("m-1").get("error").get("data").get("reason").asText())
        .isEqualTo("RESULT_TOO_LARGE");
    assertThat(byId.get("m-2").get("error").get("data").get("reason").asText()).as(stderr)
        .isEqualTo("RESULT_TOO_LARGE");
    assertThat(byId.get("m-4").get("error").get("data").get("reason").asText()).as(stderr)
        .isEqualTo("RESULT_TOO_LARGE");
    assertThat(byId.get("m-3").get("result").get("rowCount").asInt()).isEqualTo(1);
    assertThat(stdout + stderr).doesNotContain(SECRET_ROW);
    assertThat(stderr).contains("DisplayVMOutputToStderr"); // the VM did print, to stderr
    List<JsonNode> audit = stderr.lines().filter(l -> l.startsWith("{"))
        .map(RelayMemoryIT::json).toList();
    for (String id : List.of("m-1", "m-2", "m-4")) {
      assertThat(audit).as(stderr).anySatisfy(a -> {
        assertThat(a.get("requestId").asText()).isEqualTo(id);
        assertThat(a.get("reason").asText()).isEqualTo("RESULT_TOO_LARGE");
      });
    }
    System.out.println("relay log:\n" + stderr.lines().filter(l -> !l.startsWith("{"))
        .collect(java.util.stream.Collectors.joining("\n")));
    System.out.println("answer m-2: " + byId.get("m-2"));
    System.out.println("answer m-4: " + byId.get("m-4"));
    db.execute("DROP TABLE tiny, notes");
  }

  private static JsonNode json(String line) {
    try {
      return ControlPlaneServer.JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String call(int id, String sql) {
    return "{\"jsonrpc\":\"2.0\",\"id\":\"m-" + id + "\",\"method\":\"execute\",\"params\":"
        + "{\"resourceId\":\"pg\",\"operation\":\"query\",\"statement\":\"" + sql
        + "\"}}\n";
  }
}
