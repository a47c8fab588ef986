package ai.causeflow.dbaccess.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static AuditEvent event(String requestId, AuditOutcome outcome) {
    return new AuditEvent(Instant.parse("2026-11-29T10:00:00.123Z"), requestId, "main-pg", "query",
        outcome, outcome == AuditOutcome.OK ? null : ErrorCode.QUERY_BLOCKED,
        outcome == AuditOutcome.OK ? null : "statement calls denied function pg_sleep", 3, false,
        2, Map.of("email", 2), 18, "0123456789abcdef", "SELECT * FROM users WHERE id = ?");
  }

  @Test
  void writesOneObjectPerLineWithTheProtocolFields() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesAuditSink sink = JsonLinesAuditSink.toStream(out);
    sink.record(event("r-1", AuditOutcome.OK));
    sink.record(event("r-2", AuditOutcome.REFUSED));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    JsonNode ok = JSON.readTree(lines[0]);
    assertThat(ok.get("time").asText()).isEqualTo("2026-11-29T10:00:00.123Z");
    assertThat(ok.get("level").asText()).isEqualTo("info");
    assertThat(ok.get("msg").asText()).isEqualTo("request ok");
    assertThat(ok.get("requestId").asText()).isEqualTo("r-1");
    assertThat(ok.get("resourceId").asText()).isEqualTo("main-pg");
    assertThat(ok.get("operation").asText()).isEqualTo("query");
    assertThat(ok.get("rowCount").asInt()).isEqualTo(3);
    assertThat(ok.get("maskedFieldCount").asInt()).isEqualTo(2);
    assertThat(ok.get("patternsApplied").get("email").asInt()).isEqualTo(2);
    assertThat(ok.get("executionMs").asLong()).isEqualTo(18);
    assertThat(ok.get("reason").isNull()).isTrue();
    assertThat(ok.get("fingerprint").asText()).isEqualTo("0123456789abcdef");
    JsonNode refused = JSON.readTree(lines[1]);
    assertThat(refused.get("level").asText()).isEqualTo("warn");
    assertThat(refused.get("reason").asText()).isEqualTo("QUERY_BLOCKED");
    assertThat(refused.get("detail").asText()).contains("pg_sleep");
  }

  @Test
  void concurrentWritersNeverInterleaveLines() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesAuditSink sink = JsonLinesAuditSink.toStream(out);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 2_000; i++) {
      int n = i;
      pool.submit(() -> sink.record(event("r-" + n, AuditOutcome.OK)));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2_000);
    for (String line : lines) {
      assertThat(JSON.readTree(line).get("requestId").asText()).startsWith("r-");
    }
  }

  @Test
  void appendsToAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.toFile(file)) {
      sink.record(event("r-1", AuditOutcome.OK));
    }
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.toFile(file)) {
      sink.record(event("r-2", AuditOutcome.FAILED));
    }
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void anIoFailureIsThrownToThePipeline() {
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }
    };
    JsonLinesAuditSink sink = JsonLinesAuditSink.toStream(broken);
    assertThatThrownBy(() -> sink.record(event("r", AuditOutcome.OK)))
        .isInstanceOf(java.io.UncheckedIOException.class);
  }
}
