package ai.causeflow.dbaccess.examples.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.examples.relay.Relay;
import ai.causeflow.dbaccess.examples.relay.RelayConfig;
import ai.causeflow.dbaccess.examples.relay.RelayOptions;
import ai.causeflow.dbaccess.testkit.InMemoryBackend;
import ai.causeflow.dbaccess.testkit.TestMasking;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The real relay, in-process over an in-memory database, dials the example control plane. */
class ControlPlaneTest {
  private static final String TOKEN = "tok-5f0c9e-example";
  private static final String EMAIL = "ana.silva@example.com";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void acceptsTheRelayAndCallsEachKindOfMethod() throws Exception {
    try (ControlPlane cp = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), TOKEN,
        "tenant-42")) {
      List<AuditEvent> audit = new CopyOnWriteArrayList<>();
      try (Relay relay = relay(cp.url(), TOKEN, audit)) {
        relay.connect();
        RelayConnection r = cp.awaitRelay(WAIT);
        assertThat(r.relayId()).isEqualTo(relay.relayId());
        assertThat(cp.relays()).containsExactly(r);

        JsonNode resources = r.call("list_resources", null, WAIT);
        assertThat(resources.get(0).path("resourceId").asText()).isEqualTo("main-pg");

        JsonNode rows = r.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
            "statement", "SELECT * FROM public.customers"), WAIT);
        assertThat(rows.path("rowCount").asInt()).isEqualTo(1);
        assertThat(rows.path("metadata").path("masked").asBoolean()).isTrue();
        assertThat(rows.toString()).doesNotContain(EMAIL).contains(TestMasking.MASK);

        assertThatThrownBy(() -> r.call("execute", Map.of("resourceId", "main-pg",
            "operation", "query", "statement", "SELECT * FROM public.secrets"), WAIT))
            .isInstanceOfSatisfying(RelayCallException.class, e -> {
              assertThat(e.reason()).isEqualTo("TABLE_NOT_ALLOWED");
              assertThat(e.code()).isEqualTo(-32001);
              assertThat(e.retryable()).isFalse();
              assertThat(e.requestId()).startsWith("cp-");
            });
        assertThat(audit).extracting(AuditEvent::requestId).contains("cp-1", "cp-2", "cp-3");
      }
    }
  }

  @Test
  void aRelayWithTheWrongTokenIsNotAccepted() throws Exception {
    try (ControlPlane cp = ControlPlane.start(new InetSocketAddress("127.0.0.1", 0), TOKEN,
        "tenant-42")) {
      try (Relay relay = relay(cp.url(), "not-the-token", new ArrayList<>())) {
        relay.connect();
        assertThatThrownBy(() -> cp.awaitRelay(Duration.ofSeconds(2)))
            .isInstanceOf(IllegalStateException.class);
        assertThat(cp.relays()).isEmpty();
        assertThat(relay.connected()).isFalse();
      }
    }
  }

  private static Relay relay(String url, String token, List<AuditEvent> audit) {
    String yaml = String.join("\n",
        "controlPlane:",
        "  url: " + url,
        "  token: " + token,
        "  tenantId: tenant-42",
        "  reconnect: {initialDelayMs: 50, maxDelayMs: 300}",
        "resources:",
        "  - id: main-pg",
        "    type: postgres",
        "    name: Main PostgreSQL",
        "    connection: {host: 127.0.0.1, port: 5432, database: app, user: ro}",
        "    allowedOperations: [query, list_tables]",
        "    blockedTables: [\"public.secrets\"]",
        "");
    InMemoryBackend backend = InMemoryBackend.builder()
        .table("public.customers", List.of(new Column("id", "int8"), new Column("email", "text")),
            List.of(row("id", 1L, "email", EMAIL)))
        .table("public.secrets", List.of(new Column("k", "text")), List.of(row("k", "x")))
        .build();
    return Relay.builder(RelayConfig.parse(yaml, Map.of()))
        .options(RelayOptions.defaults())
        .dataSourceFactory((rc, settings) -> ReadOnlyDataSource.of(backend, settings))
        .masking(mc -> new TestMasking())
        .auditSink(audit::add)
        .build();
  }

  private static Map<String, @Nullable Object> row(Object... kv) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
