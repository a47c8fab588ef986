package ai.causeflow.dbaccess.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.testkit.InMemoryBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ToolCatalogueTest {
  private static final String EMAIL = "ana.lima@example.com";

  private final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
  private final AuditSink sink = audit::add;
  private ReadOnlyDataSource orders;
  private ReadOnlyDataSource crm;
  private ToolCatalogue catalogue;

  @BeforeEach
  void setUp() {
    orders = dataSource("orders", Set.of(Operation.QUERY, Operation.LIST_TABLES,
        Operation.DESCRIBE_TABLE), List.of("public.secrets"));
    crm = dataSource("crm", Set.of(Operation.QUERY, Operation.EXPLAIN), List.of());
    catalogue = ToolCatalogue.builder().resource(orders, "Orders DB").resource(crm)
        .auditSink(sink).build();
  }

  @AfterEach
  void tearDown() {
    orders.close();
    crm.close();
  }

  private ReadOnlyDataSource dataSource(String id, Set<Operation> ops, List<String> blocked) {
    InMemoryBackend backend = InMemoryBackend.builder()
        .table("public.users", List.of(new Column("id", "int8"), new Column("email", "text")),
            List.of(Map.of("id", 1L, "email", EMAIL), Map.of("id", 2L, "email", "none")))
        .table("public.secrets", List.of(new Column("k", "text")), List.of(Map.of("k", "x")))
        .build();
    return ReadOnlyDataSource.of(backend, DataSourceSettings.builder(id)
        .policy(Policy.builder().allowedOperations(ops).maxRowsPerQuery(50)
            .blockedTables(blocked).build())
        .masking(Masking.defaults())
        .auditSink(sink)
        .build());
  }

  private static ObjectNode args(String json) {
    return (ObjectNode) ai.causeflow.dbaccess.agent.tools.internal.JsonValues.parseArguments(json);
  }

  @Test
  void toolsExistOnlyForOperationsSomePolicyAllows() {
    assertThat(catalogue.tools()).extracting(AgentTool::name)
        .containsExactly("list_resources", "list_tables", "describe_table", "query", "explain");
    assertThat(catalogue.tool("list_tables").orElseThrow().resourceIds())
        .containsExactly("orders");
    assertThat(catalogue.tool("explain").orElseThrow().resourceIds()).containsExactly("crm");
    assertThat(catalogue.tool("query").orElseThrow().resourceIds())
        .containsExactly("orders", "crm");
    assertThat(catalogue.tool("activity")).isEmpty();

    AgentTool query = catalogue.tool("query").orElseThrow();
    JsonNode in = query.inputSchema();
    assertThat(in.path("type").asText()).isEqualTo("object");
    assertThat(in.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(in.path("required").toString()).contains("resourceId", "statement");
    assertThat(in.path("properties").path("resourceId").path("enum").toString())
        .isEqualTo("[\"orders\",\"crm\"]");
    assertThat(in.path("properties").path("limit").path("maximum").asInt()).isEqualTo(50);
    assertThat(query.outputSchema().path("required").toString()).contains("untrustedData",
        "truncated", "maskedFieldCount", "rowLimit");
    for (AgentTool t : catalogue.tools()) {
      assertThat(t.annotations().toString()).isEqualTo("{\"title\":\"" + t.title()
          + "\",\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,"
          + "\"openWorldHint\":false}");
      assertThat(t.description()).contains("reason code");
    }
  }

  @Test
  void queryResultIsMaskedLabelledUntrustedAndRenderedAsATable() {
    ToolResult r = catalogue.call("query", args(
        "{\"resourceId\":\"orders\",\"statement\":\"SELECT * FROM public.users\",\"limit\":1}"));

    assertThat(r.isError()).isFalse();
    ObjectNode s = r.structured();
    assertThat(s.path("untrustedData").asBoolean()).isTrue();
    assertThat(s.path("rowCount").asInt()).isEqualTo(1);
    assertThat(s.path("truncated").asBoolean()).isTrue();
    assertThat(s.path("truncatedBy").asText()).isEqualTo("rows");
    assertThat(s.path("rowLimit").asInt()).isEqualTo(1);
    assertThat(s.path("maskedFieldCount").asInt()).isEqualTo(1);
    assertThat(s.path("rows").get(0).path("id").asLong()).isEqualTo(1);
    assertThat(s.toString()).doesNotContain(EMAIL);
    assertThat(r.text()).startsWith("UNTRUSTED DATA").contains("| id | email |")
        .contains("TRUNCATED by the row limit").contains("masked values: 1")
        .doesNotContain(EMAIL);
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).outcome()).isEqualTo(AuditOutcome.OK);
    assertThat(audit.get(0).operation()).isEqualTo("query");
  }

  @Test
  void refusalsAreToolErrorsWithReasonAndHintAndOneAuditEventEach() {
    ToolResult blocked = catalogue.call("query", args(
        "{\"resourceId\":\"orders\",\"statement\":\"DELETE FROM public.users WHERE email = '"
            + EMAIL + "'\"}"));
    assertThat(blocked.isError()).isTrue();
    assertThat(blocked.reason()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    assertThat(blocked.text()).startsWith("QUERY_BLOCKED (not retryable): ")
        .contains("What to do: ").doesNotContain(EMAIL);
    assertThat(blocked.structured().path("error").path("hint").asText()).isNotBlank();

    ToolResult table = catalogue.call("query", args(
        "{\"resourceId\":\"orders\",\"statement\":\"SELECT * FROM public.secrets\"}"));
    assertThat(table.reason()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(table.text()).contains("list_tables");

    ToolResult notAllowed = catalogue.call("list_tables", args("{\"resourceId\":\"crm\"}"));
    assertThat(notAllowed.reason()).isEqualTo(ErrorCode.OPERATION_NOT_ALLOWED);

    ToolResult unknownResource = catalogue.call("query", args(
        "{\"resourceId\":\"" + EMAIL + "\",\"statement\":\"SELECT 1\"}"));
    assertThat(unknownResource.reason()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
    assertThat(unknownResource.text()).doesNotContain(EMAIL);

    ToolResult badArg = catalogue.call("query", args(
        "{\"resourceId\":\"orders\",\"statement\":\"SELECT 1\",\"sql\":\"x\"}"));
    assertThat(badArg.reason()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(badArg.text()).contains("unknown argument 'sql'");

    ToolResult badJson = catalogue.call("query", "{\"resourceId\": \"orders\", " + EMAIL);
    assertThat(badJson.reason()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(badJson.text()).doesNotContain(EMAIL);

    ToolResult unknownTool = catalogue.call("drop_table", args("{}"));
    assertThat(unknownTool.reason()).isEqualTo(ErrorCode.INVALID_PARAMS);

    assertThat(audit).hasSize(7);
    assertThat(audit).allSatisfy(e -> {
      assertThat(e.outcome()).isEqualTo(AuditOutcome.REFUSED);
      assertThat(e.reason()).isNotNull();
      assertThat(String.valueOf(e.detail()) + e.statement()).doesNotContain(EMAIL);
    });
  }

  @Test
  void listResourcesNamesEachResourceWithItsTools() {
    ToolResult r = catalogue.call("list_resources", (String) null);
    assertThat(r.isError()).isFalse();
    JsonNode res = r.structured().path("resources");
    assertThat(res.size()).isEqualTo(2);
    assertThat(res.get(0).path("name").asText()).isEqualTo("Orders DB");
    assertThat(res.get(0).path("tools").toString())
        .isEqualTo("[\"describe_table\",\"list_tables\",\"query\"]");
    assertThat(r.text()).contains("orders (memory, \"Orders DB\")");
    assertThat(audit).singleElement().satisfies(e ->
        assertThat(e.operation()).isEqualTo("list_resources"));
  }

  @Test
  void callsBeyondTheConcurrencyBoundAreRefusedBusy() throws Exception {
    ToolCatalogue bounded = ToolCatalogue.builder().resource(orders).auditSink(sink)
        .concurrency(1, 0).build();
    CompletableFuture<ToolResult> slow = CompletableFuture.supplyAsync(() -> bounded.call("query",
        args("{\"resourceId\":\"orders\",\"statement\":\"SELECT SLEEP(1500)\"}")));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (orders.inFlight() == 0 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    ToolResult busy = bounded.call("query",
        args("{\"resourceId\":\"orders\",\"statement\":\"SELECT * FROM public.users\"}"));
    assertThat(busy.reason()).isEqualTo(ErrorCode.RELAY_BUSY);
    assertThat(busy.structured().path("error").path("retryable").asBoolean()).isTrue();
    assertThat(slow.get(10, TimeUnit.SECONDS).isError()).isFalse();
  }

  @Test
  void aCommandDocumentMayBeGivenAsAnObjectForDocumentBackends() {
    AgentTool query = catalogue.tool("query").orElseThrow();
    assertThat(query.inputSchema().path("properties").path("statement").path("anyOf").toString())
        .isEqualTo("[{\"type\":\"string\"},{\"type\":\"object\"}]");
    assertThat(query.inputSchema().path("properties").has("parameters")).isFalse();

    ToolResult r = catalogue.call("query", args(
        "{\"resourceId\":\"crm\",\"statement\":{\"find\":\"users\",\"filter\":{}}}"));
    assertThat(r.reason()).isEqualTo(ErrorCode.QUERY_BLOCKED); // the in-memory backend speaks SQL
    assertThat(audit).singleElement().satisfies(e ->
        assertThat(e.statement()).isEqualTo("{\"find\":\"users\",\"filter\":{}}"));
  }

  @Test
  void promptFramesTheMethod() {
    String text = InvestigationPrompt.render(Map.of("symptom", "checkout is slow"));
    assertThat(text).contains("checkout is slow", "list_resources", "locks", "explain",
        "timeline", "confidence", "UNTRUSTED");
  }
}
