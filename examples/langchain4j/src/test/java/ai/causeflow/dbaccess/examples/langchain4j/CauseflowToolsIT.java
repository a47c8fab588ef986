package ai.causeflow.dbaccess.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.agent.tools.ToolCatalogue;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.postgres.PostgresOperations;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The catalogue registered in LangChain4j against the embedded PostgreSQL, without an LLM: the
 * tool specifications a chat request would carry, and tool execution requests answered as a
 * model's tool calls would be.
 */
class CauseflowToolsIT {
  private static final String EMAIL = "ana.souza@example.com";

  @Test
  void registersTheCatalogueAndAnswersToolCalls() {
    TestDatabase db = EmbeddedPostgresServer.shared().createDatabase("lc4j");
    db.execute("CREATE TABLE customers (id int PRIMARY KEY, email text, status text)",
        "INSERT INTO customers VALUES (7, '" + EMAIL + "', 'blocked'), (8, 'x@example.org', 'ok')",
        "CREATE TABLE secrets (v text)");
    List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    DataSourceSettings settings = DataSourceSettings.builder("main-pg")
        .policy(Policy.builder()
            .allowedOperations(Set.of(Operation.QUERY, Operation.LIST_TABLES,
                Operation.DESCRIBE_TABLE, PostgresOperations.LOCKS))
            .blockedTables(List.of("public.secrets"))
            .maxRowsPerQuery(20)
            .build())
        .masking(Masking.defaults())
        .auditSink(audit::add)
        .build();
    try (ReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(db.dataSource(), settings)) {
      ToolCatalogue catalogue = ToolCatalogue.builder().resource(ds, "Main DB")
          .auditSink(audit::add).build();
      CauseflowTools tools = new CauseflowTools(catalogue);

      List<ToolSpecification> specs = tools.specifications();
      assertThat(specs).extracting(ToolSpecification::name).containsExactly("list_resources",
          "list_tables", "describe_table", "query", "locks");
      ToolSpecification query = specs.get(3);
      assertThat(query.description()).contains("$1");
      assertThat(query.parameters().required()).containsExactly("resourceId", "statement");
      assertThat(((JsonRawSchema) query.parameters().properties().get("resourceId")).schema())
          .contains("\"enum\":[\"main-pg\"]");
      assertThat(query.metadata()).containsEntry("readOnlyHint", true);
      assertThat(specs.get(4).parameters().properties()).containsOnlyKeys("resourceId", "limit");
      assertThat(specs.get(1).parameters().properties()).containsOnlyKeys("resourceId", "schema",
          "limit");

      ToolExecutionResultMessage tables = tools.execute(request("1", "list_tables",
          "{\"resourceId\":\"main-pg\"}"));
      assertThat(tables.isError()).isFalse();
      assertThat(tables.text()).contains("customers").doesNotContain("| secrets");

      ToolExecutionResultMessage rows = tools.execute(request("2", "query",
          "{\"resourceId\":\"main-pg\",\"statement\":\"SELECT id, email, status FROM customers"
              + " WHERE id = $1\",\"parameters\":[7]}"));
      assertThat(rows.id()).isEqualTo("2");
      assertThat(rows.isError()).isFalse();
      assertThat(rows.text()).startsWith("UNTRUSTED DATA").contains("| 7 | ***@***.*** |")
          .doesNotContain(EMAIL);

      ToolExecutionResultMessage write = tools.execute(request("3", "query",
          "{\"resourceId\":\"main-pg\",\"statement\":\"UPDATE customers SET status = 'ok'\"}"));
      assertThat(write.isError()).isTrue();
      assertThat(write.text()).startsWith("QUERY_BLOCKED");

      ToolExecutionResultMessage secret = tools.execute(request("4", "query",
          "{\"resourceId\":\"main-pg\",\"statement\":\"SELECT v FROM secrets\"}"));
      assertThat(secret.text()).startsWith("TABLE_NOT_ALLOWED");

      assertThat(db.queryString("SELECT status FROM customers WHERE id = 7")).isEqualTo("blocked");
      assertThat(audit).hasSize(4);
      assertThat(audit.toString()).doesNotContain(EMAIL);
    }
  }

  private static ToolExecutionRequest request(String id, String name, String arguments) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build();
  }
}
