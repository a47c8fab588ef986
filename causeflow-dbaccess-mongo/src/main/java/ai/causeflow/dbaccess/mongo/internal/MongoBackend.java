package ai.causeflow.dbaccess.mongo.internal;

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
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.mongo.MongoOperations;
import ai.causeflow.dbaccess.mongo.MongoOptions;
import com.mongodb.ReadPreference;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationAlternate;
import com.mongodb.client.model.CollationCaseFirst;
import com.mongodb.client.model.CollationMaxVariable;
import com.mongodb.client.model.CollationStrength;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.codecs.configuration.CodecRegistries;
import org.jspecify.annotations.Nullable;

/**
 * The MongoDB half of the pipeline: command validation ({@link CommandParser},
 * {@link CommandValidator}), execution through the driver's typed API with {@code maxTimeMS},
 * {@code comment} = request id, {@code limit + 1} and the configured read preference and concern,
 * schema reads and DBA reads from fixed commands.
 *
 * <p>Thread-safety: thread-safe; one instance per data source.
 */
public final class MongoBackend implements Backend {
  private static final int MAX_SCHEMA_PATHS = 1_000;
  /** The audit keeps a command's shape and which collection it read, never a value. */
  private static final java.util.function.UnaryOperator<String> REDACTOR =
      ai.causeflow.dbaccess.core.spi.Redactors.jsonDocument(Set.of("find", "aggregate", "count",
          "distinct", "key"));
  private static final int MAX_SCHEMA_DEPTH = 20;

  private final MongoClient client;
  private final boolean ownsClient;
  private final String databaseName;
  private final MongoDatabase database;
  private final MongoOptions options;
  private final ReadPreference readPreference;
  private volatile @Nullable Policy rulesPolicy;
  private volatile FieldRules rules = FieldRules.of(List.of());

