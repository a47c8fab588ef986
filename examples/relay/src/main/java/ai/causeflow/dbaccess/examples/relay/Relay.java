package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.AuditConfig;
import ai.causeflow.dbaccess.core.config.MaskingConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.examples.relay.internal.Engine;
import ai.causeflow.dbaccess.examples.relay.internal.Log;
import ai.causeflow.dbaccess.examples.relay.internal.ResourceState;
import ai.causeflow.dbaccess.examples.relay.internal.StdioServer;
import ai.causeflow.dbaccess.examples.relay.internal.WebSocketConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A running relay: one data source per configured resource, the request engine, and either the
 * outbound WebSocket connection or the stdio transport.
 *
 * <pre>{@code
 * RelayConfig config = RelayConfig.load(Path.of("relay-config.yaml"));
 * Relay relay = Relay.builder(config).build();       // connects to every resource, checks health
 * relay.connect();                                   // dial out to controlPlane.url
 * Runtime.getRuntime().addShutdownHook(new Thread(relay::shutdown));
 * relay.awaitTermination();
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; {@link #shutdown()} is idempotent and may be called from a
 * shutdown hook.
 */
public final class Relay implements AutoCloseable {

  private final RelayConfig config;
  private final RelayOptions options;
  private final Engine engine;
  private final String relayId = UUID.randomUUID().toString();
  private final String version;
  private final List<AutoCloseable> closeAtEnd;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile @Nullable WebSocketConnector connector;

  private Relay(Builder b) {
    this.config = b.config;
    this.options = b.options;
    this.version = b.version != null ? b.version : bundledVersion();
    this.closeAtEnd = b.closeAtEnd;
    AuditSink sink = effectiveSink(b.config.audit(), b.auditSink);
    List<ResourceState> states = new ArrayList<>();
    try {
      MaskingStage masking = b.masking.apply(b.config.masking());
      for (ResourceConfig rc : b.config.resources()) {
        DataSourceSettings settings = DataSourceSettings.builder(rc.id())
            .policy(rc.policy(b.config.limits().maxResultBytes()))
            .masking(masking)
            .auditSink(sink)
            .auditFailureMode(AuditFailureMode.FAIL_CLOSED)
            .clock(b.clock)
            .build();
        ReadOnlyDataSource ds = b.factory.create(rc, settings);
        states.add(new ResourceState(rc, ds));
      }
    } catch (RuntimeException e) {
      states.forEach(s -> s.dataSource().close());
      throw e;
    }
    ControlPlaneConfig cp = b.config.controlPlane();
    this.engine = new Engine(states, b.config.limits(), options, sink, b.clock, relayId, version,
        cp == null ? null : cp.tenantId());
    engine.checkAllNow();
    engine.startHealthMonitor();
  }

  public static Builder builder(RelayConfig config) {
    return new Builder(config);
  }

  /** This process's relay id ({@code X-Relay-Id}), new per process. */
  public String relayId() {
    return relayId;
  }

  public String version() {
    return version;
  }

  /** Each resource's status: {@code up}, {@code down} or {@code unknown}. */
  public Map<String, String> statuses() {
    Map<String, String> out = new LinkedHashMap<>();
    engine.resources().forEach((id, r) -> out.put(id, r.status()));
    return out;
  }

  /** The last health check of each resource. */
  public Map<String, HealthStatus> health() {
    Map<String, HealthStatus> out = new LinkedHashMap<>();
    engine.resources().forEach((id, r) -> {
      HealthStatus h = r.lastHealth();
      out.put(id, h != null ? h : HealthStatus.down(0, ErrorCode.INTERNAL, "not checked"));
    });
    return out;
  }

  /** Dials out to {@code controlPlane.url} and keeps reconnecting until {@link #shutdown()}. */
  public void connect() {
    ControlPlaneConfig cp = config.controlPlane();
    if (cp == null) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID,
          "controlPlane: is required unless --stdio");
    }
    WebSocketConnector c = new WebSocketConnector(cp, engine, options, relayId, version);
    this.connector = c;
    c.start();
  }

  /** Whether the WebSocket connection is up. */
  public boolean connected() {
    WebSocketConnector c = connector;
    return c != null && c.connected();
  }

  /**
   * (ext) Serves newline-delimited JSON-RPC until {@code in} ends, then waits for the answers of
   * accepted requests (up to the shutdown grace period).
   */
  public void serveStdio(InputStream in, OutputStream out) throws IOException {
    StdioServer server = new StdioServer(engine, out, options.maxMessageChars());
    server.serve(in);
    engine.drain(options.shutdownGrace());
  }

  /**
   * Stops taking requests, lets in-flight ones finish up to the grace period, closes the
   * connection with code 1001 and closes every pool. Idempotent.
   */
  public void shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      awaitTermination();
      return;
    }
    try {
      Log.info("shutting down: draining " + engine.inFlight()
          + " in-flight request(s)");
      engine.drain(options.shutdownGrace());
      WebSocketConnector c = connector;
      if (c != null) {
        c.closeGoingAway(Duration.ofSeconds(5));
        c.close();
      }
      engine.close();
      for (AutoCloseable a : closeAtEnd) {
        try {
          a.close();
        } catch (Exception e) {
          Log.warn("close failed (" + e.getClass().getSimpleName()
              + ")");
        }
      }
      Log.info("relay stopped");
    } finally {
      terminated.countDown();
    }
  }

  /** Blocks until {@link #shutdown()} has finished. */
  public void awaitTermination() {
    try {
      terminated.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown();
  }

  private static AuditSink effectiveSink(AuditConfig audit, AuditSink sink) {
    if (!audit.enabled()) {
      return AuditSink.discard();
    }
    if (audit.level().equals("warn")) {
      return event -> {
        if (event.outcome() != AuditOutcome.OK) {
          sink.record(event);
        }
      };
    }
    return sink;
  }

  private static String bundledVersion() {
    Properties p = new Properties();
    try (InputStream in = Relay.class.getResourceAsStream("relay.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "dev"
    }
    String v = p.getProperty("version");
    return v == null || v.startsWith("$") ? "dev" : v;
  }

  /** The masking stage of the {@code masking} block (the core masking engine). */
  static MaskingStage defaultMasking(MaskingConfig config) {
    return Masking.from(config);
  }

  /** Where audit lines go for {@code audit.output}; stdout becomes stderr in stdio mode. */
  static AuditSink auditSinkFor(AuditConfig audit, boolean stdio, PrintStream stdout,
      PrintStream stderr, List<AutoCloseable> toClose) {
    String out = audit.output();
    if (out.equals("stdout")) {
      return ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink.toStream(stdio ? stderr : stdout);
    }
    if (out.equals("stderr")) {
      return ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink.toStream(stderr);
    }
    var file = ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink.toFile(java.nio.file.Path.of(out));
    toClose.add(file);
    return file;
  }

  /** Builder for {@link Relay}; not thread-safe. */
  public static final class Builder {
    private final RelayConfig config;
    private RelayOptions options = RelayOptions.defaults();
    private DataSourceFactory factory = DataSourceFactory.defaults();
    private Function<MaskingConfig, MaskingStage> masking = Relay::defaultMasking;
    private AuditSink auditSink = AuditSink.discard();
    private Clock clock = Clock.systemUTC();
    private @Nullable String version;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    private Builder(RelayConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    public Builder options(RelayOptions v) {
      this.options = Objects.requireNonNull(v);
      return this;
    }

    /** How each resource becomes a data source (default: {@link DataSourceFactory#defaults()}). */
    public Builder dataSourceFactory(DataSourceFactory v) {
      this.factory = Objects.requireNonNull(v);
      return this;
    }

    /** How the {@code masking} block becomes the masking stage every resource uses. */
    public Builder masking(Function<MaskingConfig, MaskingStage> v) {
      this.masking = Objects.requireNonNull(v);
      return this;
    }

    /** Where audit events go (the {@code audit.level} filter is applied on top). */
    public Builder auditSink(AuditSink v) {
      this.auditSink = Objects.requireNonNull(v);
      return this;
    }

    /** The audit sink for {@code audit.output}, opened here and closed by shutdown. */
    public Builder auditFromConfig(boolean stdio, PrintStream stdout, PrintStream stderr) {
      this.auditSink = auditSinkFor(config.audit(), stdio, stdout, stderr, closeAtEnd);
      return this;
    }

    public Builder clock(Clock v) {
      this.clock = Objects.requireNonNull(v);
      return this;
    }

    public Builder version(String v) {
      this.version = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Creates every data source, checks every resource once and starts the health monitor.
     *
     * @throws DbAccessException with {@code CONFIG_INVALID} when a resource cannot be served
     */
    public Relay build() {
      return new Relay(this);
    }
  }
}
