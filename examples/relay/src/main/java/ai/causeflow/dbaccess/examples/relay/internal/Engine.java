package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ResultMetadata;
import ai.causeflow.dbaccess.core.TableInfo;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.examples.relay.LimitsConfig;
import ai.causeflow.dbaccess.examples.relay.RelayOptions;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The relay's request handling, independent of the transport: parses and validates JSON-RPC
 * messages, runs work on a bounded pool, answers exactly once per request id, audits every request
 * exactly once (the pipeline audits what reaches {@code ReadOnlyDataSource.execute}, this class
 * audits the rest), watches resource health.
 *
 * <p>Thread-safety: thread-safe; {@link #handle} may be called from any transport thread.
 */
public final class Engine implements AutoCloseable {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> ENVELOPE_KEYS = Set.of("jsonrpc", "id", "method", "params");
  private static final Set<String> EXECUTE_KEYS =
      Set.of("resourceId", "operation", "statement", "parameters", "limit");
  /**
   * A name taken from the request (method, member, parameter key) is echoed in a detail, and so
   * in the audit log, only when it looks like an identifier: a letter or underscore first, at most
   * 64 characters, at most {@value #MAX_ECHOED_DIGITS} digits. Personal data that fits an
   * identifier is mostly digits (a CPF, a card or phone number), so this is checked here rather
   * than left to the masking detectors, which can be off or miss a number glued to letters.
   */
  private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final int MAX_ECHOED_DIGITS = 4;

  private final Map<String, ResourceState> resources;
  private final RelayOptions options;
  private final AuditSink audit;
  private final Clock clock;
  private final String relayId;
  private final String version;
  private final @Nullable String tenantId;
  private final long startNanos = System.nanoTime();
  private final Stats stats = new Stats();
  private final ThreadPoolExecutor workers;
  private final Semaphore capacity;
  private final ScheduledExecutorService health;
  private final Map<String, Task> active = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile Consumer<String> notifier = m -> {};

  public Engine(List<ResourceState> resources, LimitsConfig limits, RelayOptions options,
      AuditSink audit, Clock clock, String relayId, String version, @Nullable String tenantId) {
    Map<String, ResourceState> m = new LinkedHashMap<>();
    for (ResourceState r : resources) {
      m.put(r.id(), r);
    }
    this.resources = java.util.Collections.unmodifiableMap(m);
    this.options = options;
    this.audit = audit;
    this.clock = clock;
    this.relayId = relayId;
    this.version = version;
    this.tenantId = tenantId;
    // Admission is an exact count (running + queued), taken before a task is handed to the pool:
    // relying on the pool's bounded queue alone refuses too early whenever the workers have not
    // yet taken the previous tasks off the queue (seen under CPU load). The queue itself cannot
    // grow past the permits.
    this.capacity = new Semaphore(limits.maxConcurrentRequests() + limits.maxQueuedRequests());
    this.workers = new ThreadPoolExecutor(limits.maxConcurrentRequests(),
        limits.maxConcurrentRequests(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        daemonThreads("relay-worker"), new ThreadPoolExecutor.AbortPolicy());
    this.workers.prestartAllCoreThreads();
    this.health = Executors.newSingleThreadScheduledExecutor(daemonThreads("relay-health"));
  }

  // ---------------------------------------------------------------- lifecycle and notifications

  /** Checks every resource once, now, on the calling thread. */
  public void checkAllNow() {
    for (ResourceState r : resources.values()) {
      check(r);
    }
  }

  /** Starts the periodic health checks. */
  public void startHealthMonitor() {
    long ms = options.healthInterval().toMillis();
    health.scheduleWithFixedDelay(this::checkAllQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Where {@code resource_update} messages go when a status changes (the current connection). */
  public void notifier(Consumer<String> n) {
    this.notifier = n;
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
    return Json.message(g -> {
      g.writeStringField("method", "resource_update");
      g.writeObjectFieldStart("params");
      g.writeStringField("relayId", relayId);
      g.writeArrayFieldStart("resources");
      for (ResourceState r : resources.values()) {
        g.writeStartObject();
        g.writeStringField("resourceId", r.id());
        g.writeStringField("type", r.config().type());
        g.writeStringField("name", r.config().name());
        g.writeStringField("status", r.status());
        g.writeStringField("fingerprint", r.fingerprint());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** Requests accepted and not yet answered. */
  public int inFlight() {
    return active.size();
  }

  /**
   * Stops taking requests (new ones get {@code RELAY_BUSY}), waits up to {@code grace} for the
   * accepted ones, then cancels what is left at the database.
   *
   * @return whether everything finished within the grace period
   */
  public boolean drain(Duration grace) {
    draining = true;
    long end = System.nanoTime() + grace.toNanos();
    while (!active.isEmpty() && System.nanoTime() < end) {
      sleep(20);
    }
    if (active.isEmpty()) {
      return true;
    }
    Log.warn("shutdown grace period over; cancelling "
        + active.size() + " request(s)");
    for (Task t : active.values()) {
      t.cancel();
    }
    long end2 = System.nanoTime() + 2_000_000_000L;
    while (!active.isEmpty() && System.nanoTime() < end2) {
      sleep(20);
    }
    return false;
  }

  /** A session ended: its requests are cancelled at the database and their answers dropped. */
  public void sessionClosed(Session s) {
    int n = 0;
    for (Task t : active.values()) {
      if (t.session == s) {
        t.cancel();
        n++;
      }
    }
    if (n > 0) {
      Log.info("connection lost; cancelled " + n
          + " in-flight request(s); they will not be replayed");
    }
  }

  @Override
  public void close() {
    draining = true;
    health.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ResourceState r : resources.values()) {
      try {
        r.dataSource().close();
      } catch (RuntimeException e) {
        Log.warn("closing resource " + r.id() + " failed ("
            + e.getClass().getSimpleName() + ")");
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
      Log.error("unexpected failure handling a message ("
          + e.getClass().getSimpleName() + ")");
      refuse(s, null, null, null, null, ErrorCode.INTERNAL,
          "unexpected failure in the relay (" + e.getClass().getSimpleName() + ")", start);
    }
  }

  private void dispatch(String text, Session s, long start) {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (IOException e) {
      refuse(s, null, null, null, null, ErrorCode.PARSE_ERROR,
          "message is not valid JSON (or has duplicate keys, trailing data, unpaired surrogates "
              + "or a number out of range)", start);
      return;
    }
    if (root.isArray()) {
      refuse(s, null, null, null, null, ErrorCode.INVALID_REQUEST,
          "batches are not supported; send one request per message", start);
      return;
    }
    if (!root.isObject()) {
      refuse(s, null, null, null, null, ErrorCode.INVALID_REQUEST,
          "message must be a JSON-RPC request object", start);
      return;
    }
    boolean hasId = root.has("id");
    JsonNode idNode = root.get("id");
    if (hasId && !(idNode.isTextual() || idNode.isNumber() || idNode.isNull())) {
      refuse(s, null, null, null, null, ErrorCode.INVALID_REQUEST,
          "id: must be a string, a number or null", start);
      return;
    }
    JsonNode id = hasId ? idNode : null;
    String requestId = requestIdFor(id);
    JsonNode version = root.get("jsonrpc");
    if (version == null || !version.isTextual() || !version.textValue().equals("2.0")) {
      refuse(s, id, requestId, null, null, ErrorCode.INVALID_REQUEST,
          "jsonrpc: must be \"2.0\"", start);
      return;
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ENVELOPE_KEYS.contains(k)) {
        refuse(s, id, requestId, null, null, ErrorCode.INVALID_REQUEST,
            "unknown member" + keyName(k) + "; a request has jsonrpc, id, method, params", start);
        return;
      }
    }
    JsonNode methodNode = root.get("method");
    if (methodNode == null || !methodNode.isTextual()) {
      refuse(s, id, requestId, null, null, ErrorCode.INVALID_REQUEST,
          "method: must be a string", start);
      return;
    }
    String method = methodNode.textValue();
    JsonNode params = root.get("params");
    if (params != null && !params.isObject() && !params.isArray()) {
      refuse(s, id, requestId, null, null, ErrorCode.INVALID_REQUEST,
          "params: must be an object", start);
      return;
    }
    String auditOp = echoable(method) ? method : null;
    if (!hasId) {
      notification(method, params, s, start);
      return;
    }
    if (draining) {
      refuse(s, id, requestId, null, auditOp, ErrorCode.RELAY_BUSY,
          "the relay is shutting down; retry on another relay or later", start);
      return;
    }
    try {
      switch (method) {
        case "execute" -> execute(s, id, requestId, params, start);
        case "list_resources" -> listResources(s, id, requestId, params, start);
        case "describe_resource" -> describeResource(s, id, requestId, params, start);
        case "health_check" -> healthCheck(s, id, requestId, params, start);
        case "cancel" -> cancel(s, id, requestId, params, start);
        default -> refuse(s, id, requestId, null, null, ErrorCode.METHOD_NOT_FOUND,
            "method" + keyName(method) + " does not exist; methods: execute, list_resources, "
                + "describe_resource, health_check, cancel", start);
      }
    } catch (Refusal r) {
      refuse(s, id, requestId, r.resourceId, r.operation != null ? r.operation : auditOp, r.code,
          r.getMessage(), start);
    }
  }

  /** Notifications get no answer. Only {@code cancel} acts; anything else is audited and dropped. */
  private void notification(String method, @Nullable JsonNode params, Session s, long start) {
    if (method.equals("cancel") && params != null && params.isObject()
        && params.path("requestId").isTextual()) {
      String target = params.get("requestId").textValue();
      Task t = active.get(target);
      if (t != null && t.session == s) {
        t.cancel();
      }
      audit(null, null, "cancel", AuditOutcome.OK, null, null, start);
      return;
    }
    stats.errored(ErrorCode.INVALID_REQUEST);
    audit(null, null, echoable(method) ? method : null, AuditOutcome.REFUSED,
        ErrorCode.INVALID_REQUEST, "notification (no id) ignored: only cancel may be sent "
            + "without an id; nothing was run", start);
  }

  // ---------------------------------------------------------------- methods

  private void execute(Session s, JsonNode id, String requestId, @Nullable JsonNode params,
      long start) {
    ObjectNode p = objectParams(params, true);
    onlyKeys(p, EXECUTE_KEYS);
    ResourceState r = resource(p, true);
    String opName = requiredString(p, "operation", null, r.id());
    Operation op;
    try {
      op = Operation.of(opName);
    } catch (DbAccessException e) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, e.getMessage(), r.id(), null);
    }
    if (!r.config().allowedOperations().contains(op)) {
      // Refused here rather than by the pipeline, which would echo the name into its detail and
      // audit event: an operation name is caller text until it is one the operator configured.
      String echoed = echoable(op.name()) ? op.name() : null;
      throw new Refusal(ErrorCode.OPERATION_NOT_ALLOWED, "operation"
          + (echoed == null ? "" : " '" + echoed + "'") + " is not in allowedOperations of "
          + r.id(), r.id(), echoed);
    }
    String statement = statement(p.get("statement"), r.id(), op.name());
    List<@Nullable Object> parameters = parameters(p.get("parameters"), r.id(), op.name());
    Integer limit = limit(p.get("limit"), r.id(), op.name());
    QueryRequest request;
    try {
      request = QueryRequest.builder(op).requestId(requestId).statement(statement)
          .parameters(parameters).limit(limit).build();
    } catch (DbAccessException e) {
      throw new Refusal(e.code(), e.getMessage(), r.id(), op.name());
    }
    if (ResourceState.DOWN.equals(r.status())) {
      recheckSoon(r);
      throw new Refusal(ErrorCode.CONNECTION_FAILED, "resource " + r.id()
          + " is down (its last health check failed); the relay rechecks it and will serve it "
          + "again when it answers", r.id(), op.name());
    }
    submit(new Task(s, id, requestId, r, op.name(), start, true, r.config().statementTimeoutMs(),
        () -> {
          QueryResult result;
          try {
            result = r.dataSource().execute(request);
          } catch (DbAccessException e) {
            if (e.code() == ErrorCode.CONNECTION_FAILED) {
              recheckSoon(r);
            }
            throw e;
          }
          return g -> writeExecuteResult(g, result);
        }));
  }

  private void listResources(Session s, JsonNode id, String requestId, @Nullable JsonNode params,
      long start) {
    noParams(params);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ResourceState r : resources.values()) {
      ObjectNode o = out.addObject();
      o.put("resourceId", r.id());
      o.put("type", r.config().type());
      o.put("name", r.config().name());
      o.put("status", r.status());
      ArrayNode ops = o.putArray("allowedOperations");
      new TreeSet<>(r.config().allowedOperations().stream().map(Operation::name).toList())
          .forEach(ops::add);
      o.put("maxRowsPerQuery", r.config().maxRowsPerQuery());
    }
    audit(requestId, null, "list_resources", AuditOutcome.OK, null, null, start);
    s.send(Json.message(g -> {
      Json.writeId(g, id);
      g.writeFieldName("result");
      g.writeTree(out);
    }));
  }

  private void describeResource(Session s, JsonNode id, String requestId,
      @Nullable JsonNode params, long start) {
    ObjectNode p = objectParams(params, true);
    onlyKeys(p, Set.of("resourceId"));
    ResourceState r = resource(p, true);
    if (ResourceState.DOWN.equals(r.status())) {
      recheckSoon(r);
      throw new Refusal(ErrorCode.CONNECTION_FAILED, "resource " + r.id()
          + " is down (its last health check failed)", r.id(), "describe_resource");
    }
    QueryRequest request = QueryRequest.builder(Operation.LIST_TABLES).requestId(requestId).build();
    submit(new Task(s, id, requestId, r, "describe_resource", start, true,
        r.config().statementTimeoutMs(), () -> {
          QueryResult result = r.dataSource().execute(request);
          List<TableInfo> tables = TableInfo.listFrom(result);
          String fp = fingerprint(tables);
          r.fingerprint(fp);
          return g -> {
            g.writeStartObject();
            g.writeStringField("resourceId", r.id());
            g.writeStringField("type", r.config().type());
            g.writeArrayFieldStart("tables");
            for (TableInfo t : tables) {
              g.writeStartObject();
              g.writeStringField("schema", t.schema());
              g.writeStringField("name", t.name());
              g.writeStringField("kind", t.kind());
              g.writeFieldName("estimatedRows");
              Json.writeValue(g, t.estimatedRows());
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("fingerprint", fp);
            if (result.truncated()) {
              g.writeBooleanField("truncated", true); // (ext) maxRowsPerQuery cut the list
            }
            g.writeEndObject();
          };
        }));
  }

  private void healthCheck(Session s, JsonNode id, String requestId, @Nullable JsonNode params,
      long start) {
    List<ResourceState> targets;
    if (params == null || (params.isArray() && params.isEmpty())) {
      targets = List.copyOf(resources.values());
    } else {
      ObjectNode p = objectParams(params, false);
      onlyKeys(p, Set.of("resourceId"));
      ResourceState r = resource(p, false);
      targets = r == null ? List.copyOf(resources.values()) : List.of(r);
    }
    String auditResource = targets.size() == 1 ? targets.get(0).id() : null;
    submit(new Task(s, id, requestId, null, "health_check", start, false, 30_000, () -> {
      List<HealthStatus> results = new ArrayList<>();
      for (ResourceState r : targets) {
        results.add(check(r));
      }
      return g -> {
        g.writeStartArray();
        for (int i = 0; i < targets.size(); i++) {
          ResourceState r = targets.get(i);
          HealthStatus h = results.get(i);
          g.writeStartObject();
          g.writeStringField("resourceId", r.id());
          g.writeStringField("type", r.config().type());
          g.writeBooleanField("healthy", h.healthy());
          g.writeNumberField("latencyMs", h.latencyMs());
          if (!h.healthy() && h.error() != null) {
            g.writeStringField("error", h.error().name());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      };
    }).auditResource(auditResource));
  }

  private void cancel(Session s, JsonNode id, String requestId, @Nullable JsonNode params,
      long start) {
    ObjectNode p = objectParams(params, true);
    onlyKeys(p, Set.of("requestId"));
    JsonNode target = p.get("requestId");
    if (target == null || !target.isTextual() || !REQUEST_ID.matcher(target.textValue()).matches()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "requestId: required, a string matching [A-Za-z0-9._:-]{1,128}", null, "cancel");
    }
    Task t = active.get(target.textValue());
    boolean cancelled = t != null && t.session == s && t.cancel();
    audit(requestId, t == null ? null : t.resourceId(), "cancel", AuditOutcome.OK, null, null,
        start);
    s.send(Json.message(g -> {
      Json.writeId(g, id);
      g.writeObjectFieldStart("result");
      g.writeBooleanField("cancelled", cancelled);
      g.writeEndObject();
    }));
  }

  // ---------------------------------------------------------------- execution

  private void submit(Task t) {
    if (active.putIfAbsent(t.requestId, t) != null) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "id: a request with this id is still running; use a new id", t.resourceId(), t.operation);
    }
    if (!capacity.tryAcquire()) {
      active.remove(t.requestId, t);
      throw new Refusal(ErrorCode.RELAY_BUSY, "the relay is at capacity (maxConcurrentRequests "
          + workers.getMaximumPoolSize() + " busy, maxQueuedRequests full); retry later",
          t.resourceId(), t.operation);
    }
    stats.started();
    try {
      workers.execute(t);
    } catch (RejectedExecutionException e) {
      // only after shutdown
      capacity.release();
      active.remove(t.requestId, t);
      stats.finished();
      throw new Refusal(ErrorCode.RELAY_BUSY, "the relay is at capacity (maxConcurrentRequests "
          + workers.getMaximumPoolSize() + " busy, maxQueuedRequests full); retry later",
          t.resourceId(), t.operation);
    }
  }

  /** Work that returns the writer of its JSON result. */
  @FunctionalInterface
  private interface Work {
    Json.IoConsumer<JsonGenerator> run();
  }

  private final class Task implements Runnable {
    final Session session;
    final JsonNode id;
    final String requestId;
    final @Nullable ResourceState resource;
    final String operation;
    final long receivedNanos;
    final boolean pipelineAudited;
    final long deadlineMs;
    final Work work;
    private @Nullable String auditResource;
    private volatile boolean started;
    private volatile boolean cancelled;

    Task(Session session, JsonNode id, String requestId, @Nullable ResourceState resource,
        String operation, long receivedNanos, boolean pipelineAudited, long deadlineMs,
        Work work) {
      this.session = session;
      this.id = id;
      this.requestId = requestId;
      this.resource = resource;
      this.operation = operation;
      this.receivedNanos = receivedNanos;
      this.pipelineAudited = pipelineAudited;
      this.deadlineMs = deadlineMs;
      this.work = work;
      this.auditResource = resource == null ? null : resource.id();
    }

    Task auditResource(@Nullable String r) {
      this.auditResource = r;
      return this;
    }

    @Nullable String resourceId() {
      return auditResource;
    }

    /** @return whether there was something to cancel */
    boolean cancel() {
      cancelled = true;
      if (started && resource != null) {
        return resource.dataSource().cancel(requestId);
      }
      return !started;
    }

    @Override
    public void run() {
      try {
        if (cancelled || !session.isOpen()) {
          fail(ErrorCode.CANCELLED, "request was cancelled before it started", true);
          return;
        }
        long waitedMs = (System.nanoTime() - receivedNanos) / 1_000_000;
        if (waitedMs > deadlineMs) {
          fail(ErrorCode.TIMEOUT, "request waited " + waitedMs
              + " ms in the relay queue, past its deadline of " + deadlineMs + " ms", true);
          return;
        }
        started = true;
        if (cancelled && resource != null) {
          resource.dataSource().cancel(requestId);
        }
        Json.IoConsumer<JsonGenerator> writer;
        try {
          writer = work.run();
        } catch (DbAccessException e) {
          fail(wireCode(e.code()), e.getMessage(), !pipelineAudited);
          return;
        } catch (Refusal e) {
          fail(e.code, e.getMessage(), true);
          return;
        }
        String msg;
        try {
          msg = Json.message(g -> {
            Json.writeId(g, id);
            g.writeFieldName("result");
            writer.accept(g);
          });
        } catch (RpcException e) {
          Log.error("request " + requestId + ": " + e.getMessage());
          fail(e.code(), e.getMessage(), false);
          return;
        }
        if (!pipelineAudited) {
          audit(requestId, auditResource, operation, AuditOutcome.OK, null, null, receivedNanos);
        }
        if (session.isOpen()) {
          session.send(msg);
        }
      } catch (RuntimeException e) {
        Log.error("request " + requestId + " failed unexpectedly ("
            + e.getClass().getSimpleName() + ")");
        fail(ErrorCode.INTERNAL, "unexpected failure in the relay ("
            + e.getClass().getSimpleName() + ")", !pipelineAudited || !started);
      } finally {
        active.remove(requestId, this);
        stats.finished();
        capacity.release();
      }
    }

    private void fail(ErrorCode code, String detail, boolean relayAudits) {
      stats.errored(code);
      if (relayAudits) {
        audit(requestId, auditResource, operation, outcomeOf(code), code, detail, receivedNanos);
      }
      if (session.isOpen()) {
        session.send(error(id, requestId, code, detail));
      }
    }
  }

  // ---------------------------------------------------------------- health

  private void checkAllQuietly() {
    try {
      checkAllNow();
    } catch (RuntimeException e) {
      Log.error("health check round failed ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private void recheckSoon(ResourceState r) {
    long now = System.nanoTime();
    long last = r.lastCheckNanos.get();
    if (now - last >= options.downRecheck().toNanos() && r.lastCheckNanos.compareAndSet(last, now)) {
      try {
        health.execute(() -> check(r));
      } catch (RejectedExecutionException ignored) {
        // shutting down
      }
    }
  }

  private HealthStatus check(ResourceState r) {
    r.lastCheckNanos.set(System.nanoTime());
    HealthStatus h = r.dataSource().health();
    r.lastHealth(h);
    String next = h.healthy() ? ResourceState.UP : ResourceState.DOWN;
    String prev;
    synchronized (r) {
      prev = r.status();
      r.status(next);
    }
    if (!prev.equals(next)) {
      if (next.equals(ResourceState.UP) && r.config().allowedOperations()
          .contains(Operation.LIST_TABLES)) {
        refreshFingerprint(r);
      }
      String line = "resource " + r.id() + " is " + next
          + (h.error() == null ? "" : " (" + h.error() + ")");
      if (next.equals(ResourceState.UP)) {
        Log.info(line);
      } else {
        Log.warn(line);
      }
      if (!prev.equals(ResourceState.UNKNOWN)) {
        notifier.accept(resourceUpdate());
      }
    }
    return h;
  }

  private void refreshFingerprint(ResourceState r) {
    try {
      QueryResult result = r.dataSource().execute(QueryRequest.builder(Operation.LIST_TABLES)
          .requestId("relay-schema-" + UUID.randomUUID()).build());
      r.fingerprint(fingerprint(TableInfo.listFrom(result)));
    } catch (DbAccessException e) {
      Log.info("resource " + r.id() + ": schema fingerprint unavailable ("
          + e.code() + ")");
    }
  }

  // ---------------------------------------------------------------- results

  private static void writeExecuteResult(JsonGenerator g, QueryResult r) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("rows");
    for (Map<String, @Nullable Object> row : r.rows()) {
      Json.writeRow(g, row);
    }
    g.writeEndArray();
    g.writeNumberField("rowCount", r.rowCount());
    g.writeBooleanField("truncated", r.truncated());
    g.writeArrayFieldStart("columns");
    for (Column c : r.columns()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      g.writeStringField("type", c.type());
      g.writeEndObject();
    }
    g.writeEndArray();
    ResultMetadata m = r.metadata();
    g.writeObjectFieldStart("metadata");
    g.writeStringField("resourceId", m.resourceId());
    g.writeBooleanField("masked", m.masked());
    g.writeNumberField("maskedFieldCount", m.maskedFieldCount());
    g.writeObjectFieldStart("patternsApplied");
    for (Map.Entry<String, Integer> e : m.patternsApplied().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeNumberField("executionMs", m.executionMs());
    g.writeNumberField("rowLimit", m.rowLimit());
    g.writeStringField("requestId", m.requestId()); // (ext)
    if (m.truncatedBy() != null) {
      g.writeStringField("truncatedBy", m.truncatedBy()); // (ext)
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The schema fingerprint: changes when the tables do ({@link TableInfo#fingerprint}). */
  private static String fingerprint(List<TableInfo> tables) {
    return TableInfo.fingerprint(tables);
  }

  // ---------------------------------------------------------------- param validation

  /** A refusal raised while validating a request, with what is known for the audit event. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final ErrorCode code;
    final @Nullable String resourceId;
    final @Nullable String operation;

    Refusal(ErrorCode code, String detail, @Nullable String resourceId,
        @Nullable String operation) {
      super(detail, null, false, false);
      this.code = code;
      this.resourceId = resourceId;
      this.operation = operation;
    }
  }

  private static ObjectNode objectParams(@Nullable JsonNode params, boolean required) {
    if (params == null) {
      if (required) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "params: required (an object)", null, null);
      }
      return Json.object();
    }
    if (!params.isObject()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "params: must be an object (named parameters)", null, null);
    }
    return (ObjectNode) params;
  }

  private static void noParams(@Nullable JsonNode params) {
    if (params != null && !params.isEmpty()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "params: this method takes no parameters",
          null, null);
    }
  }

  private static void onlyKeys(ObjectNode p, Set<String> allowed) {
    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "params: unknown key" + keyName(k)
            + "; allowed: " + new TreeSet<>(allowed), null, null);
      }
    }
  }

  private @Nullable ResourceState resource(ObjectNode p, boolean required) {
    JsonNode n = p.get("resourceId");
    if (n == null || n.isNull()) {
      if (required) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "resourceId: required", null, null);
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "resourceId: must be a string", null, null);
    }
    ResourceState r = resources.get(n.textValue());
    if (r == null) {
      throw new Refusal(ErrorCode.RESOURCE_NOT_FOUND,
          "resourceId: no resource with this id is configured (see list_resources)", null, null);
    }
    return r;
  }

  private static String requiredString(ObjectNode p, String key, @Nullable String op,
      String resourceId) {
    JsonNode n = p.get(key);
    if (n == null || n.isNull()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": required", resourceId, op);
    }
    if (!n.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": must be a string", resourceId, op);
    }
    return n.textValue();
  }

  private static String statement(@Nullable JsonNode n, String resourceId, String op) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isObject()) {
      // (ext) a command document may be sent as JSON rather than as JSON text
      try {
        return Json.MAPPER.writeValueAsString(n);
      } catch (IOException e) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "statement: not serialisable", resourceId, op);
      }
    }
    throw new Refusal(ErrorCode.INVALID_PARAMS,
        "statement: must be a string (or a command document object)", resourceId, op);
  }

  private static List<@Nullable Object> parameters(@Nullable JsonNode n, String resourceId,
      String op) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "parameters: must be an array", resourceId, op);
    }
    if (n.size() > QueryRequest.MAX_PARAMETERS) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "parameters: at most "
          + QueryRequest.MAX_PARAMETERS + " values, was " + n.size(), resourceId, op);
    }
    List<@Nullable Object> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(Json.toJava(e));
    }
    return out;
  }

  private static @Nullable Integer limit(@Nullable JsonNode n, String resourceId, String op) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be an integer", resourceId, op);
    }
    if (n.bigIntegerValue().signum() <= 0) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be at least 1", resourceId, op);
    }
    // A large limit is clamped, never refused: the pipeline applies maxRowsPerQuery.
    return n.canConvertToInt() ? n.intValue() : Integer.MAX_VALUE;
  }

  private static String keyName(String k) {
    return echoable(k) ? " '" + k + "'" : "";
  }

  private static boolean echoable(String name) {
    return SAFE_KEY.matcher(name).matches()
        && name.chars().filter(c -> c >= '0' && c <= '9').count() <= MAX_ECHOED_DIGITS;
  }

  private static String requestIdFor(@Nullable JsonNode id) {
    if (id != null) {
      String s = id.isTextual() ? id.textValue()
          : id.isIntegralNumber() ? id.bigIntegerValue().toString() : null;
      if (s != null && REQUEST_ID.matcher(s).matches()) {
        return s;
      }
    }
    return "relay-" + UUID.randomUUID();
  }

  // ---------------------------------------------------------------- errors and audit

  private void refuse(Session s, @Nullable JsonNode id, @Nullable String requestId,
      @Nullable String resourceId, @Nullable String operation, ErrorCode code, String detail,
      long start) {
    ErrorCode wire = wireCode(code);
    stats.errored(wire);
    audit(requestId, resourceId, operation, outcomeOf(wire), wire, detail, start);
    s.send(error(id, requestId, wire, detail));
  }

  /** CONFIG_INVALID never goes on the wire (PROTOCOL.md); it would be a relay bug here. */
  private static ErrorCode wireCode(ErrorCode c) {
    return c == ErrorCode.CONFIG_INVALID ? ErrorCode.INTERNAL : c;
  }

  private static AuditOutcome outcomeOf(ErrorCode c) {
    int j = c.jsonRpcCode();
    return j == -32002 || j == -32603 ? AuditOutcome.FAILED : AuditOutcome.REFUSED;
  }

  static String error(@Nullable JsonNode id, @Nullable String requestId, ErrorCode code,
      String detail) {
    return Json.message(g -> {
      Json.writeId(g, id);
      g.writeObjectFieldStart("error");
      g.writeNumberField("code", code.jsonRpcCode());
      g.writeStringField("message", messageOf(code));
      g.writeObjectFieldStart("data");
      g.writeStringField("reason", code.name());
      g.writeStringField("detail", detail);
      g.writeBooleanField("retryable", code.retryable());
      g.writeStringField("requestId", requestId);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  private static String messageOf(ErrorCode code) {
    return switch (code.jsonRpcCode()) {
      case -32700 -> "Parse error";
      case -32600 -> "Invalid Request";
      case -32601 -> "Method not found";
      case -32602 -> "Invalid params";
      case -32001 -> "Refused by policy";
      case -32002 -> "Database error";
      case -32003 -> "Relay busy";
      default -> "Internal error";
    };
  }

  private void audit(@Nullable String requestId, @Nullable String resourceId,
      @Nullable String operation, AuditOutcome outcome, @Nullable ErrorCode reason,
      @Nullable String detail, long startNanos) {
    try {
      audit.record(new AuditEvent(clock.instant(), requestId, resourceId, operation, outcome,
          reason, detail, 0, false, 0, Map.of(), (System.nanoTime() - startNanos) / 1_000_000,
          null, null));
    } catch (RuntimeException e) {
      Log.error("audit sink failed (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  // ---------------------------------------------------------------- utilities

  static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