  /**
   * @param ownsClient whether {@link #close()} closes {@code client} (only for a client built from
   *     configuration; never the user's)
   */
  public MongoBackend(MongoClient client, boolean ownsClient, String databaseName,
      MongoOptions options) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.databaseName = databaseName;
    this.options = options;
    MongoDatabase db = client.getDatabase(databaseName);
    if (options.readPreference() != null) {
      db = db.withReadPreference(options.readPreference());
    }
    if (options.readConcern() != null) {
      db = db.withReadConcern(options.readConcern());
    }
    this.database = db;
    this.readPreference = db.getReadPreference();
  }

  @Override
  public String type() {
    return "mongodb";
  }

  @Override
  public Set<Operation> supportedOperations() {
    return MongoOperations.ALL;
  }

  private FieldRules rules(Policy policy) {
    if (rulesPolicy != policy) {
      FieldRules r = FieldRules.of(policy.blockedColumns());
      rules = r;
      rulesPolicy = policy;
      return r;
    }
    return rules;
  }

  @Override
  public QueryPlan validate(QueryRequest request, Policy policy) {
    Operation op = request.operation();
    if (op.equals(Operation.QUERY) || op.equals(Operation.EXPLAIN)) {
      BsonDocument cmd = CommandParser.parse(request.statement(), request.parameters());
      CommandValidator.Result r = CommandValidator.validate(cmd, policy, rules(policy));
      return new MongoPlan(request, r.command(), cmd, r.collection(), r.collections());
    }
    noParameters(request);
    if (op.equals(Operation.DESCRIBE_TABLE) || op.equals(MongoOperations.COLLECTION_STATS)
        || op.equals(MongoOperations.INDEX_STATS)) {
      String coll = collectionName(request.statement(), op);
      return new MongoPlan(request, null, null, coll, Set.of(coll));
    }
    if (op.equals(Operation.LIST_TABLES) || op.equals(MongoOperations.CURRENT_OPS)
        || op.equals(MongoOperations.SERVER_STATUS)) {
      if (!request.statement().isBlank()) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS, "statement: operation '" + op
            + "' takes no statement");
      }
      return new MongoPlan(request, null, null, null, Set.of());
    }
    throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED, "operation '" + op
        + "' is not supported by a mongodb resource");
  }

  private static String collectionName(String statement, Operation op) {
    String s = statement.trim();
    if (s.isEmpty()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "statement: operation '" + op
          + "' needs a collection name");
    }
    // the same name rules as in a command document (system collections, '$', NUL, dots)
    BsonDocument probe = new BsonDocument("count", new BsonString(s));
    CommandValidator.validate(probe, Policy.defaults(), FieldRules.of(List.of()));
    return s;
  }

  private static void noParameters(QueryRequest request) {
    if (!request.parameters().isEmpty()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: operation '"
          + request.operation() + "' takes no parameters");
    }
  }

  @Override
  public RowCursor open(QueryPlan queryPlan, ExecutionContext ctx) {
    if (!(queryPlan instanceof MongoPlan plan)) {
      throw new DbAccessException(ErrorCode.INTERNAL, "plan was not made by this backend");
    }
    Operation op = plan.operation();
    FieldRules r = rules(ctx.policy());
    if (op.equals(Operation.QUERY)) {
      BsonDocument cmd = require(plan.command());
      String coll = require(plan.collection());
      return switch (require(plan.kind())) {
        case FIND -> find(cmd, coll, ctx, r);
        case AGGREGATE -> aggregate(cmd, coll, ctx, r);
        case COUNT -> count(cmd, coll, ctx);
        case DISTINCT -> distinct(cmd, coll, ctx, r);
      };
    }
    if (op.equals(Operation.EXPLAIN)) {
      return explain(require(plan.command()), require(plan.kind()), ctx);
    }
    if (op.equals(Operation.LIST_TABLES)) {
      return rows(ctx, "list_tables", () -> listCollections(ctx), TableInfo.COLUMNS);
    }
    if (op.equals(Operation.DESCRIBE_TABLE)) {
      String coll = require(plan.collection());
      List<Column> cols = new ArrayList<>(TableDescription.COLUMNS);
      cols.add(new Column("sample_size", "int"));
      return rows(ctx, "describe_table", () -> describe(coll, ctx, r), cols);
    }
    return DbaReads.open(this, op, plan.collection(), ctx);
  }

  private static <T> T require(@Nullable T v) {
    if (v == null) {
      throw new DbAccessException(ErrorCode.INTERNAL, "incomplete plan");
    }
    return v;
  }

  MongoDatabase database() {
    return database;
  }

  MongoDatabase admin() {
    return client.getDatabase("admin").withReadPreference(readPreference);
  }

  String databaseName() {
    return databaseName;
  }

  int currentOpMinSeconds() {
    return options.currentOpMinSeconds();
  }

  ReadPreference readPreference() {
    return readPreference;
  }

  /**
   * What is left of the statement timeout, for {@code maxTimeMS}. The deadline comes from the data
   * source's (injectable) clock; when it does not look like wall time (a fixed test clock), the
   * whole timeout is used.
   */
  static long remainingMillis(ExecutionContext ctx) {
    long timeout = Math.max(1, ctx.timeout().toMillis());
    long ms = Duration.between(Instant.now(), ctx.deadline()).toMillis();
    return ms <= 0 || ms > timeout ? timeout : ms;
  }

  private MongoCollection<BsonValues.Row> collection(String name, BsonValues codec) {
    return database.getCollection(name, BsonValues.Row.class)
        .withCodecRegistry(CodecRegistries.fromCodecs(codec));
  }

  private RowCursor find(BsonDocument cmd, String coll, ExecutionContext ctx, FieldRules r) {
    BsonValues codec = new BsonValues(r, coll);
    int max = ctx.maxRowsToRead();
    long userLimit = cmd.containsKey("limit") ? cmd.getNumber("limit").longValue() : 0;
    int limit = userLimit == 0 ? max : (int) Math.min(userLimit, max);
    int batch = Math.max(1, Math.min(limit, options.batchSize()));
    FindIterable<BsonValues.Row> it = collection(coll, codec)
        .find(cmd.containsKey("filter") ? cmd.getDocument("filter") : new BsonDocument())
        .limit(limit)
        .batchSize(batch)
        .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)
        .comment(ctx.requestId());
    if (cmd.containsKey("projection")) {
      it = it.projection(cmd.getDocument("projection"));
    }
    if (cmd.containsKey("sort")) {
      it = it.sort(cmd.getDocument("sort"));
    }
    if (cmd.containsKey("skip")) {
      it = it.skip((int) Math.min(Integer.MAX_VALUE, cmd.getNumber("skip").longValue()));
    }
    if (cmd.containsKey("hint")) {
      BsonValue h = cmd.get("hint");
      it = h.isString() ? it.hintString(h.asString().getValue()) : it.hint(h.asDocument());
    }
    if (cmd.containsKey("collation")) {
      it = it.collation(collation(cmd.getDocument("collation")));
    }
    FindIterable<BsonValues.Row> run = it;
    return new DocumentCursor(ctx, new DriverBatches(run::iterator, batch), "find",
        () -> columns(codec, coll));
  }

  private RowCursor aggregate(BsonDocument cmd, String coll, ExecutionContext ctx, FieldRules r) {
    BsonValues codec = new BsonValues(r, coll);
    int max = ctx.maxRowsToRead();
    int batch = Math.max(1, Math.min(max, options.batchSize()));
    List<BsonDocument> pipeline = new ArrayList<>();
    for (BsonValue stage : cmd.getArray("pipeline")) {
      pipeline.add(stage.asDocument());
    }
    pipeline.add(new BsonDocument("$limit", new BsonInt32(max)));
    AggregateIterable<BsonValues.Row> it = collection(coll, codec).aggregate(pipeline)
        .allowDiskUse(options.allowDiskUse())
        .batchSize(batch)
        .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)
        .comment(ctx.requestId());
    if (cmd.containsKey("hint")) {
      BsonValue h = cmd.get("hint");
      it = h.isString() ? it.hintString(h.asString().getValue()) : it.hint(h.asDocument());
    }
    if (cmd.containsKey("collation")) {
      it = it.collation(collation(cmd.getDocument("collation")));
    }
    AggregateIterable<BsonValues.Row> run = it;
    return new DocumentCursor(ctx, new DriverBatches(run::iterator, batch), "aggregate",
        () -> columns(codec, coll));
  }

  private static List<Column> columns(BsonValues codec, String coll) {
    List<Column> cols = new ArrayList<>();
    codec.types().forEach((name, type) -> cols.add(new Column(name, type, coll)));
    codec.freezeTypes();
    return cols;
  }

  private RowCursor count(BsonDocument cmd, String coll, ExecutionContext ctx) {
    BsonDocument c = new BsonDocument("count", new BsonString(coll));
    for (String k : List.of("query", "limit", "skip", "hint", "collation")) {
      if (cmd.containsKey(k)) {
        c.put(k, cmd.get(k));
      }
    }
    return rows(ctx, "count", () -> {
      BsonDocument reply = command(database, c, ctx);
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      BsonValue n = reply.get("n", new BsonInt64(0));
      row.put("count", n.isNumber() ? (Object) n.asNumber().longValue() : BsonValues.convert(n));
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      rows.add(row);
      return rows;
    }, List.of(new Column("count", "long", coll)));
  }

  private RowCursor distinct(BsonDocument cmd, String coll, ExecutionContext ctx, FieldRules r) {
    BsonDocument c = new BsonDocument("distinct", new BsonString(coll));
    for (String k : List.of("key", "query", "collation")) {
      if (cmd.containsKey(k)) {
        c.put(k, cmd.get(k));
      }
    }
    String key = cmd.getString("key").getValue();
    return rows(ctx, "distinct", () -> {
      BsonDocument reply = command(database, c, ctx);
      BsonValues codec = new BsonValues(r, coll);
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      for (BsonValue v : reply.getArray("values", new BsonArray())) {
        Map<String, @Nullable Object> row = new LinkedHashMap<>();
        row.put("value", codec.convertField(key, v));
        rows.add(row);
      }
      return rows;
    }, List.of(new Column("value", "any", coll)));
  }

  private RowCursor explain(BsonDocument cmd, CommandValidator.Command kind, ExecutionContext ctx) {
    BsonDocument inner = cmd.clone();
    if (kind == CommandValidator.Command.AGGREGATE && !inner.containsKey("cursor")) {
      inner.put("cursor", new BsonDocument());
    }
    BsonDocument c = new BsonDocument("explain", inner)
        .append("verbosity", new BsonString("queryPlanner"));
    return rows(ctx, "explain", () -> {
      BsonDocument reply = command(database, c, ctx);
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      for (String k : List.of("explainVersion", "queryPlanner", "stages", "shards")) {
        if (reply.containsKey(k)) {
          row.put(k, BsonValues.convert(reply.get(k)));
        }
      }
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      rows.add(row);
      return rows;
    }, List.of(new Column("queryPlanner", "object")));
  }

  /** Runs a fixed command with maxTimeMS and the request id as comment; the reply or a coded error. */
  BsonDocument command(MongoDatabase db, BsonDocument cmd, ExecutionContext ctx) {
    BsonDocument c = cmd.clone();
    c.put("maxTimeMS", new BsonInt64(remainingMillis(ctx)));
    c.put("comment", new BsonString(ctx.requestId()));
    if (options.readConcern() != null && !options.readConcern().isServerDefault()) {
      c.put("readConcern", options.readConcern().asDocument());
    }
    return db.runCommand(c, readPreference, BsonDocument.class);
  }

  /** Rows computed by one command on the fetch thread, cancellable like any cursor. */
  RowCursor rows(ExecutionContext ctx, String doing,
      java.util.function.Supplier<List<Map<String, @Nullable Object>>> run, List<Column> cols) {
    return new DocumentCursor(ctx, new ListBatches(run), doing, () -> cols);
  }

  private List<Map<String, @Nullable Object>> listCollections(ExecutionContext ctx) {
    Policy policy = ctx.policy();
    TreeMap<String, String> names = new TreeMap<>();
    for (BsonDocument d : database.listCollections(BsonDocument.class)
        .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)) {
      String name = d.getString("name", new BsonString("")).getValue();
      String kind = d.getString("type", new BsonString("collection")).getValue();
      if (name.isEmpty() || name.startsWith("system.") || !policy.isTableAllowed(name)) {
        continue;
      }
      names.put(name, kind);
    }
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      rows.add(new TableInfo(null, e.getKey(), e.getValue(),
          e.getValue().equals("collection") ? estimatedCount(e.getKey(), ctx) : null).toRow());
    }
    return rows;
  }

  private Long estimatedCount(String coll, ExecutionContext ctx) {
    return database.getCollection(coll).estimatedDocumentCount(
        new EstimatedDocumentCountOptions().maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)
            .comment(ctx.requestId()));
  }

  private List<Map<String, @Nullable Object>> describe(String coll, ExecutionContext ctx,
      FieldRules r) {
    BsonDocument info = null;
    for (BsonDocument d : database.listCollections(BsonDocument.class)
        .filter(new BsonDocument("name", new BsonString(coll)))
        .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)) {
      info = d;
    }
    if (info == null) {
      throw new DbAccessException(ErrorCode.QUERY_FAILED, "describe_table: collection '" + coll
          + "' does not exist or is not visible to the database user", "26");
    }
    String kind = info.getString("type", new BsonString("collection")).getValue();
    boolean collection = kind.equals("collection");
    List<BsonDocument> sample = sample(coll, ctx);
    List<TableDescription.Field> fields = SchemaSampler.infer(sample, coll, r, MAX_SCHEMA_PATHS,
        MAX_SCHEMA_DEPTH);
    List<TableDescription.Index> indexes = new ArrayList<>();
    if (collection) {
      for (BsonDocument ix : database.getCollection(coll).listIndexes(BsonDocument.class)
          .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)) {
        BsonDocument key = ix.getDocument("key", new BsonDocument());
        Map<String, @Nullable Object> details = new LinkedHashMap<>();
        details.put("key", BsonValues.convert(key));
        details.put("sparse", ix.getBoolean("sparse", BsonBoolean.FALSE).getValue());
        // the filter expression holds literals: only whether there is one
        details.put("partial", ix.containsKey("partialFilterExpression"));
        details.put("ttl_seconds", ix.containsKey("expireAfterSeconds")
            ? BsonValues.convert(ix.get("expireAfterSeconds")) : null);
        indexes.add(new TableDescription.Index(ix.getString("name", new BsonString(""))
            .getValue(), List.copyOf(key.keySet()), ix.getBoolean("unique", BsonBoolean.FALSE)
            .getValue() || key.keySet().equals(Set.of("_id")), details));
      }
    }
    Map<String, @Nullable Object> details = new LinkedHashMap<>();
    details.put("sample_size", sample.size());
    TableDescription d = new TableDescription(null, coll, kind,
        collection ? estimatedCount(coll, ctx) : null, fields,
        collection ? List.of("_id") : List.of(), indexes, details);
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    rows.add(d.toRow());
    return rows;
  }

  private List<BsonDocument> sample(String coll, ExecutionContext ctx) {
    MongoCollection<BsonDocument> c = database.getCollection(coll, BsonDocument.class);
    int n = options.sampleSize();
    List<BsonDocument> out = new ArrayList<>();
    try {
      c.aggregate(List.of(new BsonDocument("$sample", new BsonDocument("size", new BsonInt32(n)))))
          .maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS).comment(ctx.requestId())
          .into(out);
      return out;
    } catch (com.mongodb.MongoCommandException e) {
      if (e.getCode() == 50 || e.getCode() == 13) {
        throw e; // out of time, or not allowed: the plain read would fail the same way
      }
    }
    // servers without a working $sample (mongo-java-server's fails now and then: its random
    // ordering breaks Java's sort contract): the first documents in natural order
    out.clear();
    c.find().limit(n).maxTime(remainingMillis(ctx), TimeUnit.MILLISECONDS)
        .comment(ctx.requestId()).into(out);
    return out;
  }

  static Collation collation(BsonDocument d) {
    Collation.Builder b = Collation.builder().locale(d.getString("locale").getValue());
    try {
      if (d.containsKey("caseLevel")) {
        b.caseLevel(d.getBoolean("caseLevel").getValue());
      }
      if (d.containsKey("caseFirst")) {
        b.collationCaseFirst(CollationCaseFirst.fromString(d.getString("caseFirst").getValue()));
      }
      if (d.containsKey("strength")) {
        b.collationStrength(CollationStrength.fromInt(d.getNumber("strength").intValue()));
      }
      if (d.containsKey("numericOrdering")) {
        b.numericOrdering(d.getBoolean("numericOrdering").getValue());
      }
      if (d.containsKey("alternate")) {
        b.collationAlternate(CollationAlternate.fromString(d.getString("alternate").getValue()));
      }
      if (d.containsKey("maxVariable")) {
        b.collationMaxVariable(CollationMaxVariable.fromString(
            d.getString("maxVariable").getValue()));
      }
      if (d.containsKey("backwards")) {
        b.backwards(d.getBoolean("backwards").getValue());
      }
      if (d.containsKey("normalization")) {
        b.normalization(d.getBoolean("normalization").getValue());
      }
    } catch (RuntimeException e) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED, "collation: a field has the wrong"
          + " type or an unknown value");
    }
    return b.build();
  }

  @Override
  public HealthStatus health(Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<BsonDocument> f = CompletableFuture.supplyAsync(
        () -> database.runCommand(new BsonDocument("ping", new BsonInt32(1)), readPreference,
            BsonDocument.class), DocumentCursor.FETCH);
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return HealthStatus.up((System.nanoTime() - start) / 1_000_000);
    } catch (TimeoutException e) {
      f.cancel(false);
      return HealthStatus.down((System.nanoTime() - start) / 1_000_000,
          ErrorCode.CONNECTION_FAILED, "no answer to ping within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthStatus.down(0, ErrorCode.CANCELLED, "interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      DbAccessException d = c instanceof RuntimeException re ? MongoErrors.map(re, "ping")
          : new DbAccessException(ErrorCode.INTERNAL, "ping failed");
      return HealthStatus.down((System.nanoTime() - start) / 1_000_000, d.code(),
          d.getMessage());
    }
  }

  @Override
  public String redactLiterals(String statement) {
    return REDACTOR.apply(statement);
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
