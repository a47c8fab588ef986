package ai.causeflow.dbaccess.agent.tools;

import ai.causeflow.dbaccess.agent.tools.internal.JsonValues;
import ai.causeflow.dbaccess.agent.tools.internal.Schemas;
import ai.causeflow.dbaccess.agent.tools.internal.TextRendering;
import ai.causeflow.dbaccess.agent.tools.internal.Texts;
import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.ResultMetadata;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Agent tools generated from configured data sources, and the dispatcher that runs a tool call
 * through the same read-only pipeline the relay uses (each data source's policy, masking, audit
 * and caps). A tool exists only when at least one resource's policy allows its operation (and the
 * backend implements it); its {@code resourceId} argument lists exactly those resources.
 *
 * <p>Tools: {@code list_resources}; {@code list_tables}, {@code describe_table}, {@code query},
 * {@code explain}; and every built-in DBA read the backends implement ({@code activity},
 * {@code locks}, {@code top_statements}, ...).
 *
 * <pre>{@code
 * ToolCatalogue tools = ToolCatalogue.builder()
 *     .resource(ordersDataSource, "Orders DB")
 *     .auditSink(auditSink)                 // for calls that never reach a data source
 *     .concurrency(8, 64)                   // bounded, like the relay's limits block
 *     .build();
 * tools.tools();                            // definitions for the agent framework
 * ToolResult r = tools.call("query", "{\"resourceId\":\"orders\",\"statement\":\"SELECT count(*) FROM orders\"}");
 * }</pre>
 *
 * <p>Audit: a call that reaches a data source is audited by its pipeline; every other call
 * ({@code list_resources}, and refusals decided here: unknown tool or resource, bad arguments,
 * at capacity) is audited here, so every tool call leaves exactly one audit event, without
 * values. Error details are masked as the audit log's are before they are returned.
 *
 * <p>Thread-safety: thread-safe; {@link #call} may run concurrently (bounded by
 * {@link Builder#concurrency}). The catalogue does not own the data sources: closing them is the
 * caller's job.
 */
public final class ToolCatalogue {
  /** The tool that lists resources; always present. */
  public static final String LIST_RESOURCES = "list_resources";

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final List<String> COMMON_ORDER =
      List.of("list_tables", "describe_table", "query", "explain");

  private final Map<String, Resource> resources;
  private final Map<String, AgentTool> tools;
  private final AuditSink audit;
  private final Clock clock;
  private final @Nullable Semaphore capacity;
  private final @Nullable Semaphore running;
  private final String requestIdPrefix;

  /** One configured resource: its data source and display name. */
  private record Resource(ReadOnlyDataSource dataSource, String name) {
    String id() {
      return dataSource.resourceId();
    }

    String type() {
      return dataSource.type();
    }

    Set<String> tools() {
      Set<String> out = new TreeSet<>();
      for (Operation op : dataSource.policy().allowedOperations()) {
        if (dataSource.supportedOperations().contains(op)) {
          out.add(op.name());
        }
      }
      return out;
    }
  }

  private ToolCatalogue(Builder b) {
    Map<String, Resource> rs = new LinkedHashMap<>();
    for (Resource r : b.resources) {
      if (rs.putIfAbsent(r.id(), r) != null) {
        throw new IllegalArgumentException("resource '" + r.id() + "' added twice");
      }
    }
    this.resources = java.util.Collections.unmodifiableMap(rs);
    this.audit = b.audit;
    this.clock = b.clock;
    this.requestIdPrefix = b.requestIdPrefix;
    if (b.maxConcurrent > 0) {
      this.capacity = new Semaphore(b.maxConcurrent + b.maxQueued);
      this.running = new Semaphore(b.maxConcurrent);
    } else {
      this.capacity = null;
      this.running = null;
    }
    this.tools = java.util.Collections.unmodifiableMap(generate());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The tools, {@code list_resources} first, then the common ones, then DBA reads by name. */
  public List<AgentTool> tools() {
    return List.copyOf(tools.values());
  }

  /** A tool by name. */
  public Optional<AgentTool> tool(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** The resource ids, in configuration order. */
  public List<String> resourceIds() {
    return List.copyOf(resources.keySet());
  }

  // ------------------------------------------------------------------ generation

  private Map<String, AgentTool> generate() {
    Map<String, AgentTool> out = new LinkedHashMap<>();
    out.put(LIST_RESOURCES, new AgentTool(LIST_RESOURCES, Texts.title(LIST_RESOURCES),
        Texts.listResources(), List.copyOf(resources.keySet()), Schemas.closedObject(),
        Schemas.resourcesResult()));
    Map<String, List<Resource>> byOp = new LinkedHashMap<>();
    for (String op : COMMON_ORDER) {
      byOp.put(op, new ArrayList<>());
    }
    Set<String> others = new TreeSet<>();
    for (Resource r : resources.values()) {
      for (String op : r.tools()) {
        if (!COMMON_ORDER.contains(op)) {
          others.add(op);
        }
      }
    }
    others.forEach(op -> byOp.put(op, new ArrayList<>()));
    for (Resource r : resources.values()) {
      for (String op : r.tools()) {
        if (!op.equals(LIST_RESOURCES)) {
          Objects.requireNonNull(byOp.get(op), op).add(r);
        }
      }
    }
    for (Map.Entry<String, List<Resource>> e : byOp.entrySet()) {
      if (!e.getValue().isEmpty()) {
        out.put(e.getKey(), define(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  private AgentTool define(String op, List<Resource> rs) {
    List<String> ids = rs.stream().map(Resource::id).toList();
    Set<String> types = new LinkedHashSet<>();
    rs.forEach(r -> types.add(r.type()));
    int maxRows = rs.stream().mapToInt(r -> r.dataSource().policy().maxRowsPerQuery()).max()
        .orElse(1);
    ObjectNode in = Schemas.closedObject();
    Schemas.property(in, "resourceId", Schemas.stringEnum("The resource to read (from "
        + "list_resources): " + String.join(", ", ids), ids), true);
    ObjectNode limit = Schemas.integer("At most this many rows come back (clamped to the "
        + "resource's maxRowsPerQuery; 'truncated' says whether more existed). Keep it small.", 1,
        maxRows);
    String description;
    switch (op) {
      case "list_tables" -> {
        description = Texts.listTables(types);
        if (types.contains("postgres")) {
          Schemas.property(in, "schema", Schemas.string("PostgreSQL only: list this schema "
              + "only (default: every schema the policy allows)"), false);
        }
        Schemas.property(in, "limit", limit, false);
      }
      case "describe_table" -> {
        description = Texts.describeTable(types);
        Schemas.property(in, "table", Schemas.string("The table ('table' or 'schema.table' for "
            + "PostgreSQL), collection (MongoDB) or table name (DynamoDB), as list_tables "
            + "shows it"), true);
      }
      case "query", "explain" -> {
        description = op.equals("query") ? Texts.query(types) : Texts.explain(types);
        ObjectNode statement;
        if (types.equals(Set.of("postgres"))) {
          statement = Schemas.string("One SQL query (SELECT, WITH ... SELECT, VALUES or TABLE) "
              + "with $1..$n placeholders for every value");
        } else {
          statement = JsonValues.object();
          statement.put("description", "PostgreSQL: one SQL query with $1..$n placeholders. "
              + "MongoDB: a command document. DynamoDB: {\"GetItem\"|\"Query\"|\"Scan\": "
              + "request}. A document may be given as a JSON object or as its JSON text.");
          ArrayNode any = statement.putArray("anyOf");
          any.addObject().put("type", "string");
          any.addObject().put("type", "object");
        }
        Schemas.property(in, "statement", statement, true);
        if (types.contains("postgres")) {
          ObjectNode params = JsonValues.object();
          params.put("type", "array");
          params.put("description", "PostgreSQL: the values of $1..$n, in order (strings, "
              + "numbers, booleans, null; a timestamp as ISO-8601 text). Exactly as many as "
              + "the statement uses.");
          params.put("maxItems", QueryRequest.MAX_PARAMETERS);
          params.putObject("items").putArray("type").add("string").add("number").add("integer")
              .add("boolean").add("null").add("array").add("object");
          Schemas.property(in, "parameters", params, false);
        }
        if (op.equals("query")) {
          Schemas.property(in, "limit", limit, false);
        }
      }
      default -> {
        description = Texts.dbaRead(op, types);
        if (allOfType(types, Texts.SCHEMA_ARGUMENT_OPS, op)) {
          Schemas.property(in, "schema", Schemas.string("Only this schema (default: every "
              + "schema the policy allows)"), false);
        } else if (!allOfType(types, Texts.NO_ARGUMENT_OPS, op)) {
          Schemas.property(in, "statement", Schemas.string("The operation's optional argument, "
              + "as its backend documents it; leave it out when unsure"), false);
        }
        Schemas.property(in, "limit", limit, false);
      }
    }
    return new AgentTool(op, Texts.title(op), description, ids, in, Schemas.rowsResult());
  }

  private static boolean allOfType(Set<String> types, Map<String, Set<String>> table,
      String op) {
    for (String t : types) {
      if (!table.getOrDefault(t, Set.of()).contains(op)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ dispatch

  /** Runs a tool call whose arguments are JSON text (as most agent frameworks pass them). */
  public ToolResult call(String toolName, @Nullable String argumentsJson) {
    long start = System.nanoTime();
    String requestId = newRequestId();
    JsonNode args;
    try {
      args = JsonValues.parseArguments(argumentsJson);
    } catch (DbAccessException e) {
      AgentTool t = tools.get(toolName);
      return refused(requestId, null, t == null ? null : toolName, e.code(), e.getMessage(),
          start, null);
    }
    return call(toolName, args, requestId, start);
  }

  /** Runs a tool call; never throws (failures are tool errors with a reason code). */
  public ToolResult call(String toolName, @Nullable JsonNode arguments) {
    return call(toolName, arguments == null ? JsonValues.object() : arguments, newRequestId(),
        System.nanoTime());
  }

  /** Runs a tool call given as a map (as MCP SDKs pass arguments). */
  public ToolResult call(String toolName, @Nullable Map<String, ?> arguments) {
    JsonNode args = arguments == null ? JsonValues.object()
        : JsonValues.MAPPER.valueToTree(arguments);
    return call(toolName, args);
  }

  private ToolResult call(String toolName, JsonNode args, String requestId, long start) {
    AgentTool tool = tools.get(toolName);
    if (tool == null) {
      String echoed = SAFE_NAME.matcher(toolName).matches() ? toolName : null;
      return refused(requestId, null, null, ErrorCode.INVALID_PARAMS, Texts.unknownTool(echoed),
          start, null);
    }
    try {
      if (!args.isObject()) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS,
            "arguments: must be a JSON object");
      }
      onlyKnownArguments(tool, (ObjectNode) args);
      if (toolName.equals(LIST_RESOURCES)) {
        ObjectNode out = listResources();
        auditHere(requestId, null, toolName, AuditOutcome.OK, null, null, start);
        return new ToolResult(out, TextRendering.resources(out), false, null);
      }
      Resource r = resource(tool, args);
      QueryRequest request = request(toolName, args, r, requestId);
      return admitted(r, request, toolName, start);
    } catch (Refusal e) {
      return refused(requestId, e.resourceId, toolName, e.code, e.getMessage(), start, null);
    } catch (DbAccessException e) {
      return refused(requestId, null, toolName, e.code(), e.getMessage(), start, null);
    }
  }

  private ToolResult admitted(Resource r, QueryRequest request, String toolName, long start) {
    Semaphore cap = capacity;
    Semaphore run = running;
    if (cap != null && !cap.tryAcquire()) {
      return refused(request.requestId(), r.id(), toolName, ErrorCode.RELAY_BUSY,
          "at capacity: every worker is busy and the queue is full; retry later", start, r);
    }
    try {
      if (run != null) {
        long waitMs = r.dataSource().policy().statementTimeout().toMillis();
        boolean got;
        try {
          got = run.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return refused(request.requestId(), r.id(), toolName, ErrorCode.CANCELLED,
              "interrupted while waiting for a worker", start, r);
        }
        if (!got) {
          return refused(request.requestId(), r.id(), toolName, ErrorCode.TIMEOUT,
              "waited " + waitMs + " ms for a worker, past the statement timeout", start, r);
        }
      }
      try {
        return execute(r, request);
      } finally {
        if (run != null) {
          run.release();
        }
      }
    } finally {
      if (cap != null) {
        cap.release();
      }
    }
  }

  /** Runs the request through the pipeline (which audits it, success or failure). */
  private ToolResult execute(Resource r, QueryRequest request) {
    QueryResult result;
    try {
      result = r.dataSource().execute(request);
    } catch (DbAccessException e) {
      return errorResult(e.code(), mask(r, e.getMessage()), request.requestId());
    }
    try {
      ObjectNode out = rowsResult(request.operation().name(), result);
      return new ToolResult(out, TextRendering.rows(out), false, null);
    } catch (DbAccessException e) {
      // a value of an unexpected type: a bug, reported without the value
      return errorResult(e.code(), e.getMessage(), request.requestId());
    }
  }

  private ObjectNode listResources() {
    ObjectNode out = JsonValues.object();
    ArrayNode list = out.putArray("resources");
    for (Resource r : resources.values()) {
      ObjectNode o = list.addObject();
      o.put("resourceId", r.id());
      o.put("type", r.type());
      o.put("name", r.name());
      ArrayNode ts = o.putArray("tools");
      for (String t : r.tools()) {
        if (tools.containsKey(t)) {
          ts.add(t);
        }
      }
      o.put("maxRowsPerQuery", r.dataSource().policy().maxRowsPerQuery());
      o.put("statementTimeoutMs", r.dataSource().policy().statementTimeout().toMillis());
    }
    return out;
  }

  private static ObjectNode rowsResult(String operation, QueryResult result) {
    ResultMetadata m = result.metadata();
    ObjectNode out = JsonValues.object();
    out.put("resourceId", m.resourceId());
    out.put("operation", operation);
    out.put("requestId", m.requestId());
    out.put("untrustedData", true);
    out.put("notice", Texts.UNTRUSTED_NOTICE);
    ArrayNode cols = out.putArray("columns");
    for (Column c : result.columns()) {
      cols.addObject().put("name", c.name()).put("type", c.type());
    }
    ArrayNode rows = out.putArray("rows");
    for (Map<String, @Nullable Object> row : result.rows()) {
      rows.add(JsonValues.toJson(row));
    }
    out.put("rowCount", result.rowCount());
    out.put("truncated", result.truncated());
    if (m.truncatedBy() == null) {
      out.putNull("truncatedBy");
    } else {
      out.put("truncatedBy", m.truncatedBy());
    }
    out.put("rowLimit", m.rowLimit());
    out.put("masked", m.masked());
    out.put("maskedFieldCount", m.maskedFieldCount());
    ObjectNode p = out.putObject("patternsApplied");
    m.patternsApplied().forEach(p::put);
    out.put("executionMs", m.executionMs());
    return out;
  }

  // ------------------------------------------------------------------ arguments

  private static void onlyKnownArguments(AgentTool tool, ObjectNode args) {
    JsonNode props = tool.inputSchema().path("properties");
    for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!props.has(k)) {
        List<String> allowed = new ArrayList<>();
        props.fieldNames().forEachRemaining(allowed::add);
        throw new DbAccessException(ErrorCode.INVALID_PARAMS, "unknown argument"
            + (SAFE_NAME.matcher(k).matches() ? " '" + k + "'" : "") + "; " + tool.name()
            + " takes " + (allowed.isEmpty() ? "no arguments" : allowed));
      }
    }
  }

  private Resource resource(AgentTool tool, JsonNode args) {
    JsonNode n = args.get("resourceId");
    if (n == null || n.isNull()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "resourceId: required; one of "
          + tool.resourceIds());
    }
    if (!n.isTextual()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "resourceId: must be a string");
    }
    Resource r = resources.get(n.textValue());
    if (r == null) {
      throw new DbAccessException(ErrorCode.RESOURCE_NOT_FOUND,
          "resourceId: no resource with this id is configured; " + tool.name() + " serves "
              + tool.resourceIds());
    }
    if (!tool.resourceIds().contains(r.id())) {
      throw new Refusal(ErrorCode.OPERATION_NOT_ALLOWED, "tool '" + tool.name()
          + "' is not allowed on resource " + r.id() + " (its allowedOperations); it serves "
          + tool.resourceIds(), r.id());
    }
    return r;
  }

  private static QueryRequest request(String op, JsonNode args, Resource r, String requestId) {
    QueryRequest.Builder b = QueryRequest.builder(Operation.of(op)).requestId(requestId);
    try {
      switch (op) {
        case "describe_table" -> b.statement(requiredText(args, "table", r));
        case "query", "explain" -> {
          b.statement(statement(args.get("statement"), r));
          b.parameters(parameters(args.get("parameters"), r));
        }
        default -> {
          String s = optionalText(args, args.has("schema") ? "schema" : "statement", r);
          if (s != null) {
            b.statement(s);
          }
        }
      }
      b.limit(limit(args.get("limit"), r));
      return b.build();
    } catch (DbAccessException e) {
      throw new Refusal(e.code(), e.getMessage(), r.id());
    }
  }

  private static String requiredText(JsonNode args, String key, Resource r) {
    String s = optionalText(args, key, r);
    if (s == null || s.isBlank()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": required (a non-empty string)",
          r.id());
    }
    return s;
  }

  private static @Nullable String optionalText(JsonNode args, String key, Resource r) {
    JsonNode n = args.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": must be a string", r.id());
    }
    return n.textValue();
  }

  private static String statement(@Nullable JsonNode n, Resource r) {
    if (n == null || n.isNull()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "statement: required", r.id());
    }
    if (n.isTextual()) {
      if (n.textValue().isBlank()) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "statement: must not be empty", r.id());
      }
      return n.textValue();
    }
    if (n.isObject() && !r.type().equals("postgres")) {
      return JsonValues.write(n);
    }
    throw new Refusal(ErrorCode.INVALID_PARAMS, r.type().equals("postgres")
        ? "statement: must be a string (one SQL query)"
        : "statement: must be a command document (object) or its JSON text", r.id());
  }

  private static List<@Nullable Object> parameters(@Nullable JsonNode n, Resource r) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "parameters: must be an array", r.id());
    }
    List<@Nullable Object> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(JsonValues.toJava(e));
    }
    return out;
  }

  private static @Nullable Integer limit(@Nullable JsonNode n, Resource r) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be an integer", r.id());
    }
    if (n.bigIntegerValue().signum() <= 0) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be at least 1", r.id());
    }
    // like the relay: a large limit is clamped by the pipeline, never refused
    return n.canConvertToInt() ? n.intValue() : Integer.MAX_VALUE;
  }

  // ------------------------------------------------------------------ errors and audit

  /** A refusal decided here, with the resource it concerns when known. */
  private static final class Refusal extends DbAccessException {
    private static final long serialVersionUID = 1L;
    final ErrorCode code;
    final @Nullable String resourceId;

    Refusal(ErrorCode code, String detail, @Nullable String resourceId) {
      super(code, detail);
      this.code = code;
      this.resourceId = resourceId;
    }
  }

  private ToolResult refused(String requestId, @Nullable String resourceId,
      @Nullable String toolName, ErrorCode code, String detail, long start,
      @Nullable Resource r) {
    Resource res = r != null ? r : resourceId == null ? null : resources.get(resourceId);
    String masked = res == null ? detail : mask(res, detail);
    auditHere(requestId, resourceId, toolName, outcomeOf(code), code, masked, start);
    return errorResult(code, masked, requestId);
  }

  private static ToolResult errorResult(ErrorCode code, String detail, String requestId) {
    ErrorCode shown = code == ErrorCode.CONFIG_INVALID ? ErrorCode.INTERNAL : code;
    String hint = Texts.hint(shown);
    ObjectNode out = JsonValues.object();
    ObjectNode e = out.putObject("error");
    e.put("reason", shown.name());
    e.put("retryable", shown.retryable());
    e.put("detail", detail);
    e.put("hint", hint);
    e.put("requestId", requestId);
    return new ToolResult(out, TextRendering.error(shown.name(), shown.retryable(), detail, hint),
        true, shown);
  }

  /** The masking the audit log gets, applied to a detail before it leaves. */
  private static String mask(Resource r, String detail) {
    return r.dataSource().settings().masking().maskText(detail, new MaskingStats());
  }

  private static AuditOutcome outcomeOf(ErrorCode c) {
    return c.isPolicyRefusal() || c == ErrorCode.INVALID_PARAMS || c == ErrorCode.RELAY_BUSY
        ? AuditOutcome.REFUSED : AuditOutcome.FAILED;
  }

  private void auditHere(String requestId, @Nullable String resourceId,
      @Nullable String operation, AuditOutcome outcome, @Nullable ErrorCode reason,
      @Nullable String detail, long start) {
    try {
      audit.record(new AuditEvent(clock.instant(), requestId, resourceId, operation, outcome,
          reason, detail, 0, false, 0, Map.of(), (System.nanoTime() - start) / 1_000_000, null,
          null));
    } catch (RuntimeException e) {
      System.getLogger(ToolCatalogue.class.getName()).log(System.Logger.Level.ERROR,
          "audit sink failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private String newRequestId() {
    return requestIdPrefix + UUID.randomUUID();
  }

  /** Builder for {@link ToolCatalogue}; not thread-safe. */
  public static final class Builder {
    private final List<Resource> resources = new ArrayList<>();
    private AuditSink audit = AuditSink.discard();
    private Clock clock = Clock.systemUTC();
    private int maxConcurrent;
    private int maxQueued;
    private String requestIdPrefix = "tool-";

    private Builder() {}

    /** Adds a resource, named by its id. */
    public Builder resource(ReadOnlyDataSource dataSource) {
      return resource(dataSource, dataSource.resourceId());
    }

    /** Adds a resource with a display name (e.g. {@code name} of its config entry). */
    public Builder resource(ReadOnlyDataSource dataSource, String name) {
      resources.add(new Resource(Objects.requireNonNull(dataSource, "dataSource"),
          Objects.requireNonNull(name, "name")));
      return this;
    }

    /**
     * Where calls that never reach a data source are audited (use the data sources' sink; the
     * default discards).
     */
    public Builder auditSink(AuditSink sink) {
      this.audit = Objects.requireNonNull(sink, "sink");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Bounds concurrent calls: at most {@code maxConcurrent} run, at most {@code maxQueued} more
     * wait (up to the resource's statement timeout); beyond that a call is refused with
     * {@code RELAY_BUSY}. Default: unbounded.
     */
    public Builder concurrency(int maxConcurrent, int maxQueued) {
      if (maxConcurrent < 1 || maxQueued < 0) {
        throw new IllegalArgumentException("concurrency: maxConcurrent >= 1, maxQueued >= 0");
      }
      this.maxConcurrent = maxConcurrent;
      this.maxQueued = maxQueued;
      return this;
    }

    /** Prefix of generated request ids (default {@code tool-}); {@code [A-Za-z0-9._:-]}. */
    public Builder requestIdPrefix(String prefix) {
      if (!prefix.matches("[A-Za-z0-9._:-]{0,32}")) {
        throw new IllegalArgumentException("requestIdPrefix: [A-Za-z0-9._:-]{0,32}");
      }
      this.requestIdPrefix = prefix;
      return this;
    }

    public ToolCatalogue build() {
      return new ToolCatalogue(this);
    }
  }
}
