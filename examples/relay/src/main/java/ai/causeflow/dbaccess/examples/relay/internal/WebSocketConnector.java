package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.examples.relay.ControlPlaneConfig;
import ai.causeflow.dbaccess.examples.relay.RelayOptions;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Dials out to the control plane with the JDK's WebSocket client and keeps the connection up:
 * handshake headers, TLS verified with the default trust store, {@code ws://} only to loopback,
 * fragments reassembled up to a size cap, reconnect with full-jitter exponential backoff, and on
 * shutdown a close with code 1001.
 *
 * <p>Thread-safety: thread-safe; connection management runs on one internal thread.
 */
public final class WebSocketConnector implements AutoCloseable {
  /** Close code for "going away" (RFC 6455). */
  public static final int GOING_AWAY = 1001;
  private static final byte[] PING = "causeflow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final ControlPlaneConfig config;
  private final Engine engine;
  private final RelayOptions options;
  private final String relayId;
  private final String version;
  private final HttpClient http;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Engine.daemonThreads("relay-ws"));
  private final AtomicLong connections = new AtomicLong();
  private volatile @Nullable WsSession current;
  /**
   * The session whose handshake completed last. It serves requests from that moment, a little
   * before {@link #connected} (on the timer thread) makes it {@link #current}; shutdown closes it
   * too, so a SIGTERM in between still sends 1001 (seen under load: the control plane got 1006).
   */
  private volatile @Nullable WsSession opened;
  private volatile boolean stopping;
  private int attempt;
  private long connectedAtNanos;

  public WebSocketConnector(ControlPlaneConfig config, Engine engine, RelayOptions options,
      String relayId, String version) {
    this.config = config;
    this.engine = engine;
    this.options = options;
    this.relayId = relayId;
    this.version = version;
    requireSafeUrl(config.url());
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .sslParameters(verifyingHostNames()).build();
    engine.notifier(msg -> {
      WsSession s = current;
      if (s != null) {
        s.sendNotification(msg, false);
      }
    });
  }

  /**
   * The default SSLContext's parameters (certificates checked against the JVM trust store) with
   * host-name verification pinned on. Set here rather than left to the client's default, because
   * the JDK client drops it when the JVM runs with
   * {@code -Djdk.internal.httpclient.disableHostnameVerification}: a trust-all switch the relay must
   * not have.
   */
  static SSLParameters verifyingHostNames() {
    try {
      SSLParameters p = SSLContext.getDefault().getDefaultSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      return p;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this JVM", e);
    }
  }

  /** Refuses {@code ws://} to anything but a loopback address (the config loader checks too). */
  static void requireSafeUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("wss")) {
      return;
    }
    if (!scheme.equals("ws")) {
      throw new IllegalArgumentException("controlPlane.url: must be a wss:// URL");
    }
    String host = url.getHost();
    boolean loopback = false;
    if (host != null) {
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (h.equalsIgnoreCase("localhost")) {
        loopback = true;
      } else if (h.matches("[0-9.]+") || h.contains(":")) {
        try {
          loopback = InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.io.IOException e) {
          loopback = false;
        }
      }
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "controlPlane.url: ws:// is allowed only to a loopback host; use wss://");
    }
  }

  /** Starts connecting in the background. */
  public void start() {
    timer.execute(this::connect);
  }

  /** Connections established so far (for tests and the log). */
  public long connections() {
    return connections.get();
  }

  /** Whether a connection is up now. */
  public boolean connected() {
    WsSession s = current;
    return s != null && s.isOpen();
  }

  private void connect() {
    if (stopping) {
      return;
    }
    WsSession session = new WsSession();
    Log.info("connecting to " + safeUrl() + " as relay " + relayId);
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + config.token().reveal())
        .header("X-Tenant-Id", config.tenantId())
        .header("X-Relay-Id", relayId)
        .header("X-Relay-Version", version)
        .buildAsync(config.url(), session)
        .whenComplete((ws, err) -> {
          if (err != null) {
            Log.warn("connection to " + safeUrl() + " failed ("
                + describe(err) + ")");
            timer.execute(this::scheduleReconnect);
          } else {
            timer.execute(() -> connected(session));
          }
        });
  }

  private void connected(WsSession session) {
    if (session.closed.get()) {
      scheduleReconnect(); // dropped before it became current: nobody else will reconnect
      return;
    }
    if (stopping) {
      session.close(GOING_AWAY, "relay shutting down");
      return;
    }
    connectedAtNanos = System.nanoTime();
    connections.incrementAndGet();
    current = session;
    Log.info("connected to " + safeUrl());
    session.sendNotification(engine.resourceUpdate(), false);
    long hb = config.heartbeatIntervalSeconds();
    session.heartbeat = timer.scheduleAtFixedRate(() -> {
      if (!session.closeIfStalled() && !session.closeIfSilent()) {
        session.sendNotification(engine.heartbeat(), true);
        session.ping();
      }
    }, hb, hb, TimeUnit.SECONDS);
  }

  private void dropped(WsSession session, String why) {
    if (!session.closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> hb = session.heartbeat;
    if (hb != null) {
      hb.cancel(false);
    }
    synchronized (session) {
      session.notifyAll(); // senders waiting for room give up
    }
    engine.sessionClosed(session);
    if (stopping) {
      return;
    }
    Log.warn("connection to the control plane lost (" + why + ")");
    timer.execute(() -> {
      if (current == session) {
        current = null;
        if (System.nanoTime() - connectedAtNanos >= options.stableAfter().toNanos()) {
          attempt = 0;
        }
        scheduleReconnect();
      }
    });
  }

  private void scheduleReconnect() {
    if (stopping) {
      return;
    }
    long delay = backoffMs(attempt, config.reconnect().initialDelayMs(),
        config.reconnect().maxDelayMs(), ThreadLocalRandom.current().nextDouble());
    attempt++;
    Log.info("reconnecting in " + delay + " ms (attempt " + attempt
        + ")");
    timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  /**
   * Full-jitter exponential backoff: a uniformly random delay in
   * {@code [0, min(max, initial * 2^attempt)]}; {@code random} is in {@code [0, 1)}.
   */
  static long backoffMs(int attempt, long initial, long max, double random) {
    long ceiling = attempt >= 30 || (initial << attempt) <= 0 ? max
        : Math.min(max, initial << attempt);
    return (long) Math.floor(random * (ceiling + 1));
  }

  /**
   * Stops reconnecting and closes the current connection with code 1001 once every queued answer
   * has been sent.
   */
  public void closeGoingAway(Duration wait) {
    stopping = true;
    WsSession s = current;
    if (s == null || s.closed.get()) {
      s = opened;
    }
    if (s != null && !s.closed.get()) {
      long until = System.nanoTime() + wait.toNanos();
      CompletableFuture<?> done = s.close(GOING_AWAY, "relay shutting down");
      try {
        done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        // The send completing means the frame was handed to the client, not that it left: over
        // TLS it can still sit in the engine, and aborting now loses it (the control plane saw
        // 1006). RFC 6455 has the client wait for the server's Close before dropping TCP.
        while (!s.closed.get() && System.nanoTime() < until) {
          Thread.sleep(10);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        Log.warn("closing the connection did not complete ("
            + describe(e) + ")");
      }
      ScheduledFuture<?> hb = s.heartbeat;
      if (hb != null) {
        hb.cancel(false);
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    for (WsSession s : new WsSession[] {current, opened}) {
      WebSocket w = s == null ? null : s.ws;
      if (w != null) {
        w.abort();
      }
    }
    timer.shutdownNow();
  }

  private String safeUrl() {
    URI u = config.url();
    // Scheme, host, port and path only: a query string could carry a credential.
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (u.getPath() == null ? "" : u.getPath());
  }

  private static String describe(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof WebSocketHandshakeException h) {
      return "handshake refused with HTTP " + h.getResponse().statusCode();
    }
    return c.getClass().getSimpleName();
  }

  /**
   * One WebSocket connection: listener, reassembly, serialised sends, and backpressure. The JDK
   * client queues every send without limit, so the session counts the characters not yet written
   * to the socket. Above {@code sendBufferChars} it stops asking for the next request, answers wait
   * for room (a worker holds its one finished answer, so queued requests do not start) and
   * heartbeats are skipped. When nothing has been written for {@code sendStallTimeout} the control
   * plane is taken as not reading and the connection is closed (its requests are cancelled, as on
   * any drop, and the relay reconnects).
   */
  private final class WsSession implements Session, WebSocket.Listener {
    final AtomicBoolean closed = new AtomicBoolean();
    volatile @Nullable ScheduledFuture<?> heartbeat;
    private volatile @Nullable WebSocket ws;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private StringBuilder buf = new StringBuilder();
    private boolean oversize;
    private long pendingChars; // guarded by this
    private long lastProgressNanos = System.nanoTime(); // guarded by this
    private boolean readPaused; // guarded by this
    private volatile long lastInboundNanos = System.nanoTime();
    private @Nullable CompletableFuture<?> closing; // guarded by this

    WebSocket ws() {
      WebSocket w = ws;
      if (w == null) {
        throw new IllegalStateException("not open");
      }
      return w;
    }

    /** Waits while the send buffer is full (up to the stall timeout), then queues the answer. */
    @Override
    public void send(String json) {
      boolean stalled = false;
      synchronized (this) {
        while (!closed.get() && pendingChars > options.sendBufferChars()) {
          long idle = System.nanoTime() - lastProgressNanos;
          long left = options.sendStallTimeout().toNanos() - idle;
          if (left <= 0) {
            stalled = true;
            break;
          }
          try {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      if (stalled) {
        closeStalled();
        return;
      }
      enqueue(json);
    }

    /** Never waits (the caller is a timer); a skippable one is dropped while the buffer is full. */
    void sendNotification(String json, boolean skippable) {
      synchronized (this) {
        if (skippable && pendingChars > options.sendBufferChars()) {
          return;
        }
      }
      enqueue(json);
    }

    private void enqueue(String json) {
      int chars = json.length();
      synchronized (this) {
        WebSocket w = ws;
        if (closed.get() || w == null) {
          return;
        }
        if (pendingChars == 0) {
          lastProgressNanos = System.nanoTime(); // the stall clock starts when answers wait
        }
        pendingChars += chars;
        tail = tail.handle((r, e) -> (Void) null)
            .thenCompose(v -> w.sendText(json, true))
            .whenComplete((r, e) -> {
              if (e != null) {
                dropped(this, "send failed: " + describe(e));
              } else {
                written(chars);
              }
            });
      }
    }

    private void written(int chars) {
      WebSocket resume = null;
      synchronized (this) {
        pendingChars -= chars;
        lastProgressNanos = System.nanoTime();
        notifyAll();
        if (readPaused && pendingChars <= options.sendBufferChars()) {
          readPaused = false;
          resume = ws;
        }
      }
      if (resume != null && !closed.get()) {
        resume.request(1);
      }
    }

    /** Asks for the next message unless answers are backed up (then {@link #written} does). */
    private void requestNext(WebSocket w) {
      synchronized (this) {
        if (pendingChars > options.sendBufferChars()) {
          readPaused = true;
          return;
        }
      }
      w.request(1);
    }

    /**
     * Closes the connection when the control plane has sent nothing, not even the pong to the
     * last pings, for {@code idleTimeout}: a half-open connection would otherwise look alive until
     * TCP gave up, many minutes later. Not while reading is paused for backpressure (pongs are
     * not delivered then) nor while answers are still being written (a ping waits behind them):
     * {@link #closeIfStalled} watches those cases.
     */
    boolean closeIfSilent() {
      synchronized (this) {
        if (readPaused || pendingChars > 0) {
          return false;
        }
      }
      long silentNanos = System.nanoTime() - lastInboundNanos;
      if (silentNanos < options.idleTimeout().toNanos()) {
        return false;
      }
      dropped(this, "nothing from the control plane for "
          + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms, not even a pong");
      WebSocket w = ws;
      if (w != null) {
        w.abort();
      }
      return true;
    }

    /** A ping after whatever is queued; its pong (or any message) proves the path is alive. */
    void ping() {
      synchronized (this) {
        WebSocket w = ws;
        if (closed.get() || w == null || closing != null) {
          return;
        }
        tail = tail.handle((r, e) -> (Void) null)
            .thenCompose(v -> w.sendPing(ByteBuffer.wrap(PING)));
      }
    }

    /** Closes the connection when answers have waited with no progress past the stall timeout. */
    boolean closeIfStalled() {
      synchronized (this) {
        if (pendingChars == 0 || System.nanoTime() - lastProgressNanos
            < options.sendStallTimeout().toNanos()) {
          return false;
        }
      }
      closeStalled();
      return true;
    }

    private void closeStalled() {
      long pending;
      synchronized (this) {
        pending = pendingChars;
      }
      // Recorded first: aborting fails the queued sends, which would report the drop as theirs.
      dropped(this, "the control plane is not reading: " + pending + " characters unsent for "
          + options.sendStallTimeout().toMillis() + " ms");
      WebSocket w = ws;
      if (w != null) {
        w.abort();
      }
    }

    /** Sends Close after the queued messages; once (a second call returns the first's future). */
    CompletableFuture<?> close(int code, String reason) {
      synchronized (this) {
        WebSocket w = ws;
        if (w == null) {
          return CompletableFuture.completedFuture(null);
        }
        if (closing == null) {
          tail = tail.handle((r, e) -> (Void) null).thenCompose(v -> w.sendClose(code, reason));
          closing = tail;
        }
        return closing;
      }
    }

    @Override
    public boolean isOpen() {
      return !closed.get();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      this.ws = webSocket;
      opened = this;
      webSocket.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data,
        boolean last) {
      lastInboundNanos = System.nanoTime();
      if (!oversize) {
        if (buf.length() + data.length() > options.maxMessageChars()) {
          // Stop accumulating at once: the rest of this message is read and thrown away.
          oversize = true;
          buf = new StringBuilder();
        } else {
          buf.append(data);
        }
      }
      if (last) {
        if (oversize) {
          engine.oversize(this);
        } else {
          engine.handle(buf.toString(), this);
        }
        buf = new StringBuilder();
        oversize = false;
      }
      requestNext(webSocket);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data,
        boolean last) {
      lastInboundNanos = System.nanoTime();
      if (last) {
        engine.binary(this);
      }
      requestNext(webSocket);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      lastInboundNanos = System.nanoTime();
      requestNext(webSocket);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      lastInboundNanos = System.nanoTime(); // the client answers with a pong by itself
      requestNext(webSocket);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode,
        String reason) {
      dropped(this, "closed by the control plane with code " + statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      dropped(this, describe(error));
    }
  }
}
