package ai.causeflow.dbaccess.examples.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.jspecify.annotations.Nullable;

/**
 * One relay connected to the {@link ControlPlane}: send it JSON-RPC requests, read its latest
 * {@code heartbeat} and {@code resource_update}.
 *
 * <pre>{@code
 * RelayConnection relay = controlPlane.awaitRelay(Duration.ofSeconds(30));
 * JsonNode resources = relay.call("list_resources", null, Duration.ofSeconds(10));
 * JsonNode rows = relay.call("execute", Map.of("resourceId", "main-pg", "operation", "query",
 *     "statement", "SELECT id, status FROM orders WHERE id = $1", "parameters", List.of(42)),
 *     Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; calls may be made concurrently (the relay answers them in any
 * order, matched by id). Lifecycle: valid until the relay disconnects ({@link #isOpen()}).
 */
public final class RelayConnection {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final String relayId;
  private final String version;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile @Nullable JsonNode lastHeartbeat;
  private volatile @Nullable JsonNode lastResourceUpdate;

  RelayConnection(WebSocket socket, String relayId, String version) {
    this.socket = socket;
    this.relayId = relayId;
    this.version = version;
  }

  /** The relay's {@code X-Relay-Id}, new for each relay process. */
  public String relayId() {
    return relayId;
  }

  /** The relay's {@code X-Relay-Version}. */
  public String version() {
    return version;
  }

  public boolean isOpen() {
    return socket.isOpen();
  }

  /** The params of the last {@code heartbeat} notification, if one came. */
  public @Nullable JsonNode lastHeartbeat() {
    return lastHeartbeat;
  }

  /** The params of the last {@code resource_update} notification (sent on connect and on change). */
  public @Nullable JsonNode lastResourceUpdate() {
    return lastResourceUpdate;
  }

  /**
   * Calls {@code method} and waits for its answer.
   *
   * @param params the named params, or null for none
   * @return the {@code result} member
   * @throws RelayCallException the relay answered with an error (reason, detail, retryable)
   * @throws TimeoutException no answer within {@code timeout}; a {@code cancel} is sent for it
   */
  public JsonNode call(String method, @Nullable Map<String, ?> params, Duration timeout)
      throws RelayCallException, TimeoutException, InterruptedException {
    String id = "cp-" + ids.incrementAndGet();
    ObjectNode request = JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", id);
    request.put("method", method);
    if (params != null) {
      request.set("params", JSON.valueToTree(params));
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      socket.send(request.toString());
      JsonNode message = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode error = message.get("error");
      if (error != null) {
        throw new RelayCallException(error);
      }
      return message.path("result");
    } catch (TimeoutException e) {
      // the relay keeps working on it until told otherwise
      socket.send("{\"jsonrpc\":\"2.0\",\"method\":\"cancel\",\"params\":{\"requestId\":\""
          + id + "\"}}");
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("connection to relay " + relayId + " closed", e.getCause());
    } finally {
      pending.remove(id);
    }
  }

  /** One text message from the relay: an answer (has an id) or a notification. */
  void received(JsonNode message) {
    JsonNode id = message.get("id");
    if (id != null) {
      CompletableFuture<JsonNode> f = pending.get(id.asText());
      if (f != null) {
        f.complete(message);
      }
      return;
    }
    String method = message.path("method").asText();
    if (method.equals("heartbeat")) {
      lastHeartbeat = message.path("params");
    } else if (method.equals("resource_update")) {
      lastResourceUpdate = message.path("params");
    }
  }

  void closed() {
    IllegalStateException gone = new IllegalStateException("relay disconnected");
    pending.values().forEach(f -> f.completeExceptionally(gone));
  }
}
