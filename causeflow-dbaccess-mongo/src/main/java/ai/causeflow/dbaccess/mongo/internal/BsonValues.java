package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.spi.RowShape;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonReader;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.BsonWriter;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.jspecify.annotations.Nullable;

/**
 * BSON to the library's value model ({@link ai.causeflow.dbaccess.core.spi.ValueModel}), decoded
 * straight from the wire (no intermediate document): ObjectId as its hex string, dates as
 * {@link Instant}, 64-bit integers as {@link Long}, doubles as {@link Double}, binary as
 * {@code byte[]}, every Decimal128 as its string (it can be NaN or carry 34 digits), timestamps as
 * {@code {"t": seconds, "i": increment}}, documents as maps and arrays as lists. The core's one
 * JSON writer then writes dates as ISO-8601 UTC, integers beyond ±2^53 and non-finite doubles as
 * strings, and binary as base64. Fields that a
 * {@code blockedColumns} rule names are skipped while decoding, so they never exist in memory as
 * values (the last wall behind validation).
 *
 * <p>Thread-safety: one instance per request; used by one thread at a time.
 */
public final class BsonValues implements Codec<BsonValues.Row> {
  /** One decoded document. */
  public record Row(Map<String, @Nullable Object> values) {}

  private final FieldRules rules;
  private final String collection;
  private final boolean strip;
  private final Map<String, String> types = new LinkedHashMap<>();
  private boolean recordTypes = true;
  private long stripped;
  private static final int MAX_SHAPES = 64;
  private final Map<List<String>, @Nullable RowShape> shapes = new java.util.HashMap<>();
  private @Nullable List<String> lastNames;
  private @Nullable RowShape lastShape;

  public BsonValues(FieldRules rules, String collection) {
    this.rules = rules;
    this.collection = collection;
    this.strip = rules.anyRuleFor(collection) != null;
  }

  @Override
  public Row decode(BsonReader reader, DecoderContext context) {
    return new Row(top(reader));
  }

