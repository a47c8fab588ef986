package ai.causeflow.dbaccess.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.jspecify.annotations.Nullable;

/**
 * The demo's stand-in for the CauseFlow control plane: a WebSocket server on loopback that the
 * relay dials into, sending JSON-RPC requests and collecting responses and notifications.
 *
 * <p>Thread-safety: thread-safe.
 */
final class LocalControlPlane implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private final Map<String, BlockingQueue<JsonNode>> responses = new ConcurrentHashMap<>();
  final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
  final Map<String, String> handshake = new ConcurrentHashMap<>();
  private final CountDownLatch connected = new CountDownLatch(1);
  private final AtomicInteger ids = new AtomicInteger();
  private volatile @Nullable WebSocket relay;

  LocalControlPlane() {
    server = new Server();
    server.setReuseAddr(true);
    server.start();
    try {
      if (!server.started.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("control plane did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String url() {
    return "ws://127.0.0.1:" + server.getPort() + "/v1/relay/connect";
  }

  void awaitRelay(Duration timeout) throws InterruptedException {
    if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the relay did not connect");
    }
  }

  /** Sends one request and waits for its response. */
  JsonNode call(String method, @Nullable Map<String, ?> params) throws InterruptedException {
    String id = "analyst-" + ids.incrementAndGet();
    ObjectNode req = JSON.createObjectNode();
    req.put("jsonrpc", "2.0");
    req.put("id", id);
    req.put("method", method);
    if (params != null) {
      req.set("params", JSON.valueToTree(params));
    }
    WebSocket ws = relay;
    if (ws == null) {
      throw new IllegalStateException("no relay connected");
    }
    try {
      ws.send(JSON.writeValueAsString(req));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode r = responses.computeIfAbsent(id, k -> new LinkedBlockingQueue<>())
        .poll(30, TimeUnit.SECONDS);
    if (r == null) {
      throw new IllegalStateException("no answer to " + method);
    }
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(1000);
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Server() {
      super(new InetSocketAddress("127.0.0.1", 0));
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake hs) {
      hs.iterateHttpFields().forEachRemaining(k -> handshake.put(k, hs.getFieldValue(k)));
      relay = conn;
      connected.countDown();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      relay = null;
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      try {
        JsonNode n = JSON.readTree(message);
        if (n.has("id")) {
          responses.computeIfAbsent(n.get("id").asText(), k -> new LinkedBlockingQueue<>()).add(n);
        } else {
          notifications.add(n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onError(@Nullable WebSocket conn, Exception ex) {
      // the demo notices a broken connection as an unanswered request
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
