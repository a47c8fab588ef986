package ai.causeflow.dbaccess.examples.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.jspecify.annotations.Nullable;

/**
 * The endpoint relays dial out to: a WebSocket server that accepts a relay only when its handshake
 * carries {@code Authorization: Bearer <token>} and {@code X-Tenant-Id: <tenant>}, then hands out a
 * {@link RelayConnection} per connected relay (keyed by its {@code X-Relay-Id}).
 *
 * <pre>{@code
 * try (ControlPlane cp = ControlPlane.start(new InetSocketAddress("127.0.0.1", 8765), token,
 *     "tenant-42")) {
 *   RelayConnection relay = cp.awaitRelay(Duration.ofMinutes(1));
 *   JsonNode resources = relay.call("list_resources", null, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>This example serves plain {@code ws://}, which the relay accepts only on loopback; a real
 * control plane terminates TLS ({@code wss://}) in front of it or in it. It keeps no state beyond
 * the open connections: a relay that reconnects is a new {@link RelayConnection}, and requests in
 * flight when a connection drops fail (the relay never replays them).
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #start} binds, {@link #close} stops and closes
 * every relay connection.
 */
public final class ControlPlane implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private final byte[] token;
  private final String tenantId;
  private final Map<WebSocket, RelayConnection> relays = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<RelayConnection> arrivals = new LinkedBlockingQueue<>();

  private ControlPlane(InetSocketAddress address, String token, String tenantId) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.tenantId = tenantId;
    this.server = new Server(address);
  }

  /**
   * Binds {@code address} (port 0 picks a free port) and accepts relays presenting this token and
   * tenant.
   */
  public static ControlPlane start(InetSocketAddress address, String token, String tenantId)
      throws InterruptedException {
    Objects.requireNonNull(address, "address");
    if (token.isEmpty() || tenantId.isEmpty()) {
      throw new IllegalArgumentException("token and tenantId must not be empty");
    }
    ControlPlane cp = new ControlPlane(address, token, tenantId);
    cp.server.setReuseAddr(true);
    cp.server.start();
    if (!cp.server.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the control plane did not start listening");
    }
    return cp;
  }

  /** The URL to put in the relay's {@code controlPlane.url}. */
  public String url() {
    return "ws://" + server.getAddress().getHostString() + ":" + server.getPort()
        + "/v1/relay/connect";
  }

  /** The next relay to connect (or one already connected and not yet handed out). */
  public RelayConnection awaitRelay(Duration timeout) throws InterruptedException {
    RelayConnection r = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new IllegalStateException("no relay connected within " + timeout);
    }
    return r;
  }

  /** The relays connected now. */
  public List<RelayConnection> relays() {
    return List.copyOf(relays.values());
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(1000);
  }

  private boolean tokenMatches(@Nullable String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    byte[] sent = authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sent, token); // constant time
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Server(InetSocketAddress address) {
      super(address);
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
        ClientHandshake request) throws InvalidDataException {
      ServerHandshakeBuilder b = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
      if (!tokenMatches(request.getFieldValue("Authorization"))
          || !tenantId.equals(request.getFieldValue("X-Tenant-Id"))
          || request.getFieldValue("X-Relay-Id").isEmpty()) {
        // the relay logs the refusal and retries with backoff; nothing about the token is echoed
        throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "relay not authorised");
      }
      return b;
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake hs) {
      RelayConnection r = new RelayConnection(conn, hs.getFieldValue("X-Relay-Id"),
          hs.getFieldValue("X-Relay-Version"));
      relays.put(conn, r);
      arrivals.add(r);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      RelayConnection r = relays.remove(conn);
      if (r != null) {
        r.closed();
      }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      RelayConnection r = relays.get(conn);
      if (r == null) {
        return;
      }
      try {
        r.received(JSON.readTree(message));
      } catch (IOException e) {
        conn.close(CloseFrame.REFUSE, "not JSON"); // a relay only sends JSON-RPC text
      }
    }

    @Override
    public void onError(@Nullable WebSocket conn, Exception ex) {
      // a broken connection shows as onClose; calls on it fail
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
