package ai.causeflow.dbaccess.examples.langchain4j;

import ai.causeflow.dbaccess.agent.tools.AgentTool;
import ai.causeflow.dbaccess.agent.tools.ToolCatalogue;
import ai.causeflow.dbaccess.agent.tools.ToolResult;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The causeflow tool catalogue registered in LangChain4j: one {@link ToolSpecification} per tool
 * (its JSON Schema carried property by property, so the model sees exactly the catalogue's
 * schema), and an executor that answers the model's {@link ToolExecutionRequest}s through the
 * read-only pipeline.
 *
 * <pre>{@code
 * ToolCatalogue catalogue = ToolCatalogue.builder().resource(ordersDb, "Orders DB").build();
 * CauseflowTools tools = new CauseflowTools(catalogue);
 *
 * ChatRequest request = ChatRequest.builder()
 *     .messages(messages)
 *     .toolSpecifications(tools.specifications())
 *     .build();
 * AiMessage ai = chatModel.chat(request).aiMessage();
 * for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
 *   messages.add(tools.execute(call));          // masked, bounded, audited; errors as text
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe (the catalogue is).
 */
public final class CauseflowTools {
  private final ToolCatalogue catalogue;

  public CauseflowTools(ToolCatalogue catalogue) {
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
  }

  /** The tool specifications to put in a chat request. */
  public List<ToolSpecification> specifications() {
    List<ToolSpecification> out = new ArrayList<>();
    for (AgentTool t : catalogue.tools()) {
      JsonNode schema = t.inputSchema();
      JsonObjectSchema.Builder params = JsonObjectSchema.builder()
          .additionalProperties(schema.path("additionalProperties").asBoolean(true));
      for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
        params.addProperty(p.getKey(), JsonRawSchema.from(p.getValue().toString()));
      }
      List<String> required = new ArrayList<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      params.required(required);
      out.add(ToolSpecification.builder()
          .name(t.name())
          .description(t.description())
          .parameters(params.build())
          .addMetadata("readOnlyHint", t.readOnlyHint())
          .addMetadata("destructiveHint", t.destructiveHint())
          .build());
    }
    return out;
  }

  /**
   * Runs the model's tool call; the message carries the text rendering (rows as a table, or the
   * reason code and hint of a refusal) and says whether it is an error.
   */
  public ToolExecutionResultMessage execute(ToolExecutionRequest request) {
    ToolResult r = catalogue.call(request.name(), request.arguments());
    return ToolExecutionResultMessage.builder()
        .id(request.id())
        .toolName(request.name())
        .text(r.text())
        .isError(r.isError())
        .build();
  }
}
