package ai.causeflow.dbaccess.mongo.internal;

import java.util.Objects;
import static ai.causeflow.dbaccess.mongo.internal.CommandParser.blocked;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Validates a MongoDB command document, fail closed: {@code find}, {@code aggregate},
 * {@code count} and {@code distinct} only; every field typed and allow-listed; every pipeline stage
 * and expression operator allow-listed and walked recursively (sub-pipelines of {@code $lookup},
 * {@code $unionWith} and every {@code $facet} branch included); every collection named anywhere
 * checked against the policy; every field path checked against {@code blockedColumns}. Nothing is
 * sent to a server.
 *
 * <p>Refusals: {@code QUERY_BLOCKED} (command, field, stage, operator, type), {@code
 * TABLE_NOT_ALLOWED} (a collection), {@code COLUMN_NOT_ALLOWED} (a blocked field, or a construct
 * that could expose one under another name). Messages name fields, stages and operators, never
 * values.
 *
 * <p>Thread-safety: one instance per validation (not shared).
 */
public final class CommandValidator {
  /** The query commands a statement may be. */
  public enum Command { FIND, AGGREGATE, COUNT, DISTINCT }

  /** What validation learned: the command, its main collection, every collection it reads. */
  public record Result(Command command, String collection, Set<String> collections) {}

  static final int MAX_PIPELINE_DEPTH = 8;
  static final int MAX_STAGES = 100;
  static final int MAX_GRAPH_DEPTH = 100;
  static final long MAX_GENERATED_DOCUMENTS = 100_000;
  private static final Pattern COLLECTION = Pattern.compile("[^$\\x00]{1,255}");
  private static final Pattern VARIABLE = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final Set<String> JAVASCRIPT = Set.of("$where", "$function", "$accumulator");
  private static final Set<String> WRITES = Set.of("$out", "$merge");

  private static final Set<String> STAGES = Set.of("$match", "$project", "$addFields", "$set",
      "$unset", "$group", "$sort", "$limit", "$skip", "$count", "$unwind", "$lookup",
      "$graphLookup", "$facet", "$bucket", "$bucketAuto", "$sortByCount", "$sample",
      "$replaceRoot", "$replaceWith", "$unionWith", "$densify", "$fill", "$setWindowFields",
      "$geoNear", "$redact");

  /** Expression operators whose arguments are walked as plain expressions. */
  private static final Set<String> EXPRESSIONS = Set.of(
      // arithmetic
      "$abs", "$add", "$ceil", "$divide", "$exp", "$floor", "$ln", "$log", "$log10", "$mod",
      "$multiply", "$pow", "$round", "$sqrt", "$subtract", "$trunc",
      // array
      "$arrayElemAt", "$arrayToObject", "$concatArrays", "$first", "$last", "$firstN", "$lastN",
      "$in", "$indexOfArray", "$isArray", "$maxN", "$minN", "$range", "$reverseArray", "$size",
      "$slice", "$zip",
      // boolean, comparison, conditional
      "$and", "$not", "$or", "$cmp", "$eq", "$gt", "$gte", "$lt", "$lte", "$ne", "$cond",
      "$ifNull", "$switch",
      // dates
      "$dateAdd", "$dateDiff", "$dateFromParts", "$dateFromString", "$dateSubtract",
      "$dateToParts", "$dateToString", "$dateTrunc", "$dayOfMonth", "$dayOfWeek", "$dayOfYear",
      "$hour", "$isoDayOfWeek", "$isoWeek", "$isoWeekYear", "$millisecond", "$minute", "$month",
      "$second", "$week", "$year", "$toDate", "$tsSecond", "$tsIncrement",
      // objects, misc
      "$mergeObjects", "$meta", "$rand", "$binarySize", "$bsonSize",
      // sets
      "$allElementsTrue", "$anyElementTrue", "$setDifference", "$setEquals", "$setIntersection",
      "$setIsSubset", "$setUnion",
      // strings
      "$concat", "$indexOfBytes", "$indexOfCP", "$ltrim", "$regexFind", "$regexFindAll",
      "$regexMatch", "$replaceOne", "$replaceAll", "$rtrim", "$split", "$strLenBytes",
      "$strLenCP", "$strcasecmp", "$substr", "$substrBytes", "$substrCP", "$toLower",
      "$toString", "$trim", "$toUpper",
      // trigonometry
      "$sin", "$cos", "$tan", "$asin", "$acos", "$atan", "$atan2", "$asinh", "$acosh", "$atanh",
      "$sinh", "$cosh", "$tanh", "$degreesToRadians", "$radiansToDegrees",
      // types
      "$convert", "$isNumber", "$toBool", "$toDecimal", "$toDouble", "$toInt", "$toLong",
      "$toObjectId", "$type",
      // bitwise
      "$bitAnd", "$bitOr", "$bitXor", "$bitNot",
      // accumulators and window functions (usable in $group, $bucket, $setWindowFields, ...)
      "$avg", "$max", "$min", "$sum", "$stdDevPop", "$stdDevSamp", "$median", "$percentile",
      "$addToSet", "$push", "$count", "$rank", "$denseRank", "$documentNumber", "$shift",
      "$derivative", "$integral", "$expMovingAvg", "$covariancePop", "$covarianceSamp", "$locf",
      "$linearFill");

  private static final Set<String> ACCUMULATORS = Set.of("$avg", "$max", "$min", "$sum",
      "$stdDevPop", "$stdDevSamp", "$median", "$percentile", "$addToSet", "$push", "$count",
      "$first", "$last", "$firstN", "$lastN", "$maxN", "$minN", "$mergeObjects", "$top",
      "$bottom", "$topN", "$bottomN");

  private static final Set<String> SYSTEM_VARIABLES = Set.of("NOW", "CLUSTER_TIME", "REMOVE",
      "DESCEND", "PRUNE", "KEEP");

  private static final Set<String> FIELD_QUERY_OPERATORS = Set.of("$eq", "$ne", "$gt", "$gte",
      "$lt", "$lte", "$in", "$nin", "$all", "$exists", "$type", "$size", "$mod", "$regex",
      "$options", "$not", "$elemMatch", "$bitsAllSet", "$bitsAnySet", "$bitsAllClear",
      "$bitsAnyClear", "$geoWithin", "$geoIntersects", "$near", "$nearSphere", "$maxDistance",
      "$minDistance", "$geometry", "$box", "$center", "$centerSphere", "$polygon");

  private static final Set<String> COLLATION_FIELDS = Set.of("locale", "caseLevel", "caseFirst",
      "strength", "numericOrdering", "alternate", "maxVariable", "backwards", "normalization");

  /** A variable bound to a place in a collection's documents ({@code path} "" = the whole
   * document), or to a computed value ({@code path} null). */
  private record Binding(String collection, @Nullable String path) {}

  private record Scope(String collection, Map<String, Binding> vars) {
    Scope with(String name, Binding b) {
      Map<String, Binding> m = new HashMap<>(vars);
      m.put(name, b);
      return new Scope(collection, m);
    }
  }

  private final Policy policy;
  private final FieldRules rules;
  private final Set<String> collections = new LinkedHashSet<>();
  private int stages;

