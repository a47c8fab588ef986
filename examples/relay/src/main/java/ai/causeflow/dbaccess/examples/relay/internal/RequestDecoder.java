package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * From the text of one message to an {@link RpcRequest}: JSON syntax, one request object (no
 * batches), {@code jsonrpc: "2.0"}, an id that is a string, a number or null, no member beyond
 * {@code jsonrpc, id, method, params}, a string method, params an object or array. What each
 * method needs from its params is checked by its handler ({@link Params}).
 *
 * <p>Thread-safety: stateless.
 */
final class RequestDecoder {
  private static final Set<String> ENVELOPE_KEYS = Set.of("jsonrpc", "id", "method", "params");

  private RequestDecoder() {}

  /** A message that is not a well-formed request, with what is known of it for the answer. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final transient @Nullable JsonNode id;
    final @Nullable String requestId;
    final ErrorCode code;

    Malformed(@Nullable JsonNode id, @Nullable String requestId, ErrorCode code, String detail) {
      super(detail, null, false, false);
      this.id = id;
      this.requestId = requestId;
      this.code = code;
    }
  }

  static RpcRequest decode(String text, Session session, long receivedNanos) throws Malformed {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (IOException e) {
      throw new Malformed(null, null, ErrorCode.PARSE_ERROR,
          "message is not valid JSON (or has duplicate keys, trailing data, unpaired surrogates "
              + "or a number out of range)");
    }
    if (root.isArray()) {
      throw new Malformed(null, null, ErrorCode.INVALID_REQUEST,
          "batches are not supported; send one request per message");
    }
    if (!root.isObject()) {
      throw new Malformed(null, null, ErrorCode.INVALID_REQUEST,
          "message must be a JSON-RPC request object");
    }
    boolean hasId = root.has("id");
    JsonNode idNode = root.get("id");
    if (hasId && !(idNode.isTextual() || idNode.isNumber() || idNode.isNull())) {
      throw new Malformed(null, null, ErrorCode.INVALID_REQUEST,
          "id: must be a string, a number or null");
    }
    JsonNode id = hasId ? idNode : null;
    String requestId = requestIdFor(id);
    JsonNode version = root.get("jsonrpc");
    if (version == null || !version.isTextual() || !version.textValue().equals("2.0")) {
      throw new Malformed(id, requestId, ErrorCode.INVALID_REQUEST, "jsonrpc: must be \"2.0\"");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ENVELOPE_KEYS.contains(k)) {
        throw new Malformed(id, requestId, ErrorCode.INVALID_REQUEST, "unknown member"
            + Params.keyName(k) + "; a request has jsonrpc, id, method, params");
      }
    }
    JsonNode methodNode = root.get("method");
    if (methodNode == null || !methodNode.isTextual()) {
      throw new Malformed(id, requestId, ErrorCode.INVALID_REQUEST, "method: must be a string");
    }
    JsonNode params = root.get("params");
    if (params != null && !params.isObject() && !params.isArray()) {
      throw new Malformed(id, requestId, ErrorCode.INVALID_REQUEST, "params: must be an object");
    }
    return new RpcRequest(session, id, requestId, methodNode.textValue(), params, receivedNanos);
  }

  private static String requestIdFor(@Nullable JsonNode id) {
    if (id != null) {
      String s = id.isTextual() ? id.textValue()
          : id.isIntegralNumber() ? id.bigIntegerValue().toString() : null;
      if (s != null && Params.REQUEST_ID.matcher(s).matches()) {
        return s;
      }
    }
    return "relay-" + UUID.randomUUID();
  }
}
