package ai.causeflow.dbaccess.agent.tools;

import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one tool call: structured content (matching the tool's output schema when the
 * call succeeded, {@code {"error": {...}}} when it did not) and a compact text rendering for the
 * model (a table for rows, preceded by the untrusted-data notice). A failed call is a tool error
 * carrying the stable reason code and a hint; it never carries a stack trace or a value.
 *
 * <pre>{@code
 * ToolResult r = catalogue.call("query", args);
 * if (r.isError()) {
 *   log.info("refused: {}", r.reason());          // e.g. TABLE_NOT_ALLOWED
 * }
 * chat.addToolResult(r.text());
 * }</pre>
 *
 * <p>Thread-safety: immutable value; {@link #structured()} returns a copy.
 *
 * @param structured the structured result
 * @param text the text rendering
 * @param isError whether the call failed (a tool error, not a protocol error)
 * @param reason the error code of a failed call, else null
 */
public record ToolResult(ObjectNode structured, String text, boolean isError,
    @Nullable ErrorCode reason) {

  public ToolResult {
    Objects.requireNonNull(structured, "structured");
    Objects.requireNonNull(text, "text");
    structured = structured.deepCopy();
  }

  @Override
  public ObjectNode structured() {
    return structured.deepCopy();
  }
}
