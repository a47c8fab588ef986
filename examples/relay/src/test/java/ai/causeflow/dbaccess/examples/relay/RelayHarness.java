package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.testkit.InMemoryBackend;
import ai.causeflow.dbaccess.testkit.TestMasking;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link RelayMain#run} in-process against an {@link InMemoryBackend} (the resource is
 * configured as postgres; the injected factory serves it from memory) and captures stdout
 * (audit in WebSocket mode) and stderr (logs).
 */
final class RelayHarness implements AutoCloseable {
  static final String TOKEN = "tok-SECRET-5f0c9e";
  static final String EMAIL = "ana.silva@example.com";
  static final String CPF = "123.456.789-09";

  final InMemoryBackend backend = backend();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final CompletableFuture<Relay> relay = new CompletableFuture<>();
  final CompletableFuture<Integer> exit = new CompletableFuture<>();
  final Path config;

  RelayHarness(Path dir, String yaml) throws IOException {
    this.config = Files.writeString(dir.resolve("relay-config-" + System.nanoTime() + ".yaml"),
        yaml);
  }

  static InMemoryBackend backend() {
    List<Map<String, Object>> customers = new ArrayList<>();
    customers.add(row("id", 1L, "name", "Ana", "email", EMAIL, "cpf", CPF));
    customers.add(row("id", 2L, "name", "Bruno", "email", "bruno@example.org", "cpf", "x"));
    customers.add(row("id", 3L, "name", "Carla", "email", "carla@example.net", "cpf", "y"));
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Map<String, Object>> c = (List) customers;
    return InMemoryBackend.builder()
        .table("public.customers", List.of(new Column("id", "int8"), new Column("name", "text"),
            new Column("email", "text"), new Column("cpf", "text")), cast(c))
        .table("public.orders", List.of(new Column("id", "int8"), new Column("status", "text")),
            cast(List.of(row("id", 10L, "status", "paid"))))
        .table("public.secrets", List.of(new Column("k", "text")),
            cast(List.of(row("k", "hunter2"))))
        .table("public.notes", List.of(new Column("id", "int8"), new Column("secret_note", "text")),
            cast(List.of(row("id", 1L, "secret_note", "n"))))
        .table("public.blobs", List.of(new Column("id", "int8"), new Column("body", "text")),
            cast(List.of(row("id", 1L, "body", "x".repeat(3000)))))
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Map<String, @org.jspecify.annotations.Nullable Object>> cast(List l) {
    return l;
  }

  static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static String yaml(String url, int maxConcurrent, int maxQueued, String audit) {
    return String.join("\n",
        url == null ? "" : "controlPlane:",
        url == null ? "" : "  url: " + url,
        url == null ? "" : "  token: " + TOKEN,
        url == null ? "" : "  tenantId: tenant-42",
        url == null ? "" : "  heartbeatIntervalSeconds: 1",
        url == null ? "" : "  reconnect: {initialDelayMs: 50, maxDelayMs: 300}",
        "limits: {maxConcurrentRequests: " + maxConcurrent + ", maxQueuedRequests: " + maxQueued
            + ", maxResultBytes: 1024}",
        "resources:",
        "  - id: main-pg",
        "    type: postgres",
        "    name: Main PostgreSQL",
        "    connection: {host: 127.0.0.1, port: 5432, database: app, user: ro}",
        "    allowedOperations: [query, describe_table, list_tables, explain]",
        "    maxRowsPerQuery: 2",
        "    statementTimeoutMs: 1500",
        "    blockedTables: [\"public.secrets\"]",
        "    blockedColumns: [\"public.notes.secret_note\"]",
        "audit: " + audit,
        "");
  }

  /** Options with short timings for tests. */
  static RelayOptions fastOptions() {
    return RelayOptions.defaults().withHealthInterval(Duration.ofMillis(200))
        .withShutdownGrace(Duration.ofSeconds(3));
  }

  DataSourceFactory factory() {
    return (rc, settings) -> ReadOnlyDataSource.of(backend, settings);
  }

  /** Starts WebSocket mode on a background thread; returns once the relay is built. */
  RelayHarness startWebSocket() throws Exception {
    Thread t = new Thread(() -> exit.complete(RelayMain.run(
        new String[] {"--config", config.toString()}, InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), factory(), fastOptions(), false,
        mc -> new TestMasking(), relay::complete)), "relay-main");
    t.setDaemon(true);
    t.start();
    CompletableFuture.anyOf(relay, exit).get(20, TimeUnit.SECONDS);
    if (!relay.isDone()) {
      throw new AssertionError("relay exited early: " + exit.get() + "\n" + err());
    }
    return this;
  }

  /** Runs stdio mode to completion over the given input; returns the stdout lines. */
  List<String> runStdio(String input) {
    int rc = RelayMain.run(new String[] {"--config", config.toString(), "--stdio"},
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), factory(), fastOptions(), false,
        mc -> new TestMasking(), r -> {});
    if (rc != 0) {
      throw new AssertionError("stdio exit " + rc + ": " + err());
    }
    return out().lines().filter(l -> !l.isBlank()).toList();
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Audit events written so far (stdout lines in WebSocket mode). */
  List<JsonNode> auditLines(String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        out.add(ControlPlaneServer.JSON.readTree(l));
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (relay.isDone()) {
      relay.get().shutdown();
    }
  }
}
