package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.TableInfo;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.Redactors;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyInterceptor;
import ai.causeflow.dbaccess.dynamo.DynamoOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;

/**
 * The DynamoDB half of the pipeline: statements validated by {@link DynamoStatements}, items read
 * by {@link DynamoCursor}, schema reads through DescribeTable / DescribeTimeToLive / ListTables.
 * It calls nothing else on the client, and the client it is given carries
 * {@link DynamoDbReadOnlyInterceptor} (checked by the data source), which refuses any other call
 * before it is signed.
 *
 * <p>Thread-safety: thread-safe; one instance per data source.
 */
public final class DynamoBackend implements Backend {
  /** The operations a DynamoDB resource implements. */
  public static final Set<Operation> OPERATIONS = Set.of(Operation.QUERY, Operation.EXPLAIN,
      Operation.LIST_TABLES, Operation.DESCRIBE_TABLE);
  /** Items {@code describe_table} samples to infer the attributes beyond the key. */
  static final int DESCRIBE_SAMPLE = 25;
  private static final int MAX_LIST_PAGES = 100;
  private static final UnaryOperator<String> REDACTOR = Redactors.jsonDocument(keptPaths());

  private final DynamoDbClient client;
  private final DynamoOptions options;
  private final @Nullable AutoCloseable owned;
  private final @Nullable String roleArn;
  private final Map<String, List<String>> keyNames = new ConcurrentHashMap<>();

  /**
   * @param owned what {@link #close()} closes (the clients built from config), or null for a
   *     client the user passed in
   * @param roleArn the role the credentials come from, named in credential errors, or null
   */
  public DynamoBackend(DynamoDbClient client, DynamoOptions options, @Nullable AutoCloseable owned,
      @Nullable String roleArn) {
    this.client = client;
    this.options = options;
    this.owned = owned;
    this.roleArn = roleArn;
  }

  private static Set<String> keptPaths() {
    Set<String> kept = new java.util.HashSet<>();
    for (String call : List.of("GetItem", "Query", "Scan")) {
      for (String f : List.of("TableName", "IndexName", "KeyConditionExpression",
          "FilterExpression", "ProjectionExpression", "Limit", "Select", "ScanIndexForward",
          "ConsistentRead", "Segment", "TotalSegments")) {
        kept.add(call + "." + f);
      }
    }
    return Set.copyOf(kept);
  }

  @Override
  public String type() {
    return "dynamodb";
  }

  @Override
  public Set<Operation> supportedOperations() {
    return OPERATIONS;
  }

  @Override
  public QueryPlan validate(QueryRequest request, Policy policy) {
    return DynamoStatements.parse(request, policy, options);
  }

  @Override
  public RowCursor open(QueryPlan queryPlan, ExecutionContext ctx) {
    if (!(queryPlan instanceof DynamoPlan plan)) {
      throw new DbAccessException(ErrorCode.INTERNAL, "plan was not made by this backend");
    }
    if (plan.operation().equals(Operation.EXPLAIN)) {
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      row.put("plan", Explain.of(plan));
      rows.add(row);
      return new ListCursor(List.of(new Column("plan", "json")), rows);
    }
    return switch (plan.kind()) {
      case LIST_TABLES -> listTables(ctx);
      case DESCRIBE_TABLE -> describe(plan, ctx);
      default -> {
        DynamoCursor c = new DynamoCursor(client, plan, ctx, options, this::keyNamesOf, roleArn);
        ctx.onCancel(c::close);
        yield c.start();
      }
    };
  }

  /** Key attribute names of the plan's table (and index), from a cached DescribeTable. */
  private @Nullable List<String> keyNamesOf(DynamoPlan plan) {
    String table = plan.table();
    if (table == null) {
      return null;
    }
    String cacheKey = plan.index() == null ? table : table + "/" + plan.index();
    List<String> cached = keyNames.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    try {
      var t = client.describeTable(b -> b.tableName(table)).table();
      List<String> names = new ArrayList<>();
      t.keySchema().forEach(k -> names.add(k.attributeName()));
      if (plan.index() != null) {
        List<KeySchemaElement> ix = null;
        for (GlobalSecondaryIndexDescription g : t.globalSecondaryIndexes()) {
          if (g.indexName().equals(plan.index())) {
            ix = g.keySchema();
          }
        }
        for (LocalSecondaryIndexDescription l : t.localSecondaryIndexes()) {
          if (l.indexName().equals(plan.index())) {
            ix = l.keySchema();
          }
        }
        if (ix == null) {
          return null;
        }
        ix.forEach(k -> {
          if (!names.contains(k.attributeName())) {
            names.add(k.attributeName());
          }
        });
      }
      List<String> result = List.copyOf(names);
      keyNames.put(cacheKey, result);
      return result;
    } catch (RuntimeException e) {
      return null; // the continuation key is reported as unavailable; the rows are still good
    }
  }

  private static AwsRequestOverrideConfiguration timeout(ExecutionContext ctx) {
    Duration left = Duration.between(Instant.now(), ctx.deadline());
    if (left.isNegative() || left.isZero()) {
      throw new DbAccessException(ErrorCode.TIMEOUT, "ran out of time");
    }
    return AwsRequestOverrideConfiguration.builder().apiCallTimeout(left).build();
  }

