package ai.causeflow.dbaccess.examples.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One well-formed JSON-RPC message, as {@link RequestDecoder} accepted it.
 *
 * @param session where the answer goes
 * @param id the JSON-RPC id as sent ({@code null} for a notification; a JSON null is a NullNode)
 * @param requestId the id used for audit, cancel and the pipeline: the sent id when it fits
 *     {@code [A-Za-z0-9._:-]{1,128}}, otherwise one the relay made up
 * @param method the method name as sent (may be anything; echo only {@link #auditOperation})
 * @param params the params member, an object or an array, or null when absent
 * @param receivedNanos {@link System#nanoTime()} when the message arrived
 */
record RpcRequest(Session session, @Nullable JsonNode id, String requestId, String method,
    @Nullable JsonNode params, long receivedNanos) {

  /** A message without an id gets no answer. */
  boolean notification() {
    return id == null;
  }

  /** The method name when it may appear in an audit event, else null. */
  @Nullable String auditOperation() {
    return Params.echoable(method) ? method : null;
  }

  /** The id to answer with; only called for requests. */
  JsonNode answerId() {
    JsonNode i = id;
    if (i == null) {
      throw new IllegalStateException("a notification has no id to answer");
    }
    return i;
  }
}
