package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 1M-row table (about 200 MB of row data) served to a JVM with a 64 MB heap: only possible if
 * rows stream through the cursor and reading stops at the cap.
 */
class PostgresLowMemoryIT {

  @Test
  void aMillionRowsThroughASixtyFourMegabyteHeap() throws IOException, InterruptedException {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    TestDatabase db = server.createDatabase("lowmem");
    db.execute("CREATE TABLE million (id int, payload text)",
        "INSERT INTO million SELECT g, md5(g::text) || repeat('x', 160)"
            + " FROM generate_series(1, 1000000) g");
    assertThat(db.queryLong("SELECT sum(octet_length(payload)) FROM million"))
        .isGreaterThan(150L * 1024 * 1024);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), LowMemoryMain.class.getName(),
        server.host(), String.valueOf(server.port()), db.name(), server.user(),
        server.password()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("RESULT rows=1000 truncated=true by=rows maxHeapMb=")
        .containsPattern("RESULT rows=\\d+ truncated=true by=bytes");
    db.execute("DROP TABLE million");
  }

  /**
   * A caller's own DataSource (no {@code maxResultBuffer}) and one 100 MB value in a 64 MB heap:
   * RESULT_TOO_LARGE naming the limit, no OutOfMemoryError (which would end the JVM).
   */
  @Test
  void aCallersPoolWithoutMaxResultBufferCannotRunTheProcessOutOfMemory() throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    TestDatabase db = server.createDatabase("callerpool");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), CallerPoolMain.class.getName(),
        server.host(), String.valueOf(server.port()), db.name(), server.user(),
        server.password()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("RESULT code=RESULT_TOO_LARGE")).toList())
        .as(out).hasSize(2).allSatisfy(l -> assertThat(l).contains("maxResultBytes (1048576)")
            .doesNotContain("xxxx").doesNotContain("yyyy"));
    assertThat(out).contains("RESULT small rows=1").doesNotContain("UNEXPECTED")
        .doesNotContain("OutOfMemoryError");
  }


  /**
   * json of tens of MB made of tiny elements through a 128 MB heap: as a tree (about 60 bytes of
   * heap per {@code {}}) it would need well over a gigabyte; streamed within the byte cap it stops
   * with RESULT_TOO_LARGE, a later row truncates the result, and the data source keeps serving.
   */
  @Test
  void tinyElementJsonStopsAtTheByteCapInASmallHeap() throws IOException, InterruptedException {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    TestDatabase db = server.createDatabase("jsonmem");
    db.execute("CREATE TABLE tiny_json (j json)",
        "INSERT INTO tiny_json SELECT ('[' || repeat('{},', 10000000) || '{}]')::json",
        "CREATE TABLE tiny_jsonb (j jsonb)",
        "INSERT INTO tiny_jsonb SELECT ('[' || repeat('{},', 3000000) || '{}]')::jsonb",
        "CREATE TABLE tiny_array (a int[])",
        "INSERT INTO tiny_array SELECT array_fill(1, ARRAY[12000000])",
        "CREATE TABLE mixed_json (id int, j json)",
        "INSERT INTO mixed_json SELECT g, '[{}]' FROM generate_series(1, 3) g",
        "INSERT INTO mixed_json SELECT 4, j FROM tiny_json");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), JsonBudgetMain.class.getName(),
        server.host(), String.valueOf(server.port()), db.name(), server.user(),
        server.password()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("ERROR") || l.startsWith("RESULT")).toList())
        .as(out).containsExactly("ERROR RESULT_TOO_LARGE", "ERROR RESULT_TOO_LARGE",
            "ERROR RESULT_TOO_LARGE", "RESULT rows=3 truncated=true by=bytes",
            "RESULT rows=1 truncated=false by=null");
    System.out.println(out.lines().filter(l -> l.startsWith("HEAP")).findFirst().orElse(""));
    db.execute("DROP TABLE tiny_json, tiny_jsonb, tiny_array, mixed_json");
  }
}