  private RowCursor listTables(ExecutionContext ctx) {
    Policy policy = ctx.policy();
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    String start = null;
    int pages = 0;
    do {
      String from = start;
      ListTablesResponse r;
      try {
        r = client.listTables(b -> b.exclusiveStartTableName(from).limit(100)
            .overrideConfiguration(timeout(ctx)));
      } catch (RuntimeException e) {
        throw AwsErrors.map(e, "ListTables", roleArn);
      }
      for (String name : r.tableNames()) {
        if (policy.isTableAllowed(name)) {
          rows.add(new TableInfo(null, name, "table", null).toRow());
        }
        if (rows.size() >= ctx.maxRowsToRead()) {
          break;
        }
      }
      start = r.lastEvaluatedTableName();
      pages++;
    } while (start != null && pages < MAX_LIST_PAGES && rows.size() < ctx.maxRowsToRead());
    return new ListCursor(TableInfo.COLUMNS, rows);
  }

  private RowCursor describe(DynamoPlan plan, ExecutionContext ctx) {
    String table = plan.requireTable();
    Policy policy = ctx.policy();
    software.amazon.awssdk.services.dynamodb.model.TableDescription t;
    try {
      t = client.describeTable(b -> b.tableName(table).overrideConfiguration(timeout(ctx)))
          .table();
    } catch (RuntimeException e) {
      throw AwsErrors.map(e, "DescribeTable on table '" + table + "'", roleArn);
    }
    Map<String, String> types = new LinkedHashMap<>();
    for (AttributeDefinition a : t.attributeDefinitions()) {
      types.put(a.attributeName(), a.attributeTypeAsString());
    }
    List<String> primaryKey = keys(t.keySchema());
    List<TableDescription.Field> fields = new ArrayList<>();
    for (Map.Entry<String, String> a : types.entrySet()) {
      Map<String, @Nullable Object> d = new LinkedHashMap<>();
      int pk = primaryKey.indexOf(a.getKey());
      if (pk >= 0) {
        d.put("key", pk == 0 ? "partition" : "sort");
      }
      fields.add(new TableDescription.Field(a.getKey(), a.getValue(), pk >= 0 ? false : null,
          null, policy.isColumnBlocked(table + "." + a.getKey()), d));
    }
    inferFromSample(table, ctx, types.keySet(), fields, policy);
    List<TableDescription.Index> indexes = new ArrayList<>();
    for (GlobalSecondaryIndexDescription g : t.globalSecondaryIndexes()) {
      if (!policy.isTableAllowed(table + "." + g.indexName())) {
        continue;
      }
      Map<String, @Nullable Object> d = new LinkedHashMap<>();
      d.put("type", "global");
      projection(d, g.projection());
      d.put("status", g.indexStatusAsString());
      d.put("item_count", g.itemCount());
      d.put("size_bytes", g.indexSizeBytes());
      d.put("provisioned_throughput", throughput(g.provisionedThroughput()));
      indexes.add(new TableDescription.Index(g.indexName(), keys(g.keySchema()), false, d));
    }
    for (LocalSecondaryIndexDescription l : t.localSecondaryIndexes()) {
      if (!policy.isTableAllowed(table + "." + l.indexName())) {
        continue;
      }
      Map<String, @Nullable Object> d = new LinkedHashMap<>();
      d.put("type", "local");
      projection(d, l.projection());
      d.put("item_count", l.itemCount());
      d.put("size_bytes", l.indexSizeBytes());
      indexes.add(new TableDescription.Index(l.indexName(), keys(l.keySchema()), false, d));
    }
    Map<String, @Nullable Object> details = new LinkedHashMap<>();
    details.put("status", t.tableStatusAsString());
    String billing = t.billingModeSummary() == null ? "PROVISIONED"
        : t.billingModeSummary().billingModeAsString();
    details.put("billing_mode", billing == null ? "PROVISIONED" : billing);
    details.put("provisioned_throughput", throughput(t.provisionedThroughput()));
    if (t.onDemandThroughput() != null) {
      Map<String, @Nullable Object> od = new LinkedHashMap<>();
      od.put("max_read_request_units", t.onDemandThroughput().maxReadRequestUnits());
      od.put("max_write_request_units", t.onDemandThroughput().maxWriteRequestUnits());
      details.put("on_demand_throughput", od);
    }
    details.put("item_count", t.itemCount());
    details.put("size_bytes", t.tableSizeBytes());
    details.put("created", t.creationDateTime());
    Map<String, @Nullable Object> stream = new LinkedHashMap<>();
    boolean streamOn = t.streamSpecification() != null
        && Boolean.TRUE.equals(t.streamSpecification().streamEnabled());
    stream.put("enabled", streamOn);
    stream.put("view_type", streamOn ? t.streamSpecification().streamViewTypeAsString() : null);
    details.put("stream", stream);
    details.put("ttl", ttl(table, ctx));
    details.put("deletion_protection", t.deletionProtectionEnabled());
    details.put("table_class", t.tableClassSummary() == null ? null
        : t.tableClassSummary().tableClassAsString());
    TableDescription desc = new TableDescription(null, table, "table", t.itemCount(), fields,
        primaryKey, indexes, details);
    List<Column> cols = new ArrayList<>(TableDescription.COLUMNS);
    for (String k : details.keySet()) {
      cols.add(new Column(k, "json"));
    }
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    rows.add(desc.toRow());
    return new ListCursor(cols, rows);
  }

