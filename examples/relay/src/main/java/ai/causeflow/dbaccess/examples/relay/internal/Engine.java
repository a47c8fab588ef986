package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.examples.relay.LimitsConfig;
import ai.causeflow.dbaccess.examples.relay.RelayOptions;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The relay's request handling, independent of the transport, put together from its parts:
 * {@link RequestDecoder} (envelope to {@link RpcRequest}), one {@link MethodHandler} per method,
 * {@link Admission} (pool, queue, cancel, drain), {@link HealthMonitor}, {@link Replies} (result
 * and error writing) and {@link RelayAudit} (the relay's own audit events). Every request is
 * answered exactly once and audited exactly once: the pipeline audits what reaches
 * {@code ReadOnlyDataSource.execute}, the relay the rest.
 *
 * <p>Thread-safety: thread-safe; {@link #handle} may be called from any transport thread.
 */
public final class Engine implements AutoCloseable {
  private static final String METHODS =
      "execute, list_resources, describe_resource, health_check, cancel";

  private final Map<String, ResourceState> resources;
  private final RelayOptions options;
  private final String relayId;
  private final String version;
  private final @Nullable String tenantId;
  private final long startNanos = System.nanoTime();
  private final Stats stats = new Stats();
  private final RelayAudit audit;
  private final Replies replies;
  private final Admission admission;
  private final HealthMonitor health;
  private final CancelHandler cancel;
  private final Map<String, MethodHandler> methods;

  public Engine(List<ResourceState> resources, LimitsConfig limits, RelayOptions options,
      AuditSink audit, Clock clock, String relayId, String version, @Nullable String tenantId) {
    Map<String, ResourceState> m = new LinkedHashMap<>();
    for (ResourceState r : resources) {
      m.put(r.id(), r);
    }
    this.resources = Collections.unmodifiableMap(m);
    this.options = options;
    this.relayId = relayId;
    this.version = version;
    this.tenantId = tenantId;
    DetailMasking detailMasking = DetailMasking.of(resources);
    // the relay's own audit events carry no data; they report the masking state the relay runs
    boolean masked = resources.stream()
        .allMatch(r -> r.dataSource().settings().masking().enabled());
    this.audit = new RelayAudit(audit, clock, masked, detailMasking);
    this.replies = new Replies(detailMasking);
    this.admission = new Admission(limits, stats, this.audit, replies);
    this.health = new HealthMonitor(this.resources, options.healthInterval(),
        options.downRecheck(), relayId);
    this.cancel = new CancelHandler(admission, this.audit);
    this.methods = Map.of(
        "execute", new ExecuteHandler(this.resources, admission, health),
        "list_resources", new ListResourcesHandler(this.resources, this.audit),
        "describe_resource", new DescribeResourceHandler(this.resources, admission, health),
        "health_check", new HealthCheckHandler(this.resources, admission, health),
        "cancel", cancel);
  }

  // ---------------------------------------------------------------- lifecycle and notifications

  /** Checks every resource once, now, on the calling thread. */
  public void checkAllNow() {
    health.checkAllNow();
  }

  /** Starts the periodic health checks. */
  public void startHealthMonitor() {
    health.start();
  }

  /** Where {@code resource_update} messages go when a status changes (the current connection). */
  public void notifier(Consumer<String> n) {
    health.notifier(n);
  }

  public Stats stats() {
    return stats;
  }

  public Map<String, ResourceState> resources() {
    return resources;
  }

  public String relayId() {
    return relayId;
  }

  /** The {@code heartbeat} notification, now. */
  public String heartbeat() {
    return Json.message(g -> {
      g.writeStringField("method", "heartbeat");
      g.writeObjectFieldStart("params");
      g.writeStringField("relayId", relayId);
      g.writeStringField("tenantId", tenantId);
      g.writeStringField("version", version);
      g.writeNumberField("uptimeSeconds", (System.nanoTime() - startNanos) / 1_000_000_000L);
      g.writeNumberField("inFlight", stats.inFlight());
      g.writeObjectFieldStart("totals");
      g.writeNumberField("requests", stats.requests());
      g.writeNumberField("rejected", stats.rejected());
      g.writeNumberField("failed", stats.failed());
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** The {@code resource_update} notification with every resource's current status. */
  public String resourceUpdate() {
    return health.resourceUpdate();
  }

  /** Requests accepted and not yet answered. */
  public int inFlight() {
    return admission.inFlight();
  }

  /**
   * Stops taking requests (new ones get {@code RELAY_BUSY}), waits up to {@code grace} for the
   * accepted ones, then cancels what is left at the database.
   *
   * @return whether everything finished within the grace period
   */
  public boolean drain(Duration grace) {
    return admission.drain(grace);
  }

  /** A session ended: its requests are cancelled at the database and their answers dropped. */
  public void sessionClosed(Session s) {
    admission.sessionClosed(s);
  }

  @Override
  public void close() {
    health.close();
    admission.close();
    for (ResourceState r : resources.values()) {
      try {
        r.dataSource().close();
      } catch (RuntimeException e) {
        Log.warn("closing resource " + r.id() + " failed (" + e.getClass().getSimpleName() + ")");
      }
    }
  }

  // ---------------------------------------------------------------- incoming messages

  /** A message larger than the cap: refused without having been buffered. */
  public void oversize(Session s) {
    long start = System.nanoTime();
    stats.received();
    refuse(s, null, null, null, null, ErrorCode.INVALID_REQUEST,
        "message exceeds the size cap of " + options.maxMessageChars() + " characters", start);
  }

  /** A binary frame: the protocol is text only. */
  public void binary(Session s) {
    long start = System.nanoTime();
    stats.received();
    refuse(s, null, null, null, null, ErrorCode.INVALID_REQUEST,
        "binary frames are not accepted; send JSON-RPC as text", start);
  }

  /** Handles one complete message from {@code s}; never throws. */
  public void handle(String text, Session s) {
    long start = System.nanoTime();
    stats.received();
    try {
      dispatch(text, s, start);
    } catch (RuntimeException e) {
      Log.error("unexpected failure handling a message (" + e.getClass().getSimpleName() + ")");
      refuse(s, null, null, null, null, ErrorCode.INTERNAL,
          "unexpected failure in the relay (" + e.getClass().getSimpleName() + ")", start);
    }
  }

  private void dispatch(String text, Session s, long start) {
    RpcRequest req;
    try {
      req = RequestDecoder.decode(text, s, start);
    } catch (RequestDecoder.Malformed e) {
      refuse(s, e.id, e.requestId, null, null, e.code, String.valueOf(e.getMessage()), start);
      return;
    }
    String auditOp = req.auditOperation();
    if (req.notification()) {
      notification(req);
      return;
    }
    JsonNode id = req.answerId();
    if (admission.draining()) {
      refuse(s, id, req.requestId(), null, auditOp, ErrorCode.RELAY_BUSY,
          "the relay is shutting down; retry on another relay or later", start);
      return;
    }
    MethodHandler handler = methods.get(req.method());
    if (handler == null) {
      refuse(s, id, req.requestId(), null, null, ErrorCode.METHOD_NOT_FOUND,
          "method" + Params.keyName(req.method()) + " does not exist; methods: " + METHODS,
          start);
      return;
    }
    try {
      handler.handle(req);
    } catch (Refusal r) {
      refuse(s, id, req.requestId(), r.resourceId, r.operation != null ? r.operation : auditOp,
          r.code, String.valueOf(r.getMessage()), start);
    }
  }

  /** Notifications get no answer. Only {@code cancel} acts; anything else is audited and dropped. */
  private void notification(RpcRequest req) {
    if (cancel.notified(req)) {
      return;
    }
    stats.errored(ErrorCode.INVALID_REQUEST);
    audit.failed(null, null, req.auditOperation(), ErrorCode.INVALID_REQUEST,
        "notification (no id) ignored: only cancel may be sent without an id; nothing was run",
        req.receivedNanos());
  }

  /** Answers and audits a request refused before it was queued. */
  private void refuse(Session s, @Nullable JsonNode id, @Nullable String requestId,
      @Nullable String resourceId, @Nullable String operation, ErrorCode code, String detail,
      long start) {
    ErrorCode wire = Replies.wireCode(code);
    stats.errored(wire);
    audit.failed(requestId, resourceId, operation, wire, detail, start);
    s.send(replies.error(id, requestId, wire, detail));
  }

  // ---------------------------------------------------------------- utilities

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
