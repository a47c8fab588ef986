package ai.causeflow.dbaccess.examples.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A JSON-RPC error answered by the relay: the stable {@link #reason()} (an {@code ErrorCode} name
 * such as {@code TABLE_NOT_ALLOWED}), whether a retry can help, and the data-free detail. An agent
 * shows the reason and detail to its model so that it can correct the request.
 */
public final class RelayCallException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;
  private final boolean retryable;
  private final @Nullable String requestId;

  RelayCallException(JsonNode error) {
    super(error.path("data").path("detail").asText(error.path("message").asText()));
    this.code = error.path("code").asInt();
    this.reason = error.path("data").path("reason").asText("INTERNAL");
    this.retryable = error.path("data").path("retryable").asBoolean(false);
    JsonNode id = error.path("data").path("requestId");
    this.requestId = id.isTextual() ? id.textValue() : null;
  }

  /** The JSON-RPC error code ({@code -32001} refused by policy, {@code -32002} database, ...). */
  public int code() {
    return code;
  }

  /** The stable reason, e.g. {@code QUERY_BLOCKED}; see docs/errors.md. */
  public String reason() {
    return reason;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The id the relay's audit event carries for this request. */
  public @Nullable String requestId() {
    return requestId;
  }
}