  /**
   * A top-level document as a compact {@link RowShape} row (the pipeline keeps those without
   * copying them into a new map); documents with the same fields in the same order share a shape.
   */
  private Map<String, @Nullable Object> top(BsonReader r) {
    String prefix = strip ? "" : null;
    r.readStartDocument();
    List<String> names = new ArrayList<>(16);
    List<@Nullable Object> values = new ArrayList<>(16);
    while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
      String name = r.readName();
      String p = null;
      if (prefix != null) {
        p = name;
        if (rules.ruleFor(collection, p) != null) {
          r.skipValue();
          stripped++;
          continue;
        }
      }
      if (recordTypes) {
        types.putIfAbsent(name, CommandParser.typeName(r.getCurrentBsonType()));
      }
      names.add(name);
      values.add(value(r, p));
    }
    r.readEndDocument();
    RowShape shape = shape(names);
    if (shape == null) { // a field name repeats: a map keeps the last one, as the driver does
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        m.put(names.get(i), values.get(i));
      }
      return m;
    }
    return shape.row(values.toArray());
  }

  private @Nullable RowShape shape(List<String> names) {
    if (names.equals(lastNames)) {
      return lastShape;
    }
    RowShape s = shapes.get(names);
    if (s == null && !shapes.containsKey(names)) {
      try {
        s = RowShape.of(names);
      } catch (IllegalArgumentException duplicate) {
        s = null;
      }
      if (shapes.size() < MAX_SHAPES) {
        shapes.put(List.copyOf(names), s);
      }
    }
    lastNames = names;
    lastShape = s;
    return s;
  }

  /** The top-level field types seen so far (first type wins). */
  public Map<String, String> types() {
    return types;
  }

  /** Stops recording types (after the first batch). */
  public void freezeTypes() {
    recordTypes = false;
  }

  /** Fields removed by blockedColumns rules so far. */
  public long stripped() {
    return stripped;
  }

  private Map<String, @Nullable Object> document(BsonReader r, @Nullable String prefix,
      boolean top) {
    r.readStartDocument();
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
      String name = r.readName();
      String p = null;
      if (prefix != null) {
        p = prefix.isEmpty() ? name : prefix + "." + name;
        if (rules.ruleFor(collection, p) != null) {
          r.skipValue();
          stripped++;
          continue;
        }
      }
      if (top && recordTypes) {
        types.putIfAbsent(name, CommandParser.typeName(r.getCurrentBsonType()));
      }
      m.put(name, value(r, p));
    }
    r.readEndDocument();
    return m;
  }

  private @Nullable Object value(BsonReader r, @Nullable String path) {
    BsonType t = r.getCurrentBsonType();
    switch (t) {
      case STRING:
        return r.readString();
      case INT32:
        return r.readInt32();
      case INT64:
        return r.readInt64();
      case DOUBLE:
        return r.readDouble();
      case BOOLEAN:
        return r.readBoolean();
      case NULL:
        r.readNull();
        return null;
      case OBJECT_ID:
        return r.readObjectId().toHexString();
      case DATE_TIME:
        return Instant.ofEpochMilli(r.readDateTime());
      case DOCUMENT:
        return document(r, path, false);
      case ARRAY: {
        r.readStartArray();
        List<@Nullable Object> l = new ArrayList<>();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
          l.add(value(r, path));
        }
        r.readEndArray();
        return l;
      }
      case DECIMAL128:
        return r.readDecimal128().toString();
      case BINARY: {
        BsonBinary b = r.readBinaryData();
        return b.getData();
      }
      case TIMESTAMP: {
        BsonTimestamp ts = r.readTimestamp();
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("t", Integer.toUnsignedLong(ts.getTime()));
        m.put("i", Integer.toUnsignedLong(ts.getInc()));
        return m;
      }
      case REGULAR_EXPRESSION: {
        BsonRegularExpression re = r.readRegularExpression();
        return "/" + re.getPattern() + "/" + re.getOptions();
      }
      case UNDEFINED:
        r.readUndefined();
        return null;
      case MIN_KEY:
        r.readMinKey();
        return "MinKey";
      case MAX_KEY:
        r.readMaxKey();
        return "MaxKey";
      case SYMBOL:
        return r.readSymbol();
      case JAVASCRIPT:
        return r.readJavaScript();
      case DB_POINTER: {
        BsonDbPointer ptr = r.readDBPointer();
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("$ref", ptr.getNamespace());
        m.put("$id", ptr.getId().toHexString());
        return m;
      }
      default:
        r.skipValue();
        return "[" + CommandParser.typeName(t) + "]";
    }
  }

  /** Converts an already decoded BSON value (command replies) the same way. */
  public static @Nullable Object convert(BsonValue v) {
    org.bson.BsonDocument wrapper = new org.bson.BsonDocument("v", v);
    try (org.bson.BsonDocumentReader r = new org.bson.BsonDocumentReader(wrapper)) {
      BsonValues c = new BsonValues(FieldRules.of(List.of()), "");
      r.readStartDocument();
      r.readBsonType();
      r.readName();
      return c.value(r, null);
    }
  }

  /** A value read at {@code path} of this collection, with blocked fields below it removed. */
  public @Nullable Object convertField(String path, BsonValue v) {
    org.bson.BsonDocument wrapper = new org.bson.BsonDocument("v", v);
    try (org.bson.BsonDocumentReader r = new org.bson.BsonDocumentReader(wrapper)) {
      r.readStartDocument();
      r.readBsonType();
      r.readName();
      return value(r, strip ? path : null);
    }
  }

  @Override
  public void encode(BsonWriter writer, Row value, EncoderContext context) {
    throw new UnsupportedOperationException("read-only codec");
  }

  @Override
  public Class<Row> getEncoderClass() {
    return Row.class;
  }
}
