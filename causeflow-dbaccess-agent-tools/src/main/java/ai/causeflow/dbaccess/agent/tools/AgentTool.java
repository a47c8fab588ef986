package ai.causeflow.dbaccess.agent.tools;

import ai.causeflow.dbaccess.agent.tools.internal.JsonValues;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One tool an agent may call: its name, a description written for the model, a JSON Schema for
 * its arguments and one for its structured result, and the behaviour hints every tool of this
 * library carries (read-only, not destructive, idempotent, closed world).
 *
 * <pre>{@code
 * for (AgentTool t : catalogue.tools()) {
 *   register(t.name(), t.description(), t.inputSchema(), t.outputSchema());
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable value; the schema accessors return copies.
 *
 * @param name the tool name, {@code [a-z][a-z0-9_]*} (the operation name, or
 *     {@code list_resources})
 * @param title a short human title
 * @param description what the tool does and how to use it well, for the model
 * @param resourceIds the resources this tool may be called on (those whose policy allows it)
 * @param inputSchema JSON Schema (draft 2020-12 subset) of the arguments object
 * @param outputSchema JSON Schema of the structured result of a successful call
 */
public record AgentTool(
    String name,
    String title,
    String description,
    List<String> resourceIds,
    ObjectNode inputSchema,
    ObjectNode outputSchema) {

  public AgentTool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    resourceIds = List.copyOf(resourceIds);
    inputSchema = inputSchema.deepCopy();
    outputSchema = outputSchema.deepCopy();
  }

  @Override
  public ObjectNode inputSchema() {
    return inputSchema.deepCopy();
  }

  @Override
  public ObjectNode outputSchema() {
    return outputSchema.deepCopy();
  }

  /** Every tool only reads. */
  public boolean readOnlyHint() {
    return true;
  }

  /** No tool changes or deletes anything. */
  public boolean destructiveHint() {
    return false;
  }

  /** Calling a tool twice with the same arguments has no additional effect. */
  public boolean idempotentHint() {
    return true;
  }

  /** Tools reach only the configured resources, not an open world. */
  public boolean openWorldHint() {
    return false;
  }

  /** The hints as an MCP {@code annotations} object (with the title). */
  public ObjectNode annotations() {
    ObjectNode a = JsonValues.object();
    a.put("title", title);
    a.put("readOnlyHint", readOnlyHint());
    a.put("destructiveHint", destructiveHint());
    a.put("idempotentHint", idempotentHint());
    a.put("openWorldHint", openWorldHint());
    return a;
  }
}
