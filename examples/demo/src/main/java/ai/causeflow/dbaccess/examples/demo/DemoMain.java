package ai.causeflow.dbaccess.examples.demo;

import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.examples.relay.RelayConfig;
import ai.causeflow.dbaccess.examples.relay.Relay;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The embedded demo: {@code java -jar examples/demo/target/causeflow-demo.jar}. Starts a PostgreSQL
 * seeded with a checkout outage, starts the reference relay against a local control plane over a
 * real loopback WebSocket, and plays a scripted DB Analyst investigation through the protocol.
 *
 * <p>Thread-safety: {@link #run} is meant to be called once per process.
 */
public final class DemoMain {
  private static final int STEPS = 17;

  private final PrintStream out;
  private final long t0 = System.nanoTime();
  private int step;

  private DemoMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--mcp")) {
      PrintStream protocol = System.out;
      System.setOut(System.err); // stdout carries the MCP protocol and nothing else
      System.exit(mcp(System.in, protocol));
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar causeflow-demo.jar [--mcp]");
      System.exit(2);
    }
    System.exit(run(System.out));
  }

  /**
   * {@code --mcp}: the same seeded database with the outage running, served as an MCP server on
   * stdio (the relay's MCP front end, no control plane) until {@code in} ends. Logs and audit go
   * to stderr. For trying an MCP client against a database with a story in it.
   */
  public static int mcp(InputStream in, OutputStream protocol) {
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    System.setProperty("slf4j.internal.verbosity", "WARN");
    try (StoryDatabase db = StoryDatabase.start(); StoryEvents events = StoryEvents.start()) {
      db.startOutage();
      RelayConfig config = RelayConfig.parse(config(null, db.port()),
          Map.of("EVENTS_MONGO_URI", events.uri()));
      Relay relay = Relay.builder(config).auditFromConfig(true, System.err, System.err).build();
      try {
        relay.serveMcp(in, protocol);
      } finally {
        relay.shutdown();
      }
      return 0;
    } catch (Exception e) {
      System.err.println("demo failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 1;
    }
  }

  /** Runs the whole demo, writing to {@code out}; returns the exit code. */
  public static int run(PrintStream out) {
    // zonky logs through SLF4J; the demo's output is its own story, so silence it.
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    System.setProperty("slf4j.internal.verbosity", "WARN");
    try {
      new DemoMain(out).play();
      return 0;
    } catch (Exception e) {
      out.println();
      out.println("demo failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 1;
    }
  }

  private void play() throws Exception {
    out.println("causeflow-dbaccess demo: a DB Analyst investigates a checkout outage");
    out.println("through the relay (read-only, policy-checked, masked, audited).");
    out.println();
    step("Starting an embedded PostgreSQL 17 and seeding the checkout-outage story");
    Path work = Files.createTempDirectory("causeflow-demo");
    Path auditFile = work.resolve("audit.jsonl");
    try (StoryDatabase db = StoryDatabase.start(); StoryEvents events = StoryEvents.start()) {
      detail("database 'shop': customers, 200,000 orders, payments, inventory");
      db.startOutage();
      detail("outage running: a checkout worker holds a row lock; checkouts queue behind it");
      detail("and an in-process MongoDB holding the checkout service's event log");

      step("Starting the control plane (this demo) and the relay, which dials out to it");
      try (LocalControlPlane cp = new LocalControlPlane();
          JsonLinesAuditSink file = JsonLinesAuditSink.toFile(auditFile)) {
        RelayConfig config = RelayConfig.parse(config(cp.url(), db.port()),
            Map.of("EVENTS_MONGO_URI", events.uri()));
        Relay relay = Relay.builder(config)
            .auditSink(file)
            .build();
        try {
          relay.connect();
          cp.awaitRelay(Duration.ofSeconds(15));
          detail("relay " + cp.handshake.getOrDefault("X-Relay-Id", "?") + " connected; tenant "
              + cp.handshake.getOrDefault("X-Tenant-Id", "?") + ", version "
              + cp.handshake.getOrDefault("X-Relay-Version", "?") + ", token sent as a bearer "
              + "header (never logged)");
          investigate(cp);
          events(cp);
          summariseAudit(auditFile);
        } finally {
          relay.shutdown();
        }
      }
      finding();
    }
    new DynamoChapter(out).play(work);
    out.printf(Locale.ROOT, "%nDone in %.1f s. Nothing was written to the database; every "
        + "value that left it was masked; every request is in the audit trail.%n", seconds());
  }

  // ------------------------------------------------------------------ the investigation

  private int blockingPid;
  private String blockingApp = "?";
  private long blockingMs;
  private int blockedCount;
  private String hotRelation = "inventory";
  private String scanNode = "?";
  private int duplicateOrders;
  private String duplicateAmount = "?";

  private void investigate(LocalControlPlane cp) throws Exception {
    step("list_resources: what can the analyst reach?");
    for (JsonNode r : cp.call("list_resources", null).get("result")) {
      detail(r.get("resourceId").asText() + " (" + r.get("type").asText() + ", "
          + r.get("status").asText() + "): " + join(r.get("allowedOperations")) + "; at most "
          + r.get("maxRowsPerQuery").asInt() + " rows per query");
    }

    step("describe_resource: the tables");
    JsonNode d = result(cp.call("describe_resource", Map.of("resourceId", "shop-db")));
    for (JsonNode t : d.get("tables")) {
      detail(String.format(Locale.ROOT, "%-20s %-6s ~%,d rows", t.get("schema").asText() + "."
          + t.get("name").asText(), t.get("kind").asText(), t.path("estimatedRows").asLong()));
    }
    detail("schema fingerprint " + d.get("fingerprint").asText());

    step("health_check");
    for (JsonNode h : cp.call("health_check", null).get("result")) {
      detail(h.get("resourceId").asText() + ": healthy=" + h.get("healthy").asBoolean() + ", "
          + h.get("latencyMs").asLong() + " ms");
    }

    step("DBA read 'activity': who is doing what right now?");
    JsonNode act = exec(cp, "activity", null, null);
    for (JsonNode r : act.get("rows")) {
      detail(String.format(Locale.ROOT, "pid %-6s %-18s %-20s wait=%-14s blocked_by=%s",
          r.get("pid").asText(), r.path("application_name").asText(), r.path("state").asText(),
          r.path("wait_event").asText("-"), r.path("blocked_by").toString()));
    }

    step("DBA read 'locks': the blocking chain");
    JsonNode locks = exec(cp, "locks", null, null);
    for (JsonNode r : locks.get("rows")) {
      blockedCount++;
      if (!r.path("blocking_is_waiting").asBoolean()) {
        // the head of the chain: it blocks others and waits for nothing itself
        blockingPid = r.get("blocking_pid").asInt();
        blockingMs = r.path("blocking_xact_ms").asLong();
        blockingApp = r.path("blocking_application").asText();
      }
      if (!r.path("relation").isNull() && !r.path("relation").asText().isEmpty()) {
        hotRelation = r.path("relation").asText();
      }
      detail("pid " + r.get("blocked_pid").asText() + " (" + r.path("blocked_application")
          .asText() + ") waits for " + r.path("wanted_mode").asText("a lock") + " on "
          + r.path("relation").asText("a row") + ", held by pid "
          + r.get("blocking_pid").asText() + " ("
          + r.path("blocking_application").asText() + ", " + r.path("blocking_state").asText()
          + ")");
    }
    detail("blocking query (literals redacted): "
        + locks.get("rows").path(0).path("blocking_query").asText("-"));

    step("describe_table public.orders: which indexes exist?");
    JsonNode orders = exec(cp, "describe_table", "public.orders", null).get("rows").get(0);
    List<String> indexed = new ArrayList<>();
    for (JsonNode ix : orders.get("indexes")) {
      detail("index " + ix.get("name").asText() + " on " + ix.get("columns").toString());
      ix.get("columns").forEach(c -> indexed.add(c.asText()));
    }
    detail("customer_id indexed: " + indexed.contains("customer_id"));

    step("DBA read 'top_statements': what is the database busiest with?");
    JsonNode top = cp.call("execute", Map.of("resourceId", "shop-db", "operation",
        "top_statements"));
    if (top.has("result")) {
      for (JsonNode r : first(top.get("result").get("rows"), 3)) {
        detail(String.format(Locale.ROOT, "%s calls, mean %s ms: %s", r.path("calls").asText(),
            r.path("mean_ms").asText(r.path("mean_exec_ms").asText("?")),
            abbreviate(r.path("query").asText(), 90)));
      }
    } else {
      detail("not available: " + reason(top));
    }

    step("explain: the order-history lookup (planned, never run)");
    JsonNode plan = exec(cp, "explain", "SELECT id, status, total FROM orders"
        + " WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20", List.of(3));
    List<String> nodes = new ArrayList<>();
    walkPlan(plan.get("rows").get(0).get("plan"), nodes);
    detail(String.join(" -> ", nodes));

    step("query: orders charged more than once");
    JsonNode dup = exec(cp, "query", "SELECT p.order_id, count(*) AS charges,"
        + " sum(p.amount) AS charged, min(o.total) AS order_total FROM payments p"
        + " JOIN orders o ON o.id = p.order_id GROUP BY p.order_id HAVING count(*) > 1"
        + " ORDER BY p.order_id", null);
    double extra = 0;
    for (JsonNode r : dup.get("rows")) {
      duplicateOrders++;
      extra += r.get("charged").asDouble() - r.get("order_total").asDouble();
      detail("order " + r.get("order_id").asText() + ": " + r.get("charges").asText()
          + " charges, " + r.get("charged").asText() + " for an order of "
          + r.get("order_total").asText());
    }
    duplicateAmount = String.format(Locale.ROOT, "%.2f", extra);

    step("query: the customers behind those orders (PII is masked before it leaves)");
    JsonNode people = exec(cp, "query", "SELECT c.id, c.email, c.cpf, c.card_number, c.phone"
        + " FROM customers c WHERE c.id IN (SELECT o.customer_id FROM orders o"
        + " WHERE o.id = ANY($1)) ORDER BY c.id", List.of(List.of(12, 57, 131, 402, 977, 1460)));
    for (JsonNode r : people.get("rows")) {
      detail("customer " + r.get("id").asText() + ": email=" + r.get("email").asText()
          + " cpf=" + r.get("cpf").asText() + " card=" + r.get("card_number").asText()
          + " phone=" + r.get("phone").asText());
    }
    JsonNode meta = people.get("metadata");
    detail("masked=" + meta.get("masked").asBoolean() + ", " + meta.get("maskedFieldCount")
        .asInt() + " values masked, by detector " + meta.get("patternsApplied").toString());

    step("An attempted write (the agent tries to 'fix' things): refused");
    JsonNode write = cp.call("execute", Map.of("resourceId", "shop-db", "operation", "query",
        "statement", "UPDATE payments SET status = 'refunded' WHERE order_id = 12"));
    detail("UPDATE payments ...           -> " + reason(write));
    JsonNode kill = cp.call("execute", Map.of("resourceId", "shop-db", "operation", "query",
        "statement", "SELECT pg_terminate_backend(" + blockingPid + ")"));
    detail("SELECT pg_terminate_backend() -> " + reason(kill));
    JsonNode secrets = cp.call("execute", Map.of("resourceId", "shop-db", "operation", "query",
        "statement", "SELECT * FROM pg_catalog.pg_authid"));
    detail("SELECT * FROM pg_authid       -> " + reason(secrets));
  }

  private int retriedEvents;

  private void events(LocalControlPlane cp) throws Exception {
    step("MongoDB: the checkout event log around the outage (nested PII masked)");
    JsonNode r = result(cp.call("execute", Map.of("resourceId", "checkout-events", "operation",
        "query", "statement", "{\"find\": \"events\", \"filter\": {\"outcome\": {\"$ne\":"
            + " \"ok\"}}, \"sort\": {\"at\": 1}, \"limit\": 3}")));
    for (JsonNode e : r.get("rows")) {
      detail("event " + e.get("_id").asText() + " at " + e.get("at").asText() + ": "
          + e.get("outcome").asText() + ", customer " + e.get("customer").toString()
          + ", card " + e.path("payment").path("card").asText());
    }
    detail("masked=" + r.get("metadata").get("masked").asBoolean() + "; customer.password was"
        + " removed by the policy's blockedColumns before masking");
    JsonNode agg = result(cp.call("execute", Map.of("resourceId", "checkout-events",
        "operation", "query", "statement", "{\"aggregate\": \"events\", \"pipeline\":"
            + " [{\"$group\": {\"_id\": \"$outcome\", \"n\": {\"$sum\": 1}}},"
            + " {\"$sort\": {\"n\": -1}}]}")));
    List<String> counts = new ArrayList<>();
    for (JsonNode g : agg.get("rows")) {
      counts.add(g.get("_id").asText() + "=" + g.get("n").asText());
      if ("payment_retried".equals(g.get("_id").asText())) {
        retriedEvents = g.get("n").asInt();
      }
    }
    detail("outcomes: " + String.join(", ", counts));

    step("MongoDB: a $merge hidden in a $facet (a write through a 'read'): refused");
    JsonNode merge = cp.call("execute", Map.of("resourceId", "checkout-events", "operation",
        "query", "statement", "{\"aggregate\": \"events\", \"pipeline\": [{\"$facet\":"
            + " {\"x\": [{\"$merge\": {\"into\": \"events\"}}]}}]}"));
    detail("$facet { $merge }             -> " + reason(merge));
    JsonNode js = cp.call("execute", Map.of("resourceId", "checkout-events", "operation",
        "query", "statement", "{\"find\": \"events\", \"filter\": {\"$where\":"
            + " \"sleep(100000)\"}}"));
    detail("$where (server-side JS)       -> " + reason(js));
    JsonNode pw = cp.call("execute", Map.of("resourceId", "checkout-events", "operation",
        "query", "statement", "{\"aggregate\": \"events\", \"pipeline\": [{\"$project\":"
            + " {\"p\": \"$customer.password\"}}]}"));
    detail("$project of customer.password -> " + reason(pw));
  }

  private void summariseAudit(Path auditFile) throws Exception {
    step("The audit trail");
    List<String> lines = Files.readAllLines(auditFile, StandardCharsets.UTF_8);
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    int masked = 0;
    String sample = null;
    for (String l : lines) {
      JsonNode e = LocalControlPlane.JSON.readTree(l);
      outcomes.merge(e.get("outcome").asText(), 1, Integer::sum);
      if (!e.path("reason").isNull()) {
        reasons.merge(e.get("reason").asText(), 1, Integer::sum);
      }
      masked += e.path("maskedFieldCount").asInt();
      if (sample == null && "query".equals(e.path("operation").asText())
          && e.path("maskedFieldCount").asInt() > 0) {
        sample = l;
      }
    }
    detail(lines.size() + " events in " + auditFile + " (one JSON object per line)");
    detail("outcomes " + outcomes + "; refusal reasons " + reasons + "; " + masked
        + " values masked in total");
    if (sample != null) {
      detail("sample: " + abbreviate(sample, 400));
    }
  }

  private void finding() {
    step("Finding");
    detail(String.format(Locale.ROOT, "ROOT CAUSE: session pid %d (%s) has held a"
        + " row lock on %s for %.1f s while idle in transaction; %d checkout session(s) are"
        + " queued behind it.", blockingPid, blockingApp, hotRelation, blockingMs / 1000.0, blockedCount));
    detail("CONTRIBUTING: the order-history lookup plans as " + scanNode + " on orders (no index"
        + " on orders.customer_id, 200,000 rows).");
    detail("IMPACT: " + duplicateOrders + " orders were charged twice (" + duplicateAmount
        + " over-charged) by the retrying payment client; the event log shows "
        + retriedEvents + " retried payments.");
    detail("NEXT (for a human; the analyst is read-only): end pid " + blockingPid
        + "; CREATE INDEX CONCURRENTLY ON orders (customer_id, created_at); refund the"
        + " duplicate charges.");
  }

  // ------------------------------------------------------------------ helpers

  private JsonNode exec(LocalControlPlane cp, String operation, @Nullable String statement,
      @Nullable List<?> parameters) throws InterruptedException {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("resourceId", "shop-db");
    p.put("operation", operation);
    if (statement != null) {
      p.put("statement", statement);
    }
    if (parameters != null) {
      p.put("parameters", parameters);
    }
    return result(cp.call("execute", p));
  }

  private static JsonNode result(JsonNode response) {
    if (!response.has("result")) {
      throw new IllegalStateException("request refused: " + reason(response));
    }
    return response.get("result");
  }

  private static String reason(JsonNode response) {
    JsonNode e = response.path("error");
    if (e.isMissingNode()) {
      return "allowed (unexpected)";
    }
    return e.get("code").asInt() + " " + e.get("data").get("reason").asText() + " ("
        + e.get("data").get("detail").asText() + ")";
  }

  private void walkPlan(JsonNode n, List<String> nodes) {
    if (n == null) {
      return;
    }
    if (n.isArray()) {
      n.forEach(x -> walkPlan(x, nodes));
      return;
    }
    if (n.isTextual()) {
      try {
        walkPlan(LocalControlPlane.JSON.readTree(n.asText()), nodes);
      } catch (java.io.IOException e) {
        nodes.add("(unreadable plan)");
      }
      return;
    }
    if (n.has("Plan")) {
      walkPlan(n.get("Plan"), nodes);
      return;
    }
    if (n.has("Node Type")) {
      String node = n.get("Node Type").asText() + (n.has("Relation Name") ? " on "
          + n.get("Relation Name").asText() : "") + (n.has("Plan Rows") ? " (~"
          + n.get("Plan Rows").asText() + " rows)" : "");
      nodes.add(node);
      if (n.get("Node Type").asText().contains("Scan") && n.has("Relation Name")
          && n.get("Relation Name").asText().equals("orders")) {
        scanNode = "a " + n.get("Node Type").asText();
      }
      walkPlan(n.get("Plans"), nodes);
    }
  }

  private static List<JsonNode> first(JsonNode array, int n) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode x : array) {
      if (out.size() == n) {
        break;
      }
      out.add(x);
    }
    return out;
  }

  private static String join(JsonNode array) {
    List<String> s = new ArrayList<>();
    array.forEach(x -> s.add(x.asText()));
    return String.join(", ", s);
  }

  private static String abbreviate(String s, int max) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }

  private void step(String title) {
    step++;
    out.printf(Locale.ROOT, "[%2d/%d %5.1fs] %s%n", step, STEPS, seconds(), title);
  }

  private void detail(String line) {
    out.println("             " + line);
  }

  private double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String config(@Nullable String url, int port) {
    String controlPlane = url == null ? "" : String.join("\n",
        "controlPlane:",
        "  url: " + url,
        "  token: demo-token-not-a-secret",
        "  tenantId: acme-shop",
        "  heartbeatIntervalSeconds: 5");
    return String.join("\n",
        controlPlane,
        "limits: {maxConcurrentRequests: 4, maxQueuedRequests: 16}",
        "resources:",
        "  - id: shop-db",
        "    type: postgres",
        "    name: Shop (checkout) PostgreSQL",
        "    connection: {host: localhost, port: " + port + ", database: " + StoryDatabase.DATABASE
            + ", user: " + StoryDatabase.ANALYST + ", password: " + StoryDatabase.ANALYST_PASSWORD
            + ", sslMode: disable}",
        "    allowedOperations: [query, explain, list_tables, describe_table, activity, locks,"
            + " top_statements]",
        "    maxRowsPerQuery: 50",
        "    statementTimeoutMs: 10000",
        "    poolSize: 3",
        "    allowedTables: [public.customers, public.orders, public.payments, public.inventory]",
        "  - id: checkout-events",
        "    type: mongodb",
        "    name: Checkout event log (MongoDB)",
        "    connection: {uri: \"${EVENTS_MONGO_URI}\", database: " + StoryEvents.DATABASE
            + ", readPreference: secondaryPreferred}",
        "    allowedOperations: [query, list_tables, describe_table]",
        "    maxRowsPerQuery: 50",
        "    statementTimeoutMs: 10000",
        "    blockedColumns: [\"*.password\"]",
        "masking:",
        "  enabled: true",
        "audit: {level: info" + (url == null ? ", output: stderr" : "") + "}",
        "");
  }
}