  /**
   * Attributes beyond the key, inferred from one small page of items: name, the types seen and
   * how often. Values are never kept. A failed sample leaves the key attributes only.
   */
  private void inferFromSample(String table, ExecutionContext ctx, Set<String> known,
      List<TableDescription.Field> fields, Policy policy) {
    List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items;
    try {
      items = client.scan(b -> b.tableName(table).limit(DESCRIBE_SAMPLE)
          .overrideConfiguration(timeout(ctx))).items();
    } catch (DbAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      return;
    }
    if (items.isEmpty()) {
      return;
    }
    Map<String, java.util.TreeSet<String>> seenTypes = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (var item : items) {
      for (var e : item.entrySet()) {
        if (known.contains(e.getKey())) {
          continue;
        }
        seenTypes.computeIfAbsent(e.getKey(), k -> new java.util.TreeSet<>())
            .add(e.getValue().type().toString());
        counts.merge(e.getKey(), 1, Integer::sum);
      }
    }
    for (Map.Entry<String, java.util.TreeSet<String>> e : seenTypes.entrySet()) {
      int n = counts.getOrDefault(e.getKey(), 0);
      fields.add(new TableDescription.Field(e.getKey(), String.join("|", e.getValue()),
          n < items.size() ? true : null, n / (double) items.size(),
          policy.isColumnBlocked(table + "." + e.getKey()), Map.of("sampled_items",
              items.size())));
    }
  }

  private Map<String, @Nullable Object> ttl(String table, ExecutionContext ctx) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    try {
      TimeToLiveDescription d = client.describeTimeToLive(b -> b.tableName(table)
          .overrideConfiguration(timeout(ctx))).timeToLiveDescription();
      m.put("status", d == null ? "DISABLED" : d.timeToLiveStatusAsString());
      m.put("attribute", d == null ? null : d.attributeName());
    } catch (DbAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      // DescribeTimeToLive is a separate permission and not every DynamoDB-compatible server has
      // it: the table is still described.
      m.put("status", "unknown");
      m.put("attribute", null);
    }
    return m;
  }

  private static void projection(Map<String, @Nullable Object> d, @Nullable Projection p) {
    if (p != null) {
      d.put("projection", p.projectionTypeAsString());
      if (p.hasNonKeyAttributes()) {
        d.put("projected_attributes", List.copyOf(p.nonKeyAttributes()));
      }
    }
  }

  private static @Nullable Map<String, @Nullable Object> throughput(
      @Nullable ProvisionedThroughputDescription p) {
    if (p == null) {
      return null;
    }
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("read_capacity_units", p.readCapacityUnits());
    m.put("write_capacity_units", p.writeCapacityUnits());
    m.put("last_increase", p.lastIncreaseDateTime());
    m.put("last_decrease", p.lastDecreaseDateTime());
    return m;
  }

  private static List<String> keys(List<KeySchemaElement> schema) {
    List<String> out = new ArrayList<>();
    for (KeySchemaElement k : schema) {
      if ("HASH".equals(k.keyTypeAsString())) {
        out.add(0, k.attributeName());
      } else {
        out.add(k.attributeName());
      }
    }
    return out;
  }

  @Override
  public HealthStatus health(Duration timeout) {
    long start = System.nanoTime();
    try {
      client.listTables(b -> b.limit(1).overrideConfiguration(
          AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).build()));
      return HealthStatus.up((System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      DbAccessException d = AwsErrors.map(e, "health check (ListTables)", roleArn);
      if (d.code() == ErrorCode.TIMEOUT) {
        d = new DbAccessException(ErrorCode.CONNECTION_FAILED, "health check (ListTables): no"
            + " answer within " + timeout.toMillis() + " ms");
      }
      return HealthStatus.down((System.nanoTime() - start) / 1_000_000, d.code(), d.getMessage());
    }
  }

  @Override
  public String redactLiterals(String statement) {
    return REDACTOR.apply(statement);
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception ignored) {
        // closing HTTP clients; nothing to report
      }
    }
  }

  /** Rows already in memory (schema reads). */
  private static final class ListCursor implements RowCursor {
    private final List<Column> columns;
    private final Iterator<Map<String, @Nullable Object>> rows;

    ListCursor(List<Column> columns, List<Map<String, @Nullable Object>> rows) {
      this.columns = columns;
      this.rows = rows.iterator();
    }

    @Override
    public List<Column> columns() {
      return columns;
    }

    @Override
    public @Nullable Map<String, @Nullable Object> next() {
      return rows.hasNext() ? rows.next() : null;
    }

    @Override
    public void close() {}
  }
}