  private CommandValidator(Policy policy, FieldRules rules) {
    this.policy = policy;
    this.rules = rules;
  }

  /** Validates {@code cmd} against {@code policy}. */
  public static Result validate(BsonDocument cmd, Policy policy, FieldRules rules) {
    return new CommandValidator(policy, rules).run(cmd);
  }

  private Result run(BsonDocument cmd) {
    anywhere(cmd, 0);
    if (cmd.isEmpty()) {
      throw blocked("statement: empty command document; use find, aggregate, count or distinct");
    }
    String name = cmd.getFirstKey();
    return switch (name) {
      case "find" -> find(cmd);
      case "aggregate" -> aggregate(cmd);
      case "count" -> count(cmd);
      case "distinct" -> distinct(cmd);
      default -> throw blocked("statement: command '" + name + "' is not allowed; use find,"
          + " aggregate, count or distinct (and explain through the explain operation)");
    };
  }

  /** Refusals that hold at any depth, whatever the context: JavaScript and writes. */
  private static void anywhere(BsonValue v, int depth) {
    if (v.isDocument()) {
      for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
        String k = e.getKey();
        if (JAVASCRIPT.contains(k)) {
          throw blocked("statement: " + k + " runs server-side JavaScript and is not allowed");
        }
        if (WRITES.contains(k)) {
          throw blocked("statement: stage " + k + " writes to a collection and is not allowed");
        }
        if (k.indexOf('\0') >= 0) {
          throw blocked("statement: a key contains a NUL character");
        }
        anywhere(e.getValue(), depth + 1);
      }
    } else if (v.isArray()) {
      for (BsonValue x : v.asArray()) {
        anywhere(x, depth + 1);
      }
    }
  }

  // ---- commands ----

  private Result find(BsonDocument cmd) {
    String coll = collection(cmd.get("find"), "find");
    Scope scope = new Scope(coll, Map.of());
    for (Map.Entry<String, BsonValue> e : cmd.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "find" -> { }
        case "filter" -> filter(doc(v, "find.filter"), scope, "", "find.filter");
        case "projection" -> projection(doc(v, "find.projection"), scope, "", true, false,
            "find.projection");
        case "sort" -> sort(doc(v, "find.sort"), scope, "find.sort");
        case "limit" -> nonNegative(v, "find.limit");
        case "skip" -> nonNegative(v, "find.skip");
        case "hint" -> hint(v, "find.hint");
        case "collation" -> collation(v, "find.collation");
        default -> throw unknownField("find", f, "filter, projection, sort, limit, skip, hint,"
            + " collation");
      }
    }
    return new Result(Command.FIND, coll, Set.copyOf(collections));
  }

  private Result aggregate(BsonDocument cmd) {
    BsonValue target = cmd.get("aggregate");
    if (target != null && target.isNumber()) {
      throw blocked("aggregate: database-level aggregation ({\"aggregate\": 1}) is not allowed;"
          + " name a collection");
    }
    String coll = collection(target, "aggregate");
    if (!cmd.containsKey("pipeline")) {
      throw blocked("aggregate.pipeline: required (an array of stages)");
    }
    for (Map.Entry<String, BsonValue> e : cmd.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "aggregate" -> { }
        case "pipeline" -> pipeline(array(v, "aggregate.pipeline"), new Scope(coll, Map.of()),
            false, false, 0, "aggregate.pipeline");
        case "hint" -> hint(v, "aggregate.hint");
        case "collation" -> collation(v, "aggregate.collation");
        case "cursor" -> {
          BsonDocument c = doc(v, "aggregate.cursor");
          for (String k : c.keySet()) {
            if (!k.equals("batchSize")) {
              throw unknownField("aggregate.cursor", k, "batchSize");
            }
            nonNegative(c.get(k), "aggregate.cursor.batchSize");
          }
        }
        case "allowDiskUse" -> throw blocked("aggregate.allowDiskUse: set by the data source"
            + " (MongoOptions.allowDiskUse), not by the statement");
        default -> throw unknownField("aggregate", f, "pipeline, hint, collation, cursor");
      }
    }
    return new Result(Command.AGGREGATE, coll, Set.copyOf(collections));
  }

  private Result count(BsonDocument cmd) {
    String coll = collection(cmd.get("count"), "count");
    Scope scope = new Scope(coll, Map.of());
    for (Map.Entry<String, BsonValue> e : cmd.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "count" -> { }
        case "query" -> filter(doc(v, "count.query"), scope, "", "count.query");
        case "limit" -> nonNegative(v, "count.limit");
        case "skip" -> nonNegative(v, "count.skip");
        case "hint" -> hint(v, "count.hint");
        case "collation" -> collation(v, "count.collation");
        default -> throw unknownField("count", f, "query, limit, skip, hint, collation");
      }
    }
    return new Result(Command.COUNT, coll, Set.copyOf(collections));
  }

  private Result distinct(BsonDocument cmd) {
    String coll = collection(cmd.get("distinct"), "distinct");
    Scope scope = new Scope(coll, Map.of());
    if (!cmd.containsKey("key")) {
      throw blocked("distinct.key: required (the field whose distinct values are returned)");
    }
    for (Map.Entry<String, BsonValue> e : cmd.entrySet()) {
      String f = e.getKey();
      BsonValue v = e.getValue();
      switch (f) {
        case "distinct" -> { }
        case "key" -> rules.check(coll, path(string(v, "distinct.key"), "distinct.key"), true);
        case "query" -> filter(doc(v, "distinct.query"), scope, "", "distinct.query");
        case "collation" -> collation(v, "distinct.collation");
        default -> throw unknownField("distinct", f, "key, query, collation");
      }
    }
    return new Result(Command.DISTINCT, coll, Set.copyOf(collections));
  }

  // ---- collections ----

  private String collection(@Nullable BsonValue v, String where) {
    if (v != null && v.isDocument()) {
      throw blocked(where + ": another database cannot be named (only collections of the"
          + " configured database are read)");
    }
    if (v == null || !v.isString()) {
      throw blocked(where + ": must be a collection name (a string)");
    }
    String name = v.asString().getValue();
    if (!COLLECTION.matcher(name).matches()) {
      throw blocked(where + ": not a valid collection name (1-255 characters, no '$' or NUL)");
    }
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("system.") || lower.contains(".system.") || name.startsWith(".")
        || name.endsWith(".") || name.contains("..")) {
      throw new DbAccessException(ErrorCode.TABLE_NOT_ALLOWED, where + ": collection '" + name
          + "' is a system or malformed collection name");
    }
    policy.checkTable(name);
    collections.add(name);
    return name;
  }

  // ---- query filters ----

  private void filter(BsonDocument q, Scope scope, String prefix, String where) {
    for (Map.Entry<String, BsonValue> e : q.entrySet()) {
      String k = e.getKey();
      BsonValue v = e.getValue();
      if (k.startsWith("$")) {
        switch (k) {
          case "$and", "$or", "$nor" -> {
            BsonArray a = array(v, where + "." + k);
            if (a.isEmpty()) {
              throw blocked(where + "." + k + ": must be a non-empty array of filters");
            }
            for (BsonValue x : a) {
              filter(doc(x, where + "." + k + "[]"), scope, prefix, where + "." + k);
            }
          }
          case "$expr" -> expr(v, scope, where + ".$expr");
          case "$comment" -> string(v, where + ".$comment");
          case "$text" -> {
            String rule = rules.anyRuleFor(scope.collection());
            if (rule != null) {
              throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, where + ".$text: searches"
                  + " every indexed text field, and collection '" + scope.collection()
                  + "' has fields blocked by rule '" + rule + "'");
            }
            BsonDocument t = doc(v, where + ".$text");
            for (String tk : t.keySet()) {
              if (!Set.of("$search", "$language", "$caseSensitive", "$diacriticSensitive")
                  .contains(tk)) {
                throw unknownField(where + ".$text", tk, "$search, $language, $caseSensitive,"
                    + " $diacriticSensitive");
              }
            }
          }
          case "$jsonSchema" -> {
            String rule = rules.anyRuleFor(scope.collection());
            if (rule != null) {
              throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, where + ".$jsonSchema:"
                  + " can test any field, and collection '" + scope.collection()
                  + "' has fields blocked by rule '" + rule + "'");
            }
            doc(v, where + ".$jsonSchema");
          }
          case "$sampleRate" -> number(v, where + ".$sampleRate");
          default -> throw blocked(where + ": query operator '" + k + "' is not allowed at the"
              + " top of a filter");
        }
        continue;
      }
      String p = path(prefix + k, where);
      rules.check(scope.collection(), p, true);
      if (v.isDocument() && !v.asDocument().isEmpty()
          && v.asDocument().getFirstKey().startsWith("$")) {
        fieldOperators(v.asDocument(), scope, p, where + "." + k);
      } else {
        literalKeys(scope.collection(), p, v);
      }
    }
  }

  private void fieldOperators(BsonDocument ops, Scope scope, String p, String where) {
    for (Map.Entry<String, BsonValue> e : ops.entrySet()) {
      String op = e.getKey();
      BsonValue v = e.getValue();
      if (!FIELD_QUERY_OPERATORS.contains(op)) {
        throw blocked(where + ": query operator '" + op + "' is not allowed");
      }
      switch (op) {
        case "$eq", "$ne", "$gt", "$gte", "$lt", "$lte" -> literalKeys(scope.collection(), p, v);
        case "$in", "$nin" -> {
          for (BsonValue x : array(v, where + "." + op)) {
            literalKeys(scope.collection(), p, x);
          }
        }
        case "$all" -> {
          for (BsonValue x : array(v, where + ".$all")) {
            if (x.isDocument() && x.asDocument().containsKey("$elemMatch")) {
              fieldOperators(x.asDocument(), scope, p, where + ".$all");
            } else {
              literalKeys(scope.collection(), p, x);
            }
          }
        }
        case "$not" -> {
          if (v.isDocument()) {
            fieldOperators(v.asDocument(), scope, p, where + ".$not");
          } else if (!v.isRegularExpression()) {
            throw blocked(where + ".$not: must be an operator document or a regular expression");
          }
        }
        case "$elemMatch" -> {
          BsonDocument d = doc(v, where + ".$elemMatch");
          if (!d.isEmpty() && d.getFirstKey().startsWith("$") && !isLogical(d.getFirstKey())) {
            fieldOperators(d, scope, p, where + ".$elemMatch");
          } else {
            filter(d, scope, p + ".", where + ".$elemMatch");
          }
        }
        case "$regex" -> {
          if (!v.isString() && !v.isRegularExpression()) {
            throw blocked(where + ".$regex: must be a string or a regular expression");
          }
        }
        case "$options" -> string(v, where + ".$options");
        case "$exists" -> {
          if (!v.isBoolean() && !v.isNumber()) {
            throw blocked(where + ".$exists: must be a boolean");
          }
        }
        case "$size" -> nonNegative(v, where + ".$size");
        default -> { } // geo and bit operators take literals; JavaScript was refused already
      }
    }
  }

  private static boolean isLogical(String k) {
    return k.equals("$and") || k.equals("$or") || k.equals("$nor") || k.equals("$expr");
  }

  /** A literal compared with {@code p}: its keys are paths below {@code p} (an equality oracle). */
  private void literalKeys(String coll, String p, BsonValue v) {
    if (v.isDocument()) {
      for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
        String child = p + "." + e.getKey();
        rules.check(coll, child, false);
        literalKeys(coll, child, e.getValue());
      }
    } else if (v.isArray()) {
      for (BsonValue x : v.asArray()) {
        literalKeys(coll, p, x);
      }
    }
  }

  // ---- projection, sort, hint, collation ----

  /**
   * A {@code find} or {@code $project} projection. Inclusions keep data at its place, where every
   * blocked field is removed from the returned documents; when the documents will be moved
   * ({@code moved}: a {@code $facet} branch, a {@code $lookup} or {@code $unionWith} result), an
   * inclusion is checked like a reference that renames. Computed fields are expressions. Returns
   * whether it is inclusion-only.
   */
  private boolean projection(BsonDocument proj, Scope scope, String prefix, boolean find,
      boolean moved, String where) {
    boolean inclusion = false;
    boolean exclusion = false;
    for (Map.Entry<String, BsonValue> e : proj.entrySet()) {
      String k = e.getKey();
      BsonValue v = e.getValue();
      if (k.startsWith("$")) {
        throw blocked(where + ": projection field '" + k + "' must not start with '$'");
      }
      String p = path(prefix + (find && k.endsWith(".$") ? k.substring(0, k.length() - 2) : k),
          where);
      if (v.isNumber() || v.isBoolean()) {
        boolean include = v.isBoolean() ? v.asBoolean().getValue()
            : v.asNumber().doubleValue() != 0;
        if (include) {
          // In place, an included blocked field is removed from every row (decoder and
          // pipeline); moved under another name, it would not be: refused there.
          if (moved) {
            rules.check(scope.collection(), p, true);
          }
          if (!p.equals("_id")) {
            inclusion = true;
          }
        } else if (!p.equals("_id")) {
          exclusion = true;
        }
      } else if (v.isDocument() && !v.asDocument().isEmpty()
          && v.asDocument().getFirstKey().startsWith("$")) {
        BsonDocument d = v.asDocument();
        String op = d.getFirstKey();
        if (find && d.size() == 1 && op.equals("$elemMatch")) {
          rules.check(scope.collection(), p, moved);
          filter(doc(Objects.requireNonNull(d.get(op)), where + "." + k + ".$elemMatch"), scope, p + ".",
              where + "." + k + ".$elemMatch");
          inclusion = true;
        } else if (find && d.size() == 1 && op.equals("$slice")
            && (Objects.requireNonNull(d.get(op)).isNumber() || Objects.requireNonNull(d.get(op)).isArray() && Objects.requireNonNull(d.get(op)).asArray().size() == 2
                && Objects.requireNonNull(d.get(op)).asArray().stream().allMatch(BsonValue::isNumber))) {
          rules.check(scope.collection(), p, moved);
        } else {
          expr(v, scope, where + "." + k);
          inclusion = true;
        }
      } else if (v.isDocument()) {
        boolean inner = projection(v.asDocument(), scope, p + ".", find, moved, where + "." + k);
        inclusion |= inner;
        exclusion |= !inner;
      } else {
        expr(v, scope, where + "." + k);
        inclusion = true;
      }
    }
    return inclusion && !exclusion;
  }

  private void sort(BsonDocument s, Scope scope, String where) {
    for (Map.Entry<String, BsonValue> e : s.entrySet()) {
      String p = path(e.getKey(), where);
      BsonValue v = e.getValue();
      if (v.isDocument()) {
        BsonDocument d = v.asDocument();
        if (d.size() != 1 || !d.containsKey("$meta") || !d.get("$meta").isString()) {
          throw blocked(where + "." + e.getKey() + ": must be 1, -1 or {\"$meta\": ...}");
        }
        continue;
      }
      if (!v.isNumber() || Math.abs(v.asNumber().doubleValue()) != 1) {
        throw blocked(where + "." + e.getKey() + ": must be 1 or -1");
      }
      rules.check(scope.collection(), p, true);
    }
  }

  private static void hint(BsonValue v, String where) {
    if (v.isString()) {
      return;
    }
    BsonDocument d = doc(v, where);
    for (Map.Entry<String, BsonValue> e : d.entrySet()) {
      if (e.getKey().startsWith("$") || !(e.getValue().isNumber() || e.getValue().isString())) {
        throw blocked(where + ": must be an index name or an index key pattern");
      }
    }
  }

  private static void collation(BsonValue v, String where) {
    BsonDocument d = doc(v, where);
    if (!d.containsKey("locale")) {
      throw blocked(where + ".locale: required");
    }
    for (Map.Entry<String, BsonValue> e : d.entrySet()) {
      if (!COLLATION_FIELDS.contains(e.getKey())) {
        throw unknownField(where, e.getKey(), String.join(", ", COLLATION_FIELDS));
      }
      BsonValue x = e.getValue();
      if (!(x.isString() || x.isBoolean() || x.isNumber())) {
        throw blocked(where + "." + e.getKey() + ": must be a string, boolean or number");
      }
    }
  }

  // ---- pipelines ----

  /**
   * Walks a pipeline. {@code moved}: its output is placed under another name (a {@code $facet}
   * branch, a {@code $lookup} result) or among another collection's documents
   * ({@code $unionWith}). Returns whether its output is derived (built only from checked
   * expressions) rather than stored documents.
   */
  private boolean pipeline(BsonArray stagesArray, Scope scope, boolean moved, boolean derived,
      int depth, String where) {
    if (depth > MAX_PIPELINE_DEPTH) {
      throw blocked(where + ": pipelines nested deeper than " + MAX_PIPELINE_DEPTH + " levels");
    }
    boolean d = derived;
    for (int i = 0; i < stagesArray.size(); i++) {
      if (++stages > MAX_STAGES) {
        throw blocked(where + ": more than " + MAX_STAGES + " stages in all");
      }
      String w = where + "[" + i + "]";
      BsonDocument stage = doc(stagesArray.get(i), w);
      if (stage.size() != 1) {
        throw blocked(w + ": a stage is a document with exactly one key");
      }
      String name = stage.getFirstKey();
      BsonValue v = Objects.requireNonNull(stage.get(name));
      w = w + "." + name;
      if (!STAGES.contains(name)) {
        throw blocked(w + ": stage '" + name + "' is not allowed (allowed: "
            + String.join(", ", new java.util.TreeSet<>(STAGES)) + ")");
      }
      if (name.equals("$geoNear") && (i != 0)) {
        throw blocked(w + ": $geoNear must be the first stage");
      }
      d = stage(name, v, scope, moved, d, depth, w);
    }
    return d;
  }

  private boolean stage(String name, BsonValue v, Scope scope, boolean moved, boolean derived,
      int depth, String w) {
    String coll = scope.collection();
    switch (name) {
      case "$match" -> {
        filter(doc(v, w), scope, "", w);
        return derived;
      }
      case "$project" -> {
        boolean inclusionOnly = projection(doc(v, w), scope, "", false, moved, w);
        return derived || inclusionOnly;
      }
      case "$addFields", "$set" -> {
        for (Map.Entry<String, BsonValue> e : doc(v, w).entrySet()) {
          path(e.getKey(), w);
          expr(e.getValue(), scope, w + "." + e.getKey());
        }
        return derived;
      }
      case "$unset" -> {
        if (v.isString()) {
          path(v.asString().getValue(), w);
        } else {
          for (BsonValue x : array(v, w)) {
            path(string(x, w), w);
          }
        }
        return derived;
      }
      case "$group" -> {
        BsonDocument g = doc(v, w);
        if (!g.containsKey("_id")) {
          throw blocked(w + "._id: required");
        }
        for (Map.Entry<String, BsonValue> e : g.entrySet()) {
          if (e.getKey().equals("_id")) {
            expr(e.getValue(), scope, w + "._id");
          } else {
            accumulator(e.getValue(), scope, w + "." + e.getKey());
          }
        }
        return true;
      }
      case "$sort" -> {
        sort(doc(v, w), scope, w);
        return derived;
      }
      case "$limit", "$skip" -> {
        positive(v, w, name.equals("$skip"));
        return derived;
      }
      case "$count" -> {
        outputName(string(v, w), w);
        return true;
      }
      case "$sample" -> {
        BsonDocument s = doc(v, w);
        for (String k : s.keySet()) {
          if (!k.equals("size")) {
            throw unknownField(w, k, "size");
          }
        }
        long n = positive(s.get("size"), w + ".size", false);
        if (n > MAX_GENERATED_DOCUMENTS) {
          throw blocked(w + ".size: at most " + MAX_GENERATED_DOCUMENTS);
        }
        return derived;
      }
      case "$unwind" -> {
        if (v.isString()) {
          rules.check(coll, fieldPath(v.asString().getValue(), w), moved);
          return derived;
        }
        BsonDocument u = doc(v, w);
        for (Map.Entry<String, BsonValue> e : u.entrySet()) {
          switch (e.getKey()) {
            case "path" -> rules.check(coll, fieldPath(string(e.getValue(), w + ".path"),
                w + ".path"), moved);
            case "includeArrayIndex" -> outputName(string(e.getValue(), w + ".includeArrayIndex"),
                w + ".includeArrayIndex");
            case "preserveNullAndEmptyArrays" -> bool(e.getValue(),
                w + ".preserveNullAndEmptyArrays");
            default -> throw unknownField(w, e.getKey(), "path, includeArrayIndex,"
                + " preserveNullAndEmptyArrays");
          }
        }
        if (!u.containsKey("path")) {
          throw blocked(w + ".path: required");
        }
        return derived;
      }
      case "$lookup" -> {
        lookup(doc(v, w), scope, depth, w);
        return derived;
      }
      case "$graphLookup" -> {
        graphLookup(doc(v, w), scope, w);
        return derived;
      }
      case "$unionWith" -> {
        unionWith(v, depth, w);
        return derived;
      }
      case "$facet" -> {
        BsonDocument f = doc(v, w);
        if (f.isEmpty()) {
          throw blocked(w + ": at least one branch");
        }
        boolean branchMoved = moved || rules.placeRuleFor(coll) != null;
        for (Map.Entry<String, BsonValue> e : f.entrySet()) {
          outputName(e.getKey(), w);
          String bw = w + "." + e.getKey();
          boolean branchDerived = pipeline(array(e.getValue(), bw), scope, branchMoved, derived,
              depth + 1, bw);
          if (branchMoved && !branchDerived) {
            throw movedRaw(bw, coll);
          }
        }
        return true;
      }
      case "$bucket" -> {
        BsonDocument b = doc(v, w);
        for (Map.Entry<String, BsonValue> e : b.entrySet()) {
          switch (e.getKey()) {
            case "groupBy" -> expr(e.getValue(), scope, w + ".groupBy");
            case "boundaries" -> {
              BsonArray a = array(e.getValue(), w + ".boundaries");
              if (a.size() > 10_000) {
                throw blocked(w + ".boundaries: at most 10000");
              }
            }
            case "default" -> { }
            case "output" -> outputs(doc(e.getValue(), w + ".output"), scope, w + ".output");
            default -> throw unknownField(w, e.getKey(), "groupBy, boundaries, default, output");
          }
        }
        return true;
      }
      case "$bucketAuto" -> {
        BsonDocument b = doc(v, w);
        for (Map.Entry<String, BsonValue> e : b.entrySet()) {
          switch (e.getKey()) {
            case "groupBy" -> expr(e.getValue(), scope, w + ".groupBy");
            case "buckets" -> {
              if (positive(e.getValue(), w + ".buckets", false) > 10_000) {
                throw blocked(w + ".buckets: at most 10000");
              }
            }
            case "granularity" -> string(e.getValue(), w + ".granularity");
            case "output" -> outputs(doc(e.getValue(), w + ".output"), scope, w + ".output");
            default -> throw unknownField(w, e.getKey(), "groupBy, buckets, granularity, output");
          }
        }
        return true;
      }
      case "$sortByCount" -> {
        expr(v, scope, w);
        return true;
      }
      case "$replaceRoot" -> {
        BsonDocument r = doc(v, w);
        for (String k : r.keySet()) {
          if (!k.equals("newRoot")) {
            throw unknownField(w, k, "newRoot");
          }
        }
        if (!r.containsKey("newRoot")) {
          throw blocked(w + ".newRoot: required");
        }
        expr(r.get("newRoot"), scope, w + ".newRoot");
        return true;
      }
      case "$replaceWith" -> {
        expr(v, scope, w);
        return true;
      }
      case "$densify" -> {
        densify(doc(v, w), scope, w);
        return derived;
      }
      case "$fill" -> {
        BsonDocument f = doc(v, w);
        for (Map.Entry<String, BsonValue> e : f.entrySet()) {
          switch (e.getKey()) {
            case "partitionBy" -> expr(e.getValue(), scope, w + ".partitionBy");
            case "partitionByFields" -> {
              for (BsonValue x : array(e.getValue(), w + ".partitionByFields")) {
                rules.check(coll, path(string(x, w), w), true);
              }
            }
            case "sortBy" -> sort(doc(e.getValue(), w + ".sortBy"), scope, w + ".sortBy");
            case "output" -> {
              for (Map.Entry<String, BsonValue> o : doc(e.getValue(), w + ".output").entrySet()) {
                path(o.getKey(), w + ".output");
                BsonDocument spec = doc(o.getValue(), w + ".output." + o.getKey());
                for (Map.Entry<String, BsonValue> s : spec.entrySet()) {
                  switch (s.getKey()) {
                    case "value" -> expr(s.getValue(), scope, w + ".output.value");
                    case "method" -> string(s.getValue(), w + ".output.method");
                    default -> throw unknownField(w + ".output." + o.getKey(), s.getKey(),
                        "value, method");
                  }
                }
              }
            }
            default -> throw unknownField(w, e.getKey(), "partitionBy, partitionByFields,"
                + " sortBy, output");
          }
        }
        return derived;
      }
      case "$setWindowFields" -> {
        BsonDocument f = doc(v, w);
        for (Map.Entry<String, BsonValue> e : f.entrySet()) {
          switch (e.getKey()) {
            case "partitionBy" -> expr(e.getValue(), scope, w + ".partitionBy");
            case "sortBy" -> sort(doc(e.getValue(), w + ".sortBy"), scope, w + ".sortBy");
            case "output" -> {
              for (Map.Entry<String, BsonValue> o : doc(e.getValue(), w + ".output").entrySet()) {
                path(o.getKey(), w + ".output");
                String ow = w + ".output." + o.getKey();
                BsonDocument spec = doc(o.getValue(), ow);
                for (Map.Entry<String, BsonValue> s : spec.entrySet()) {
                  if (s.getKey().equals("window")) {
                    BsonDocument win = doc(s.getValue(), ow + ".window");
                    for (String wk : win.keySet()) {
                      if (!Set.of("documents", "range", "unit").contains(wk)) {
                        throw unknownField(ow + ".window", wk, "documents, range, unit");
                      }
                    }
                  } else {
                    BsonDocument one = new BsonDocument(s.getKey(), s.getValue());
                    expr(one, scope, ow);
                  }
                }
              }
            }
            default -> throw unknownField(w, e.getKey(), "partitionBy, sortBy, output");
          }
        }
        return derived;
      }
      case "$geoNear" -> {
        BsonDocument g = doc(v, w);
        for (Map.Entry<String, BsonValue> e : g.entrySet()) {
          switch (e.getKey()) {
            case "near", "spherical", "maxDistance", "minDistance", "distanceMultiplier" -> { }
            case "distanceField", "includeLocs" -> path(string(e.getValue(), w + "."
                + e.getKey()), w);
            case "query" -> filter(doc(e.getValue(), w + ".query"), scope, "", w + ".query");
            case "key" -> rules.check(coll, path(string(e.getValue(), w + ".key"), w), true);
            default -> throw unknownField(w, e.getKey(), "near, distanceField, spherical,"
                + " maxDistance, minDistance, query, includeLocs, distanceMultiplier, key");
          }
        }
        return derived;
      }
      case "$redact" -> {
        expr(v, scope, w);
        return derived;
      }
      default -> throw blocked(w + ": stage '" + name + "' is not allowed");
    }
  }

  private void lookup(BsonDocument l, Scope scope, int depth, String w) {
    BsonValue fromValue = l.get("from");
    if (fromValue == null) {
      throw blocked(w + ".from: required (a collection of this database)");
    }
    String from = collection(fromValue, w + ".from");
    Scope inner = new Scope(from, Map.of());
    boolean hasPipeline = false;
    BsonArray pipe = null;
    for (Map.Entry<String, BsonValue> e : l.entrySet()) {
      switch (e.getKey()) {
        case "from" -> { }
        case "as" -> outputName(string(e.getValue(), w + ".as"), w + ".as");
        case "localField" -> rules.check(scope.collection(), path(string(e.getValue(),
            w + ".localField"), w + ".localField"), true);
        case "foreignField" -> rules.check(from, path(string(e.getValue(), w + ".foreignField"),
            w + ".foreignField"), true);
        case "let" -> {
          for (Map.Entry<String, BsonValue> x : doc(e.getValue(), w + ".let").entrySet()) {
            variableName(x.getKey(), w + ".let");
            expr(x.getValue(), scope, w + ".let." + x.getKey());
            // outer values inside the sub-pipeline: computed, already checked
            inner = inner.with(x.getKey(), new Binding(scope.collection(), null));
          }
        }
        case "pipeline" -> {
          hasPipeline = true;
          pipe = array(e.getValue(), w + ".pipeline");
        }
        default -> throw unknownField(w, e.getKey(), "from, localField, foreignField, let,"
            + " pipeline, as");
      }
    }
    if (!l.containsKey("as")) {
      throw blocked(w + ".as: required");
    }
    if (l.containsKey("localField") != l.containsKey("foreignField")) {
      throw blocked(w + ": localField and foreignField go together");
    }
    if (!hasPipeline && !l.containsKey("localField")) {
      throw blocked(w + ": needs localField/foreignField or a pipeline");
    }
    boolean derived = false;
    if (pipe != null) {
      derived = pipeline(pipe, inner, true, false, depth + 1, w + ".pipeline");
    }
    if (!derived && rules.placeRuleFor(from) != null) {
      throw movedRaw(w, from);
    }
  }

  private void graphLookup(BsonDocument g, Scope scope, String w) {
    BsonValue fromValue = g.get("from");
    if (fromValue == null) {
      throw blocked(w + ".from: required");
    }
    String from = collection(fromValue, w + ".from");
    for (Map.Entry<String, BsonValue> e : g.entrySet()) {
      switch (e.getKey()) {
        case "from" -> { }
        case "startWith" -> expr(e.getValue(), scope, w + ".startWith");
        case "connectFromField", "connectToField" -> rules.check(from, path(string(e.getValue(),
            w + "." + e.getKey()), w + "." + e.getKey()), true);
        case "as" -> outputName(string(e.getValue(), w + ".as"), w + ".as");
        case "depthField" -> outputName(string(e.getValue(), w + ".depthField"), w
            + ".depthField");
        case "maxDepth" -> {
          if (positive(e.getValue(), w + ".maxDepth", true) > MAX_GRAPH_DEPTH) {
            throw blocked(w + ".maxDepth: at most " + MAX_GRAPH_DEPTH);
          }
        }
        case "restrictSearchWithMatch" -> filter(doc(e.getValue(),
            w + ".restrictSearchWithMatch"), new Scope(from, Map.of()), "",
            w + ".restrictSearchWithMatch");
        default -> throw unknownField(w, e.getKey(), "from, startWith, connectFromField,"
            + " connectToField, as, maxDepth, depthField, restrictSearchWithMatch");
      }
    }
    for (String required : List.of("startWith", "connectFromField", "connectToField", "as",
        "maxDepth")) {
      if (!g.containsKey(required)) {
        throw blocked(w + "." + required + ": required" + (required.equals("maxDepth")
            ? " (an unbounded graph walk is refused)" : ""));
      }
    }
    if (rules.placeRuleFor(from) != null) {
      throw movedRaw(w, from);
    }
  }

  private void unionWith(BsonValue v, int depth, String w) {
    String coll;
    BsonArray pipe = null;
    if (v.isString()) {
      coll = collection(v, w);
    } else {
      BsonDocument u = doc(v, w);
      if (u.containsKey("db")) {
        throw blocked(w + ".db: another database cannot be named (only collections of the"
            + " configured database are read)");
      }
      if (!u.containsKey("coll")) {
        throw blocked(w + ".coll: required (a collection of this database)");
      }
      coll = collection(u.get("coll"), w + ".coll");
      for (Map.Entry<String, BsonValue> e : u.entrySet()) {
        switch (e.getKey()) {
          case "coll" -> { }
          case "pipeline" -> pipe = array(e.getValue(), w + ".pipeline");
          default -> throw unknownField(w, e.getKey(), "coll, pipeline");
        }
      }
    }
    boolean derived = pipe != null && pipeline(pipe, new Scope(coll, Map.of()), true, false,
        depth + 1, w + ".pipeline");
    if (!derived && rules.placeRuleFor(coll) != null) {
      throw movedRaw(w, coll);
    }
  }

  private void densify(BsonDocument d, Scope scope, String w) {
    for (Map.Entry<String, BsonValue> e : d.entrySet()) {
      switch (e.getKey()) {
        case "field" -> rules.check(scope.collection(), path(string(e.getValue(), w + ".field"),
            w + ".field"), true);
        case "partitionByFields" -> {
          for (BsonValue x : array(e.getValue(), w + ".partitionByFields")) {
            rules.check(scope.collection(), path(string(x, w), w), true);
          }
        }
        case "range" -> {
          BsonDocument r = doc(e.getValue(), w + ".range");
          for (String k : r.keySet()) {
            if (!Set.of("step", "unit", "bounds").contains(k)) {
              throw unknownField(w + ".range", k, "step, unit, bounds");
            }
          }
          BsonValue bounds = r.get("bounds");
          BsonValue step = r.get("step");
          if (bounds == null || !bounds.isArray() || bounds.asArray().size() != 2
              || step == null || !step.isNumber() || step.asNumber().doubleValue() <= 0) {
            throw blocked(w + ".range: needs a positive step and explicit [lower, upper] bounds"
                + " (\"full\" and \"partition\" bounds can generate unbounded documents)");
          }
          double lo = boundValue(bounds.asArray().get(0), w);
          double hi = boundValue(bounds.asArray().get(1), w);
          double stepMs = step.asNumber().doubleValue() * unitMillis(r.get("unit"), w);
          if ((hi - lo) / stepMs > MAX_GENERATED_DOCUMENTS) {
            throw blocked(w + ".range: would generate more than " + MAX_GENERATED_DOCUMENTS
                + " documents");
          }
        }
        default -> throw unknownField(w, e.getKey(), "field, partitionByFields, range");
      }
    }
  }

  private static double boundValue(BsonValue v, String w) {
    if (v.isNumber()) {
      return v.asNumber().doubleValue();
    }
    if (v.isDateTime()) {
      return v.asDateTime().getValue();
    }
    throw blocked(w + ".range.bounds: must be numbers or dates");
  }

  private static double unitMillis(@Nullable BsonValue unit, String w) {
    if (unit == null) {
      return 1;
    }
    return switch (string(unit, w + ".range.unit")) {
      case "millisecond" -> 1;
      case "second" -> 1_000;
      case "minute" -> 60_000;
      case "hour" -> 3_600_000;
      case "day" -> 86_400_000;
      case "week" -> 7 * 86_400_000.0;
      case "month" -> 28 * 86_400_000.0;
      case "quarter" -> 89 * 86_400_000.0;
      case "year" -> 365 * 86_400_000.0;
      default -> throw blocked(w + ".range.unit: not a time unit");
    };
  }

  private void outputs(BsonDocument out, Scope scope, String w) {
    for (Map.Entry<String, BsonValue> e : out.entrySet()) {
      outputName(e.getKey(), w);
      accumulator(e.getValue(), scope, w + "." + e.getKey());
    }
  }

  private void accumulator(BsonValue v, Scope scope, String w) {
    BsonDocument d = doc(v, w);
    if (d.size() != 1 || !ACCUMULATORS.contains(d.getFirstKey())) {
      throw blocked(w + ": must be one accumulator ("
          + String.join(", ", new java.util.TreeSet<>(ACCUMULATORS)) + ")");
    }
    expr(d, scope, w);
  }

  private static DbAccessException movedRaw(String where, String coll) {
    return new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, where + ": would return whole"
        + " documents of '" + coll + "' under another name, and blockedColumns name fields of"
        + " that collection; end this pipeline with an inclusion $project (or a $group) of the"
        + " fields you need");
  }

  // ---- expressions ----

  private void expr(BsonValue v, Scope scope, String w) {
    if (v.isString()) {
      String s = v.asString().getValue();
      if (s.startsWith("$$")) {
        variable(s, scope, w);
      } else if (s.startsWith("$")) {
        rules.check(scope.collection(), fieldPath(s, w), true);
      }
      return;
    }
    if (v.isArray()) {
      for (BsonValue x : v.asArray()) {
        expr(x, scope, w);
      }
      return;
    }
    if (!v.isDocument()) {
      return;
    }
    BsonDocument d = v.asDocument();
    if (d.isEmpty()) {
      return;
    }
    String first = d.getFirstKey();
    if (!first.startsWith("$")) {
      for (Map.Entry<String, BsonValue> e : d.entrySet()) {
        if (e.getKey().startsWith("$")) {
          throw blocked(w + ": field name '" + e.getKey() + "' must not start with '$'");
        }
        expr(e.getValue(), scope, w + "." + e.getKey());
      }
      return;
    }
    if (d.size() != 1) {
      throw blocked(w + ": an operator expression has exactly one key ('" + first + "')");
    }
    operator(first, Objects.requireNonNull(d.get(first)), scope, w + "." + first);
  }

  private void operator(String op, BsonValue arg, Scope scope, String w) {
    String coll = scope.collection();
    switch (op) {
      case "$literal" -> { } // a constant: never evaluated (JavaScript was refused anywhere)
      case "$let" -> {
        BsonDocument l = doc(arg, w);
        known(l, w, "vars", "in");
        Scope inner = scope;
        for (Map.Entry<String, BsonValue> e : doc(required(l, "vars", w), w + ".vars")
            .entrySet()) {
          variableName(e.getKey(), w + ".vars");
          inner = inner.with(e.getKey(), bind(e.getValue(), scope, w + ".vars." + e.getKey()));
        }
        expr(required(l, "in", w), inner, w + ".in");
      }
      case "$map", "$filter" -> {
        BsonDocument m = doc(arg, w);
        boolean filter = op.equals("$filter");
        if (filter) {
          known(m, w, "input", "as", "cond", "limit");
        } else {
          known(m, w, "input", "as", "in");
        }
        BsonValue input = required(m, "input", w);
        String as = m.containsKey("as") ? variableName(string(m.get("as"), w + ".as"), w)
            : "this";
        Binding b = bind(input, scope, w + ".input");
        if (filter) {
          expr(input, scope, w + ".input"); // its elements are the output
        }
        Scope inner = scope.with(as, b);
        expr(required(m, filter ? "cond" : "in", w), inner, w + (filter ? ".cond" : ".in"));
        if (m.containsKey("limit")) {
          expr(m.get("limit"), scope, w + ".limit");
        }
      }
      case "$reduce" -> {
        BsonDocument r = doc(arg, w);
        known(r, w, "input", "initialValue", "in");
        Binding b = bind(required(r, "input", w), scope, w + ".input");
        expr(required(r, "initialValue", w), scope, w + ".initialValue");
        Scope inner = scope.with("this", b).with("value", new Binding(coll, null));
        expr(required(r, "in", w), inner, w + ".in");
      }
      case "$sortArray" -> {
        BsonDocument s = doc(arg, w);
        known(s, w, "input", "sortBy");
        BsonValue input = required(s, "input", w);
        expr(input, scope, w + ".input");
        sortByWithin(input, required(s, "sortBy", w), scope, w + ".sortBy");
      }
      case "$top", "$bottom", "$topN", "$bottomN" -> {
        BsonDocument t = doc(arg, w);
        known(t, w, "sortBy", "output", "n");
        sort(doc(required(t, "sortBy", w), w + ".sortBy"), scope, w + ".sortBy");
        expr(required(t, "output", w), scope, w + ".output");
        if (t.containsKey("n")) {
          expr(t.get("n"), scope, w + ".n");
        }
      }
      case "$getField" -> getField(arg, scope, w);
      case "$setField", "$unsetField" -> {
        BsonDocument s = doc(arg, w);
        if (op.equals("$setField")) {
          known(s, w, "field", "input", "value");
          expr(required(s, "value", w), scope, w + ".value");
        } else {
          known(s, w, "field", "input");
        }
        constantFieldName(required(s, "field", w), w + ".field");
        expr(required(s, "input", w), scope, w + ".input");
      }
      case "$objectToArray" -> {
        String rule = rules.anyRuleFor(coll);
        if (rule != null) {
          throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, w + ": turns field names"
              + " into values, and collection '" + coll + "' has fields blocked by rule '" + rule
              + "'");
        }
        expr(arg, scope, w);
      }
      default -> {
        if (!EXPRESSIONS.contains(op) && !ACCUMULATORS.contains(op)) {
          throw blocked(w + ": expression operator '" + op + "' is not allowed");
        }
        expr(arg, scope, w);
      }
    }
  }

  private void getField(BsonValue arg, Scope scope, String w) {
    if (arg.isString() || arg.isDocument() && arg.asDocument().containsKey("$literal")) {
      String f = constantFieldName(arg, w);
      rules.check(scope.collection(), f, true);
      return;
    }
    BsonDocument g = doc(arg, w);
    known(g, w, "field", "input");
    String f = constantFieldName(required(g, "field", w), w + ".field");
    BsonValue input = g.get("input");
    if (input == null) {
      rules.check(scope.collection(), f, true);
      return;
    }
    Binding b = bind(input, scope, w + ".input");
    if (b.path() != null) {
      String full = b.path().isEmpty() ? f : b.path() + "." + f;
      rules.check(b.collection(), full, true);
      return;
    }
    expr(input, scope, w + ".input");
    String rule = rules.anyRuleFor(scope.collection());
    if (rule != null) {
      throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, w + ": reads a field of a"
          + " computed value, which cannot be checked against blockedColumns rule '" + rule + "'");
    }
  }

  private void sortByWithin(BsonValue input, BsonValue sortBy, Scope scope, String w) {
    if (sortBy.isNumber()) {
      return;
    }
    BsonDocument s = doc(sortBy, w);
    Binding b = bind(input, scope, w);
    for (String k : s.keySet()) {
      String p = path(k, w);
      if (b.path() != null) {
        rules.check(b.collection(), b.path().isEmpty() ? p : b.path() + "." + p, true);
      } else if (rules.anyRuleFor(scope.collection()) != null) {
        throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, w + ": sorts a computed array"
            + " by a field that cannot be checked against blockedColumns");
      }
    }
  }

  /**
   * What a variable bound to {@code v} refers to. A plain reference is not checked here: each use
   * of the variable is (a sub-field is checked as that sub-field, the whole as the whole).
   */
  private Binding bind(BsonValue v, Scope scope, String w) {
    if (v.isString()) {
      String s = v.asString().getValue();
      if (s.startsWith("$$")) {
        String body = s.substring(2);
        int dot = body.indexOf('.');
        String name = dot < 0 ? body : body.substring(0, dot);
        String rest = dot < 0 ? null : path(body.substring(dot + 1), w);
        if (name.equals("ROOT") || name.equals("CURRENT")) {
          return new Binding(scope.collection(), rest == null ? "" : rest);
        }
        Binding outer = scope.vars().get(name);
        if (outer != null && outer.path() != null) {
          String p = rest == null ? outer.path()
              : outer.path().isEmpty() ? rest : outer.path() + "." + rest;
          return new Binding(outer.collection(), p);
        }
        variable(s, scope, w);
        return new Binding(scope.collection(), null);
      }
      if (s.startsWith("$")) {
        return new Binding(scope.collection(), fieldPath(s, w));
      }
    }
    expr(v, scope, w);
    return new Binding(scope.collection(), null);
  }

  private void variable(String s, Scope scope, String w) {
    String body = s.substring(2);
    int dot = body.indexOf('.');
    String name = dot < 0 ? body : body.substring(0, dot);
    String rest = dot < 0 ? null : path(body.substring(dot + 1), w);
    if (name.equals("ROOT") || name.equals("CURRENT")) {
      use(new Binding(scope.collection(), ""), rest, "$$" + name, w);
      return;
    }
    if (SYSTEM_VARIABLES.contains(name)) {
      if (rest != null) {
        throw blocked(w + ": $$" + name + " has no fields");
      }
      return;
    }
    Binding b = scope.vars().get(name);
    if (b == null) {
      throw blocked(w + ": variable '$$" + name + "' is not defined here (system variables"
          + " allowed: ROOT, CURRENT, " + String.join(", ", new java.util.TreeSet<>(
              SYSTEM_VARIABLES)) + ")");
    }
    use(b, rest, "$$" + name, w);
  }

  private void use(Binding b, @Nullable String rest, String name, String w) {
    if (b.path() == null) {
      if (rest != null) {
        String rule = rules.anyRuleFor(b.collection());
        if (rule != null) {
          throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, w + ": reads a field of "
              + name + ", a computed value that cannot be checked against blockedColumns rule '"
              + rule + "'");
        }
      }
      return;
    }
    String full = rest == null ? b.path() : b.path().isEmpty() ? rest : b.path() + "." + rest;
    if (full.isEmpty()) {
      String rule = rules.anyRuleFor(b.collection());
      if (rule != null) {
        throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, w + ": " + name + " is the"
            + " whole document, and collection '" + b.collection() + "' has fields blocked by"
            + " rule '" + rule + "'; name the fields you need");
      }
      return;
    }
    rules.check(b.collection(), full, true);
  }

  private static String constantFieldName(BsonValue v, String w) {
    BsonValue x = v;
    if (x.isDocument() && x.asDocument().size() == 1 && x.asDocument().containsKey("$literal")) {
      x = x.asDocument().get("$literal");
    }
    if (!x.isString()) {
      throw blocked(w + ": must be a constant field name (a string)");
    }
    String s = x.asString().getValue();
    if (s.isEmpty()) {
      throw blocked(w + ": must be a non-empty field name");
    }
    return s;
  }

  // ---- small checks ----

  private static String variableName(String name, String w) {
    if (!VARIABLE.matcher(name).matches() || Character.isUpperCase(name.charAt(0))) {
      throw blocked(w + ": '" + name + "' is not a valid user variable name");
    }
    return name;
  }

  private static void outputName(String name, String w) {
    if (name.isEmpty() || name.startsWith("$") || name.indexOf('.') >= 0) {
      throw blocked(w + ": output field name must be non-empty, without '$' or '.'");
    }
  }

  /** A {@code $path} field path reference, returned without its {@code $}. */
  private static String fieldPath(String s, String w) {
    if (!s.startsWith("$") || s.startsWith("$$")) {
      throw blocked(w + ": must be a field path such as \"$status\"");
    }
    return path(s.substring(1), w);
  }

  private static String path(String p, String w) {
    if (p.isEmpty()) {
      throw blocked(w + ": empty field path");
    }
    for (String part : p.split("\\.", -1)) {
      if (part.isEmpty()) {
        throw blocked(w + ": field path '" + p + "' has an empty component");
      }
      if (part.startsWith("$")) {
        throw blocked(w + ": field path '" + p + "' has a component starting with '$'");
      }
    }
    return p;
  }

  private static BsonValue required(BsonDocument d, String key, String w) {
    BsonValue v = d.get(key);
    if (v == null) {
      throw blocked(w + "." + key + ": required");
    }
    return v;
  }

  private static void known(BsonDocument d, String w, String... keys) {
    Set<String> allowed = Set.of(keys);
    for (String k : d.keySet()) {
      if (!allowed.contains(k)) {
        throw unknownField(w, k, String.join(", ", keys));
      }
    }
  }

  static BsonDocument doc(@Nullable BsonValue v, String w) {
    if (v == null || !v.isDocument()) {
      throw blocked(w + ": must be a document");
    }
    return v.asDocument();
  }

  static BsonArray array(@Nullable BsonValue v, String w) {
    if (v == null || !v.isArray()) {
      throw blocked(w + ": must be an array");
    }
    return v.asArray();
  }

  static String string(@Nullable BsonValue v, String w) {
    if (v == null || !v.isString()) {
      throw blocked(w + ": must be a string");
    }
    return v.asString().getValue();
  }

  private static void bool(BsonValue v, String w) {
    if (!v.isBoolean()) {
      throw blocked(w + ": must be a boolean");
    }
  }

  private static void number(BsonValue v, String w) {
    if (!v.isNumber()) {
      throw blocked(w + ": must be a number");
    }
  }

  static long nonNegative(@Nullable BsonValue v, String w) {
    return positive(v, w, true);
  }

  private static long positive(@Nullable BsonValue v, String w, boolean zeroAllowed) {
    if (v == null || !v.isNumber()) {
      throw blocked(w + ": must be an integer");
    }
    double d = v.asNumber().doubleValue();
    long l = v.asNumber().longValue();
    if (d != l || l < (zeroAllowed ? 0 : 1)) {
      throw blocked(w + ": must be an integer " + (zeroAllowed ? ">= 0" : ">= 1"));
    }
    return l;
  }

  private static DbAccessException unknownField(String where, String field, String allowed) {
    return blocked(where + ": unknown field '" + field + "' (allowed: " + allowed + ")");
  }
}
