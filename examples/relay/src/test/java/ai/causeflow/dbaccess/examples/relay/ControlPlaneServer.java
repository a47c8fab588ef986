package ai.causeflow.dbaccess.examples.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * A test control plane on loopback: accepts the relay's connection, records handshake headers,
 * close codes, responses (by id) and notifications, and sends requests.
 */
final class ControlPlaneServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final int port;
  final List<Map<String, String>> handshakes = new CopyOnWriteArrayList<>();
  final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
  final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
  final Map<String, BlockingQueue<JsonNode>> responses = new ConcurrentHashMap<>();
  /** Every response in arrival order (to prove "exactly one answer per id"). */
  final List<JsonNode> allResponses = new CopyOnWriteArrayList<>();
  final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
  /** TCP connections accepted into TLS (a refused certificate never reaches {@link #opened}). */
  final AtomicInteger tlsAccepted = new AtomicInteger();
  private final SSLContext tls;
  private final AtomicInteger ids = new AtomicInteger();
  private Server server;
  private volatile WebSocket current;

  ControlPlaneServer() throws IOException {
    this(freePort());
  }

  ControlPlaneServer(int port) {
    this(port, null);
  }

  /** A {@code wss://} control plane presenting the key in {@code tls} (null: plain ws). */
  ControlPlaneServer(SSLContext tls) throws IOException {
    this(freePort(), tls);
  }

  private ControlPlaneServer(int port, SSLContext tls) {
    this.port = port;
    this.tls = tls;
    start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  void start() {
    server = new Server(port);
    server.setReuseAddr(true);
    if (tls != null) {
      server.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(tls) {
        @Override
        public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key)
            throws IOException {
          tlsAccepted.incrementAndGet();
          return super.wrapChannel(channel, key);
        }
      });
    }
    server.start();
    try {
      if (!server.started.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("control plane did not start");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server (open connections are closed with 1001). */
  void stop() throws InterruptedException {
    server.stop(2000);
    current = null;
  }

  String url() {
    return "ws://127.0.0.1:" + port + "/v1/relay/connect";
  }

  WebSocket awaitConnection(Duration timeout) throws InterruptedException {
    WebSocket ws = opened.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (ws == null) {
      throw new AssertionError("the relay did not connect within " + timeout);
    }
    return ws;
  }

  void sendRaw(String text) {
    current().send(text);
  }

  void sendFragmented(String text, int parts) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int step = (b.length + parts - 1) / parts;
    WebSocket ws = current();
    for (int i = 0; i < b.length; i += step) {
      boolean last = i + step >= b.length;
      ws.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(b, i, Math.min(step, b.length - i)),
          last);
    }
  }

  /** Sends a request and returns its id. */
  String send(String method, Object params) {
    String id = "t-" + ids.incrementAndGet();
    send(id, method, params);
    return id;
  }

  void send(String id, String method, Object params) {
    Map<String, Object> m = new TreeMap<>();
    m.put("jsonrpc", "2.0");
    m.put("id", id);
    m.put("method", method);
    if (params != null) {
      m.put("params", params);
    }
    try {
      sendRaw(JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode call(String method, Object params) throws InterruptedException {
    return await(send(method, params), Duration.ofSeconds(10));
  }

  JsonNode await(String id, Duration timeout) throws InterruptedException {
    JsonNode n = queue(id).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (n == null) {
      throw new AssertionError("no response for id " + id + " within " + timeout);
    }
    return n;
  }

  /** The response to a request sent with a null id or refused before its id was read. */
  JsonNode awaitNullId(Duration timeout) throws InterruptedException {
    return await("null", timeout);
  }

  JsonNode awaitNotification(String method, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<JsonNode> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = end - System.nanoTime();
        JsonNode n = notifications.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (n == null) {
          throw new AssertionError("no " + method + " notification within " + timeout);
        }
        if (n.path("method").asText().equals(method)) {
          return n;
        }
        skipped.add(n);
      }
    } finally {
      notifications.addAll(skipped);
    }
  }

  BlockingQueue<JsonNode> queue(String id) {
    return responses.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
  }

  private WebSocket current() {
    WebSocket ws = current;
    if (ws == null) {
      throw new IllegalStateException("no relay connected");
    }
    return ws;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private final class Server extends WebSocketServer {
    final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

    Server(int port) {
      super(new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      handshake.iterateHttpFields().forEachRemaining(k -> h.put(k, handshake.getFieldValue(k)));
      handshakes.add(h);
      current = conn;
      opened.add(conn);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      closeCodes.add(code);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      try {
        JsonNode n = JSON.readTree(message);
        if (n.has("method") && !n.has("id")) {
          notifications.add(n);
        } else {
          allResponses.add(n);
          ControlPlaneServer.this.queue(n.get("id").isNull() ? "null" : n.get("id").asText()).add(n);
        }
      } catch (IOException e) {
        throw new IllegalStateException("relay sent invalid JSON", e);
      }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      // connection errors show up as closes; tests assert on what they expect
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
