package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.dynamo.DynamoOptions;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Parses and checks a DynamoDB statement: {@code {"GetItem": {...}}}, {@code {"Query": {...}}},
 * {@code {"Scan": {...}}} or (when allowed) {@code {"BatchGetItem": {...}}}, the inner object in
 * the shape of that API's request. No I/O.
 *
 * <p>Fail closed: unknown calls are {@code QUERY_BLOCKED}; unknown fields and wrong types are
 * {@code INVALID_PARAMS} naming the field; tables and indexes are checked against the table
 * lists ({@code table}, {@code table.index}); every attribute path named anywhere (key, start key,
 * projection, key condition, filter, aliases resolved) is checked against {@code blockedColumns}
 * ({@code table.attr.nested}). Messages name fields and identifiers, never values.
 *
 * <p>Thread-safety: stateless.
 */
public final class DynamoStatements {
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** Calls a statement may name. */
  public static final Set<String> CALLS = Set.of("GetItem", "Query", "Scan", "BatchGetItem");

  private static final Set<String> GET_ITEM_FIELDS = Set.of("TableName", "Key",
      "ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead");
  private static final Set<String> QUERY_FIELDS = Set.of("TableName", "IndexName",
      "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
      "ExpressionAttributeNames", "ExpressionAttributeValues", "Limit", "ExclusiveStartKey",
      "ScanIndexForward", "ConsistentRead", "Select");
  private static final Set<String> SCAN_FIELDS = Set.of("TableName", "IndexName",
      "FilterExpression", "ProjectionExpression", "ExpressionAttributeNames",
      "ExpressionAttributeValues", "Limit", "ExclusiveStartKey", "ConsistentRead", "Select",
      "Segment", "TotalSegments");
  private static final Set<String> BATCH_FIELDS = Set.of("RequestItems");
  private static final Set<String> BATCH_TABLE_FIELDS = Set.of("Keys", "ProjectionExpression",
      "ExpressionAttributeNames", "ConsistentRead");
  private static final Set<String> LEGACY = Set.of("AttributesToGet", "KeyConditions",
      "QueryFilter", "ScanFilter", "ConditionalOperator");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
  private static final Pattern NAME_PLACEHOLDER = Pattern.compile("#[A-Za-z0-9_]{1,254}");
  private static final Pattern VALUE_PLACEHOLDER = Pattern.compile(":[A-Za-z0-9_]{1,254}");
  private static final int MAX_BATCH_KEYS = 100;

  private DynamoStatements() {}

