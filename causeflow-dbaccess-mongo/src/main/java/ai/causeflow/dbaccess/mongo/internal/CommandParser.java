package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;
import org.bson.types.Decimal128;
import org.jspecify.annotations.Nullable;

/**
 * Turns a statement (JSON text with MongoDB Extended JSON values) into a BSON document, strictly:
 * plain JSON only (no shell syntax such as {@code ObjectId(...)} or {@code /re/}), no duplicate
 * keys (the server and this validator must see the same document), bounded nesting, no
 * JavaScript, symbol, DBPointer or undefined values anywhere. Parameters are bound where the
 * document holds {@code {"$param": n}} (1-based); they are values, never operators.
 *
 * <p>Thread-safety: stateless.
 */
public final class CommandParser {
  /** Deepest nesting of documents and arrays accepted in a statement. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private CommandParser() {}

  /** Parses and binds; every refusal is {@code QUERY_BLOCKED} or {@code INVALID_PARAMS}. */
  public static BsonDocument parse(String statement, List<@Nullable Object> parameters) {
    checkJson(statement);
    BsonDocument doc;
    try {
      doc = BsonDocument.parse(statement);
    } catch (JsonParseException | BsonInvalidOperationException | IllegalArgumentException e) {
      // the parser's message quotes the offending text: never copied
      throw blocked("statement: not a valid MongoDB Extended JSON command document");
    }
    BitSet used = new BitSet();
    BsonDocument bound = (BsonDocument) bind(doc, parameters, used, "statement", 0);
    int n = parameters.size();
    if (used.cardinality() != n) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: " + n + " parameter(s)"
          + " given but the statement uses " + used.cardinality() + " of them; every parameter"
          + " must appear as {\"$param\": n}, n from 1 to " + n);
    }
    return bound;
  }

  private static void checkJson(String statement) {
    if (statement.isBlank()) {
      throw blocked("statement: a MongoDB command document is required, e.g. {\"find\": "
          + "\"orders\", \"filter\": {...}}");
    }
    try (JsonParser p = JSON.createParser(statement)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw blocked("statement: must be a JSON object (a MongoDB command document)");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw blocked("statement: unexpected text after the command document");
      }
    } catch (JsonProcessingException e) {
      String why = e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
          ? "a key appears twice in the same object"
          : e.getMessage() != null && e.getMessage().contains("nesting depth")
              ? "nested deeper than " + MAX_DEPTH + " levels"
              : "not valid JSON";
      var loc = e.getLocation();
      throw blocked("statement: " + why + (loc == null ? "" : " (line " + loc.getLineNr()
          + ", column " + loc.getColumnNr() + ")"));
    } catch (IOException e) {
      throw blocked("statement: not valid JSON");
    }
  }

  private static BsonValue bind(BsonValue v, List<@Nullable Object> params, BitSet used,
      String path, int depth) {
    switch (v.getBsonType()) {
      case DOCUMENT -> {
        BsonDocument d = v.asDocument();
        if (d.containsKey("$param")) {
          return parameter(d, params, used, path);
        }
        BsonDocument out = null;
        for (Map.Entry<String, BsonValue> e : d.entrySet()) {
          BsonValue child = bind(e.getValue(), params, used, path, depth + 1);
          if (child != e.getValue() && out == null) {
            out = d.clone();
          }
          if (out != null) {
            out.put(e.getKey(), child);
          }
        }
        return out == null ? d : out;
      }
      case ARRAY -> {
        BsonArray a = v.asArray();
        BsonArray out = null;
        for (int i = 0; i < a.size(); i++) {
          BsonValue child = bind(a.get(i), params, used, path, depth + 1);
          if (child != a.get(i) && out == null) {
            out = a.clone();
          }
          if (out != null) {
            out.set(i, child);
          }
        }
        return out == null ? a : out;
      }
      case JAVASCRIPT, JAVASCRIPT_WITH_SCOPE -> throw blocked("statement: JavaScript values are"
          + " not allowed");
      case SYMBOL, DB_POINTER, UNDEFINED -> throw blocked("statement: deprecated BSON type "
          + v.getBsonType() + " is not allowed");
      default -> {
        return v;
      }
    }
  }

  private static BsonValue parameter(BsonDocument d, List<@Nullable Object> params, BitSet used,
      String path) {
    BsonValue n = d.get("$param");
    if (d.size() != 1 || n == null || !(n.isInt32() || n.isInt64())) {
      throw blocked("statement: a parameter placeholder is exactly {\"$param\": n} with n an"
          + " integer from 1");
    }
    long i = n.isInt32() ? n.asInt32().getValue() : n.asInt64().getValue();
    if (i < 1 || i > params.size()) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: placeholder {\"$param\": "
          + i + "} has no value (" + params.size() + " parameter(s) given)");
    }
    used.set((int) i - 1);
    return toBson(params.get((int) i - 1), "parameters[" + (i - 1) + "]", true);
  }

  /** A bound value: scalars, and arrays of scalars for {@code $in}; never a document. */
  static BsonValue toBson(@Nullable Object v, String where, boolean arrayAllowed) {
    if (v == null) {
      return BsonNull.VALUE;
    }
    if (v instanceof String s) {
      return new BsonString(s);
    }
    if (v instanceof Boolean b) {
      return BsonBoolean.valueOf(b);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return new BsonInt32(((Number) v).intValue());
    }
    if (v instanceof Long l) {
      return new BsonInt64(l);
    }
    if (v instanceof Double || v instanceof Float) {
      return new BsonDouble(((Number) v).doubleValue());
    }
    if (v instanceof BigInteger bi) {
      if (bi.bitLength() < 64) {
        return new BsonInt64(bi.longValue());
      }
      return decimal(new BigDecimal(bi), where);
    }
    if (v instanceof BigDecimal bd) {
      return decimal(bd, where);
    }
    if (v instanceof List<?> list && arrayAllowed) {
      BsonArray a = new BsonArray();
      for (int i = 0; i < list.size(); i++) {
        a.add(toBson(list.get(i), where + "[" + i + "]", false));
      }
      return a;
    }
    // An object parameter could carry operators ({"$ne": null}, {"$where": ...}): values only.
    throw new DbAccessException(ErrorCode.INVALID_PARAMS, where + ": must be null, a boolean, a"
        + " number, a string, or an array of those (objects are not accepted as parameters)");
  }

  private static BsonValue decimal(BigDecimal bd, String where) {
    try {
      return new BsonDecimal128(new Decimal128(bd));
    } catch (NumberFormatException e) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, where + ": number out of the range"
          + " of a decimal128");
    }
  }

  static DbAccessException blocked(String message) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, message);
  }

  /** The BSON type name used in column types and error messages. */
  static String typeName(BsonType t) {
    return switch (t) {
      case DOUBLE -> "double";
      case STRING -> "string";
      case DOCUMENT -> "object";
      case ARRAY -> "array";
      case BINARY -> "binData";
      case OBJECT_ID -> "objectId";
      case BOOLEAN -> "bool";
      case DATE_TIME -> "date";
      case NULL -> "null";
      case REGULAR_EXPRESSION -> "regex";
      case INT32 -> "int";
      case TIMESTAMP -> "timestamp";
      case INT64 -> "long";
      case DECIMAL128 -> "decimal";
      case MIN_KEY -> "minKey";
      case MAX_KEY -> "maxKey";
      case JAVASCRIPT -> "javascript";
      case JAVASCRIPT_WITH_SCOPE -> "javascriptWithScope";
      case SYMBOL -> "symbol";
      case DB_POINTER -> "dbPointer";
      case UNDEFINED -> "undefined";
      default -> "unknown";
    };
  }
}
