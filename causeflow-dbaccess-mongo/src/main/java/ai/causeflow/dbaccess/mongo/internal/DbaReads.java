package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.mongo.MongoOperations;
import com.mongodb.MongoCommandException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The built-in DBA reads: fixed commands, results reduced to what an incident needs, statement
 * text of other operations redacted to its shape, everything masked by the pipeline afterwards.
 *
 * <p>Thread-safety: stateless.
 */
final class DbaReads {
  private DbaReads() {}

  static RowCursor open(MongoBackend b, Operation op, @Nullable String coll, ExecutionContext ctx) {
    if (op.equals(MongoOperations.COLLECTION_STATS)) {
      String c = require(coll);
      return b.rows(ctx, "collection_stats", () -> collectionStats(b, c, ctx), List.of(
          new Column("name", "string"), new Column("count", "long"), new Column("size", "long"),
          new Column("avg_obj_size", "long"), new Column("storage_size", "long"),
          new Column("total_index_size", "long"), new Column("index_count", "int"),
          new Column("index_sizes", "object")));
    }
    if (op.equals(MongoOperations.INDEX_STATS)) {
      String c = require(coll);
      return b.rows(ctx, "index_stats", () -> indexStats(b, c, ctx), List.of(
          new Column("name", "string"), new Column("key", "object"), new Column("ops", "long"),
          new Column("since", "date"), new Column("unused", "bool")));
    }
    if (op.equals(MongoOperations.CURRENT_OPS)) {
      return b.rows(ctx, "current_ops", () -> currentOps(b, ctx), List.of(
          new Column("opid", "any"), new Column("op", "string"), new Column("collection", "string"),
          new Column("secs_running", "long"), new Column("microsecs_running", "long"),
          new Column("waiting_for_lock", "bool"), new Column("plan_summary", "string"),
          new Column("app_name", "string"), new Column("command", "object")));
    }
    if (op.equals(MongoOperations.SERVER_STATUS)) {
      return b.rows(ctx, "server_status", () -> serverStatus(b, ctx), List.of(
          new Column("version", "string"), new Column("uptime_seconds", "long"),
          new Column("connections", "object"), new Column("opcounters", "object"),
          new Column("memory_mb", "object"), new Column("replication", "object"),
          new Column("queued", "object")));
    }
    throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED, "operation '" + op
        + "' is not supported by a mongodb resource");
  }

  private static String require(@Nullable String coll) {
    if (coll == null) {
      throw new DbAccessException(ErrorCode.INTERNAL, "incomplete plan");
    }
    return coll;
  }

  private static List<Map<String, @Nullable Object>> one(Map<String, @Nullable Object> row) {
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    rows.add(row);
    return rows;
  }

  private static @Nullable Object get(BsonDocument d, String key) {
    BsonValue v = d.get(key);
    return v == null ? null : BsonValues.convert(v);
  }

  private static List<Map<String, @Nullable Object>> collectionStats(MongoBackend b, String coll,
      ExecutionContext ctx) {
    BsonDocument r = b.command(b.database(), new BsonDocument("collStats", new BsonString(coll)),
        ctx);
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("name", coll);
    row.put("count", get(r, "count"));
    row.put("size", get(r, "size"));
    row.put("avg_obj_size", get(r, "avgObjSize"));
    row.put("storage_size", get(r, "storageSize"));
    row.put("total_index_size", get(r, "totalIndexSize"));
    row.put("index_count", get(r, "nindexes"));
    row.put("index_sizes", get(r, "indexSizes"));
    return one(row);
  }

  private static List<Map<String, @Nullable Object>> indexStats(MongoBackend b, String coll,
      ExecutionContext ctx) {
    List<BsonDocument> stats = new ArrayList<>();
    b.database().getCollection(coll, BsonDocument.class)
        .aggregate(List.of(new BsonDocument("$indexStats", new BsonDocument())))
        .maxTime(MongoBackend.remainingMillis(ctx), TimeUnit.MILLISECONDS)
        .comment(ctx.requestId())
        .into(stats);
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    for (BsonDocument s : stats) {
      BsonDocument acc = s.getDocument("accesses", new BsonDocument());
      Object ops = get(acc, "ops");
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      row.put("name", get(s, "name"));
      row.put("key", get(s, "key"));
      row.put("ops", ops);
      row.put("since", get(acc, "since"));
      row.put("unused", ops instanceof Number n && n.longValue() == 0);
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, @Nullable Object>> currentOps(MongoBackend b,
      ExecutionContext ctx) {
    String db = b.databaseName();
    BsonDocument cmd = new BsonDocument("currentOp", new BsonInt32(1))
        .append("active", org.bson.BsonBoolean.TRUE)
        .append("ns", new BsonDocument("$regex", new BsonString("^" + regexQuote(db) + "\\.")));
    if (b.currentOpMinSeconds() > 0) {
      cmd.append("secs_running", new BsonDocument("$gte", new BsonInt32(b.currentOpMinSeconds())));
    }
    BsonDocument r = b.command(b.admin(), cmd, ctx);
    Policy policy = ctx.policy();
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    for (BsonValue v : r.getArray("inprog", new BsonArray())) {
      if (!v.isDocument()) {
        continue;
      }
      BsonDocument op = v.asDocument();
      String ns = op.getString("ns", new BsonString("")).getValue();
      if (!ns.startsWith(db + ".")) {
        continue;
      }
      String coll = ns.substring(db.length() + 1);
      if (!coll.equals("$cmd") && (coll.startsWith("system.") || !policy.isTableAllowed(coll))) {
        continue;
      }
      Object secs = get(op, "secs_running");
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      row.put("opid", get(op, "opid"));
      row.put("op", get(op, "op"));
      row.put("collection", coll);
      row.put("secs_running", secs);
      row.put("microsecs_running", get(op, "microsecs_running"));
      row.put("waiting_for_lock", op.getBoolean("waitingForLock",
          org.bson.BsonBoolean.FALSE).getValue());
      row.put("plan_summary", get(op, "planSummary"));
      row.put("app_name", get(op, "appName"));
      row.put("command", op.containsKey("command") ? redact(op.get("command"), 0) : null);
      rows.add(row);
    }
    return rows;
  }

  /** Keys and shape of another operation's command; values replaced (they are other users' data). */
  static @Nullable Object redact(BsonValue v, int depth) {
    if (depth > 20) {
      return "?";
    }
    if (v.isDocument()) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      boolean first = true;
      for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
        BsonValue x = e.getValue();
        // the command name's value is the collection; comments are ours (request ids) or free text
        if (first && depth == 0 && x.isString()) {
          m.put(e.getKey(), x.asString().getValue());
        } else {
          m.put(e.getKey(), redact(x, depth + 1));
        }
        first = false;
      }
      return m;
    }
    if (v.isArray()) {
      List<@Nullable Object> l = new ArrayList<>();
      for (BsonValue x : v.asArray()) {
        l.add(redact(x, depth + 1));
      }
      return l;
    }
    if (v.isString() && v.asString().getValue().startsWith("$")) {
      return v.asString().getValue();
    }
    return v.isNull() || v.isBoolean() ? BsonValues.convert(v) : "?";
  }

  private static String regexQuote(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static List<Map<String, @Nullable Object>> serverStatus(MongoBackend b,
      ExecutionContext ctx) {
    BsonDocument r;
    try {
      r = b.command(b.admin(), new BsonDocument("serverStatus", new BsonInt32(1)), ctx);
    } catch (MongoCommandException e) {
      throw MongoErrors.map(e, "server_status");
    }
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("version", get(r, "version"));
    row.put("uptime_seconds", get(r, "uptime"));
    row.put("connections", pick(r, "connections", "current", "available", "totalCreated",
        "active"));
    row.put("opcounters", pick(r, "opcounters", "insert", "query", "update", "delete", "getmore",
        "command"));
    row.put("memory_mb", pick(r, "mem", "resident", "virtual"));
    row.put("replication", pick(r, "repl", "setName", "isWritablePrimary", "ismaster",
        "secondary", "primary"));
    BsonDocument lock = r.getDocument("globalLock", new BsonDocument());
    row.put("queued", pick(lock, "currentQueue", "total", "readers", "writers"));
    if (row.values().stream().allMatch(x -> x == null)) {
      throw MongoErrors.unsupported("server_status", "59", null);
    }
    return one(row);
  }

  private static @Nullable Map<String, @Nullable Object> pick(BsonDocument r, String section,
      String... keys) {
    BsonValue s = r.get(section);
    if (s == null || !s.isDocument()) {
      return null;
    }
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    for (String k : keys) {
      if (s.asDocument().containsKey(k)) {
        m.put(k, get(s.asDocument(), k));
      }
    }
    return m;
  }
}