  /** Validates a request of any operation this backend supports. */
  public static DynamoPlan parse(QueryRequest request, Policy policy, DynamoOptions options) {
    Operation op = request.operation();
    if (!request.parameters().isEmpty() && !op.equals(Operation.QUERY)
        && !op.equals(Operation.EXPLAIN)) {
      throw invalid("parameters: operation '" + op + "' takes no parameters");
    }
    if (op.equals(Operation.LIST_TABLES)) {
      if (!request.statement().isBlank()) {
        throw invalid("statement: list_tables takes no statement");
      }
      return new DynamoPlan(request, DynamoPlan.Kind.LIST_TABLES, null, null, Set.of(), null,
          null, false, List.of());
    }
    if (op.equals(Operation.DESCRIBE_TABLE)) {
      String table = tableName(request.statement().trim(), "statement");
      policy.checkTable(table);
      return new DynamoPlan(request, DynamoPlan.Kind.DESCRIBE_TABLE, table, null, Set.of(table),
          null, null, false, List.of());
    }
    if (!op.equals(Operation.QUERY) && !op.equals(Operation.EXPLAIN)) {
      throw new DbAccessException(ErrorCode.OPERATION_NOT_ALLOWED,
          "operation '" + op + "' is not supported by a dynamodb resource");
    }
    JsonNode root = readJson(request.statement());
    if (!root.isObject() || root.size() != 1) {
      throw invalid("statement: must be an object with exactly one key naming the call: "
          + "GetItem, Query or Scan" + (options.allowBatchGetItem() ? " or BatchGetItem" : ""));
    }
    String call = root.fieldNames().next();
    JsonNode body = root.get(call);
    if (!CALLS.contains(call) || (call.equals("BatchGetItem") && !options.allowBatchGetItem())) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement: '" + safeName(call)
          + "' is not a call this resource runs; allowed: GetItem, Query, Scan"
          + (options.allowBatchGetItem() ? ", BatchGetItem" : "")
          + " (writes, PartiQL, transactions and control-plane calls are never run)");
    }
    String path = "statement." + call;
    if (!body.isObject()) {
      throw invalid(path + ": must be an object (the " + call + " request)");
    }
    if (!request.parameters().isEmpty() && !call.equals("Query") && !call.equals("Scan")) {
      throw invalid("parameters: only Query and Scan take parameters (bound as :p1, :p2, ... in"
          + " ExpressionAttributeValues)");
    }
    return switch (call) {
      case "GetItem" -> getItem(request, body, path, policy, options);
      case "Query" -> queryOrScan(request, body, path, policy, options, true);
      case "Scan" -> queryOrScan(request, body, path, policy, options, false);
      default -> batchGet(request, body, path, policy, options);
    };
  }

  private static DynamoPlan getItem(QueryRequest request, JsonNode body, String path,
      Policy policy, DynamoOptions options) {
    checkFields(body, GET_ITEM_FIELDS, path);
    String table = tableName(requiredText(body, "TableName", path), path + ".TableName");
    policy.checkTable(table);
    Map<String, String> names = names(body, path);
    Map<String, AttributeValue> key = keyMap(body, "Key", path, true, policy, table);
    List<String> columns = projection(body, path, names, policy, table);
    boolean consistent = consistentRead(body, path, options);
    GetItemRequest.Builder b = GetItemRequest.builder().tableName(table).key(key)
        .consistentRead(consistent).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    if (body.has("ProjectionExpression")) {
      b.projectionExpression(body.get("ProjectionExpression").textValue());
    }
    if (!names.isEmpty()) {
      b.expressionAttributeNames(names);
    }
    return new DynamoPlan(request, DynamoPlan.Kind.GET_ITEM, table, null, Set.of(table),
        b.build(), null, false, columns);
  }

  private static DynamoPlan queryOrScan(QueryRequest request, JsonNode body, String path,
      Policy policy, DynamoOptions options, boolean query) {
    checkFields(body, query ? QUERY_FIELDS : SCAN_FIELDS, path);
    String table = tableName(requiredText(body, "TableName", path), path + ".TableName");
    policy.checkTable(table);
    String index = null;
    Set<String> tables = new LinkedHashSet<>();
    tables.add(table);
    if (body.has("IndexName")) {
      index = text(body.get("IndexName"), path + ".IndexName");
      if (!TABLE_NAME.matcher(index).matches()) {
        throw invalid(path + ".IndexName: must be 3 to 255 characters of A-Z a-z 0-9 _ . -");
      }
      policy.checkTable(table + "." + index);
      tables.add(table + "." + index);
    }
    Map<String, String> names = names(body, path);
    Map<String, AttributeValue> values = withParameters(values(body, path), request, path);
    List<String> columns = projection(body, path, names, policy, table);
    Set<String> usedValues = new LinkedHashSet<>();
    String keyCondition = null;
    if (query) {
      keyCondition = requiredText(body, "KeyConditionExpression", path);
      conditionPaths(keyCondition, names, policy, table, path + ".KeyConditionExpression",
          usedValues);
    }
    String filter = null;
    if (body.has("FilterExpression")) {
      filter = text(body.get("FilterExpression"), path + ".FilterExpression");
      conditionPaths(filter, names, policy, table, path + ".FilterExpression", usedValues);
    }
    for (String v : usedValues) {
      if (!values.containsKey(v)) {
        throw invalid(path + ": value placeholder '" + v
            + "' is not defined in ExpressionAttributeValues");
      }
    }
    Integer limit = null;
    if (body.has("Limit")) {
      limit = integer(body.get("Limit"), path + ".Limit", 1, Policy.MAX_ROWS_LIMIT);
    }
    Map<String, AttributeValue> start = keyMap(body, "ExclusiveStartKey", path, false, policy,
        table);
    boolean consistent = consistentRead(body, path, options);
    Select select = null;
    if (body.has("Select")) {
      String s = text(body.get("Select"), path + ".Select");
      select = switch (s) {
        case "ALL_ATTRIBUTES" -> Select.ALL_ATTRIBUTES;
        case "ALL_PROJECTED_ATTRIBUTES" -> Select.ALL_PROJECTED_ATTRIBUTES;
        case "SPECIFIC_ATTRIBUTES" -> Select.SPECIFIC_ATTRIBUTES;
        case "COUNT" -> Select.COUNT;
        default -> throw invalid(path + ".Select: must be ALL_ATTRIBUTES,"
            + " ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES or COUNT");
      };
      if (select == Select.COUNT && !options.allowCount()) {
        throw new DbAccessException(ErrorCode.QUERY_BLOCKED, path + ".Select: COUNT is not"
            + " allowed for this resource (it reads every item it counts; allowCount)");
      }
    }
    if (query) {
      software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder b =
          software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
              .tableName(table).indexName(index).keyConditionExpression(keyCondition)
              .filterExpression(filter).consistentRead(consistent).select(select)
              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
      if (body.has("ScanIndexForward")) {
        b.scanIndexForward(bool(body.get("ScanIndexForward"), path + ".ScanIndexForward"));
      }
      common(body, names, values, start, b::projectionExpression, b::expressionAttributeNames,
          b::expressionAttributeValues, b::exclusiveStartKey);
      return new DynamoPlan(request, DynamoPlan.Kind.QUERY, table, index, tables, b.build(),
          limit, select == Select.COUNT, columns);
    }
    ScanRequest.Builder b = ScanRequest.builder().tableName(table).indexName(index)
        .filterExpression(filter).consistentRead(consistent).select(select)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    if (body.has("Segment") || body.has("TotalSegments")) {
      if (!options.allowParallelScan()) {
        throw new DbAccessException(ErrorCode.QUERY_BLOCKED, path + ": parallel scan (Segment,"
            + " TotalSegments) is not allowed for this resource (allowParallelScan)");
      }
      if (!body.has("Segment") || !body.has("TotalSegments")) {
        throw invalid(path + ": Segment and TotalSegments must be given together");
      }
      int total = integer(body.get("TotalSegments"), path + ".TotalSegments", 1,
          options.maxTotalSegments());
      int segment = integer(body.get("Segment"), path + ".Segment", 0, total - 1);
      b.segment(segment).totalSegments(total);
    }
    common(body, names, values, start, b::projectionExpression, b::expressionAttributeNames,
        b::expressionAttributeValues, b::exclusiveStartKey);
    return new DynamoPlan(request, DynamoPlan.Kind.SCAN, table, index, tables, b.build(), limit,
        select == Select.COUNT, columns);
  }

  private static void common(JsonNode body, Map<String, String> names,
      Map<String, AttributeValue> values, Map<String, AttributeValue> start,
      java.util.function.Consumer<String> projection,
      java.util.function.Consumer<Map<String, String>> namesSetter,
      java.util.function.Consumer<Map<String, AttributeValue>> valuesSetter,
      java.util.function.Consumer<Map<String, AttributeValue>> startSetter) {
    if (body.has("ProjectionExpression")) {
      projection.accept(body.get("ProjectionExpression").textValue());
    }
    if (!names.isEmpty()) {
      namesSetter.accept(names);
    }
    if (!values.isEmpty()) {
      valuesSetter.accept(values);
    }
    if (!start.isEmpty()) {
      startSetter.accept(start);
    }
  }

  private static DynamoPlan batchGet(QueryRequest request, JsonNode body, String path,
      Policy policy, DynamoOptions options) {
    checkFields(body, BATCH_FIELDS, path);
    JsonNode items = body.get("RequestItems");
    if (items == null || !items.isObject() || items.size() != 1) {
      throw invalid(path + ".RequestItems: must be an object with exactly one table");
    }
    String rawTable = items.fieldNames().next();
    String table = tableName(rawTable, path + ".RequestItems");
    policy.checkTable(table);
    JsonNode spec = items.get(rawTable);
    String specPath = path + ".RequestItems." + table;
    if (!spec.isObject()) {
      throw invalid(specPath + ": must be an object");
    }
    checkFields(spec, BATCH_TABLE_FIELDS, specPath);
    JsonNode keys = spec.get("Keys");
    if (keys == null || !keys.isArray() || keys.isEmpty() || keys.size() > MAX_BATCH_KEYS) {
      throw invalid(specPath + ".Keys: must be an array of 1 to " + MAX_BATCH_KEYS + " keys");
    }
    List<Map<String, AttributeValue>> keyList = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Map<String, AttributeValue> k = AttributeValues.mapFromJson(keys.get(i),
          specPath + ".Keys[" + i + "]");
      if (k.isEmpty()) {
        throw invalid(specPath + ".Keys[" + i + "]: must name the key attributes");
      }
      for (String attr : k.keySet()) {
        checkPath(policy, table, List.of(attr), true, specPath + ".Keys[" + i + "]");
      }
      keyList.add(k);
    }
    Map<String, String> names = names(spec, specPath);
    List<String> columns = projection(spec, specPath, names, policy, table);
    boolean consistent = consistentRead(spec, specPath, options);
    KeysAndAttributes.Builder ka = KeysAndAttributes.builder().keys(keyList)
        .consistentRead(consistent);
    if (spec.has("ProjectionExpression")) {
      ka.projectionExpression(spec.get("ProjectionExpression").textValue());
    }
    if (!names.isEmpty()) {
      ka.expressionAttributeNames(names);
    }
    BatchGetItemRequest r = BatchGetItemRequest.builder()
        .requestItems(Map.of(table, ka.build()))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    return new DynamoPlan(request, DynamoPlan.Kind.BATCH_GET_ITEM, table, null, Set.of(table), r,
        null, false, columns);
  }

  // ---- pieces ----

  private static JsonNode readJson(String statement) {
    if (statement.isBlank()) {
      throw invalid("statement: must be a JSON object such as {\"Query\": {...}}");
    }
    try {
      return JSON.readTree(statement);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the input: report the position only.
      var loc = e.getLocation();
      throw invalid("statement: not valid JSON" + (loc == null ? "" : " (line "
          + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
          + (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
              ? ": a field appears twice" : ""));
    }
  }

  private static void checkFields(JsonNode body, Set<String> allowed, String path) {
    Iterator<String> it = body.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        String hint = LEGACY.contains(f)
            ? "; legacy parameters are not supported, use the expression form"
            : f.equals("ReturnConsumedCapacity") ? "; the library always asks for TOTAL" : "";
        throw invalid(path + "." + safeName(f) + ": unknown field" + hint + "; allowed: "
            + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  /** A field or call name from the request, shortened and stripped so it is safe to echo. */
  static String safeName(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '…'
          ? c : '?');
    }
    return b.toString();
  }

  private static String tableName(String name, String path) {
    if (!TABLE_NAME.matcher(name).matches()) {
      throw invalid(path + ": a table name is 3 to 255 characters of A-Z a-z 0-9 _ . -");
    }
    return name;
  }

  private static String requiredText(JsonNode body, String field, String path) {
    JsonNode n = body.get(field);
    if (n == null) {
      throw invalid(path + "." + field + ": required");
    }
    return text(n, path + "." + field);
  }

  private static String text(JsonNode n, String path) {
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw invalid(path + ": must be a non-empty string");
    }
    return n.textValue();
  }

  private static boolean bool(JsonNode n, String path) {
    if (!n.isBoolean()) {
      throw invalid(path + ": must be true or false");
    }
    return n.booleanValue();
  }

  private static int integer(JsonNode n, String path, int min, int max) {
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min
        || n.intValue() > max) {
      throw invalid(path + ": must be an integer between " + min + " and " + max);
    }
    return n.intValue();
  }

  private static boolean consistentRead(JsonNode body, String path, DynamoOptions options) {
    if (!body.has("ConsistentRead")) {
      return false;
    }
    boolean c = bool(body.get("ConsistentRead"), path + ".ConsistentRead");
    if (c && !options.allowConsistentRead()) {
      throw new DbAccessException(ErrorCode.QUERY_BLOCKED, path + ".ConsistentRead: strongly"
          + " consistent reads are not allowed for this resource (allowConsistentRead)");
    }
    return c;
  }

  private static Map<String, String> names(JsonNode body, String path) {
    JsonNode n = body.get("ExpressionAttributeNames");
    if (n == null) {
      return Map.of();
    }
    String p = path + ".ExpressionAttributeNames";
    if (!n.isObject()) {
      throw invalid(p + ": must be an object of #placeholder to attribute name");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!NAME_PLACEHOLDER.matcher(e.getKey()).matches()) {
        throw invalid(p + ": keys must look like #name (letters, digits, _)");
      }
      JsonNode v = e.getValue();
      if (!v.isTextual() || v.textValue().isEmpty()) {
        throw invalid(p + "." + e.getKey() + ": must be a non-empty attribute name");
      }
      out.put(e.getKey(), v.textValue());
    }
    return out;
  }

  private static Map<String, AttributeValue> values(JsonNode body, String path) {
    JsonNode n = body.get("ExpressionAttributeValues");
    if (n == null) {
      return Map.of();
    }
    String p = path + ".ExpressionAttributeValues";
    if (!n.isObject()) {
      throw invalid(p + ": must be an object of :placeholder to value");
    }
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      if (!VALUE_PLACEHOLDER.matcher(it.next()).matches()) {
        throw invalid(p + ": keys must look like :name (letters, digits, _)");
      }
    }
    return AttributeValues.mapFromJson(n, p);
  }

  /**
   * The request's positional parameters as {@code :p1, :p2, ...} (plain JSON values or typed
   * AttributeValue JSON), added to the statement's ExpressionAttributeValues.
   */
  private static Map<String, AttributeValue> withParameters(Map<String, AttributeValue> values,
      QueryRequest request, String path) {
    List<@Nullable Object> params = request.parameters();
    if (params.isEmpty()) {
      return values;
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>(values);
    for (int i = 0; i < params.size(); i++) {
      String key = ":p" + (i + 1);
      if (out.containsKey(key)) {
        throw invalid(path + ".ExpressionAttributeValues: '" + key + "' is taken by parameters["
            + i + "]; rename the placeholder");
      }
      out.put(key, AttributeValues.fromJson(JSON.valueToTree(params.get(i)),
          "parameters[" + i + "]"));
    }
    return out;
  }

  private static Map<String, AttributeValue> keyMap(JsonNode body, String field, String path,
      boolean required, Policy policy, String table) {
    JsonNode n = body.get(field);
    if (n == null) {
      if (required) {
        throw invalid(path + "." + field + ": required");
      }
      return Map.of();
    }
    Map<String, AttributeValue> m = AttributeValues.mapFromJson(n, path + "." + field);
    if (m.isEmpty()) {
      throw invalid(path + "." + field + ": must name the key attributes");
    }
    for (String attr : m.keySet()) {
      checkPath(policy, table, List.of(attr), true, path + "." + field);
    }
    return m;
  }

  private static List<String> projection(JsonNode body, String path, Map<String, String> names,
      Policy policy, String table) {
    if (!body.has("ProjectionExpression")) {
      return List.of();
    }
    String field = path + ".ProjectionExpression";
    String expr = text(body.get("ProjectionExpression"), field);
    List<List<String>> paths = Expressions.projection(expr, names, field);
    LinkedHashSet<String> top = new LinkedHashSet<>();
    for (List<String> p : paths) {
      checkPath(policy, table, p, false, field);
      top.add(p.get(0));
    }
    return List.copyOf(top);
  }

  private static void conditionPaths(String expr, Map<String, String> names, Policy policy,
      String table, String field, Set<String> usedValues) {
    Expressions.Condition c = Expressions.condition(expr, names, field);
    for (List<String> p : c.paths()) {
      checkPath(policy, table, p, true, field);
    }
    usedValues.addAll(c.values());
  }

  /**
   * Refuses a path that is blocked or lies inside a blocked attribute. For conditions (which can
   * test a value without returning it) a path that holds a blocked attribute by an explicit rule
   * ({@code table.profile.ssn} blocks a filter on {@code profile}) is refused too.
   */
  static void checkPath(Policy policy, String table, List<String> path, boolean condition,
      String field) {
    StringBuilder q = new StringBuilder(table);
    for (String element : path) {
      q.append('.').append(element);
      if (policy.isColumnBlocked(q.toString())) {
        throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, field + ": attribute '"
            + safeName(q.toString()) + "' matches a blockedColumns rule");
      }
    }
    if (condition) {
      String prefix = q.append('.').toString().toLowerCase(Locale.ROOT);
      for (String rule : policy.blockedColumns()) {
        if (rule.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, field + ": attribute '"
              + safeName(q.substring(0, q.length() - 1)) + "' holds an attribute that matches a"
              + " blockedColumns rule; a condition on it could reveal that value");
        }
      }
    }
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.INVALID_PARAMS, message);
  }
}
