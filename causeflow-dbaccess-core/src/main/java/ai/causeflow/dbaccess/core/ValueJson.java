package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.internal.JsonSize;
import ai.causeflow.dbaccess.core.internal.ValueForms;
import ai.causeflow.dbaccess.core.spi.ValueModel;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns result values into JSON, for every consumer: the relay's wire format,
 * agent tools, logs of your own. The rules are those of {@link ValueModel}: integers beyond
 * ±2<sup>53</sup> and decimals beyond 15 significant digits as strings, binary as base64,
 * instants as ISO-8601 in UTC, sets as arrays. The byte cap ({@link Policy#maxResultBytes()})
 * measures exactly what this class writes.
 *
 * <pre>{@code
 * QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM orders").build());
 * String json = ValueJson.toJson(r.rows());                 // [{"id":42,"created":"2024-...Z"}]
 * try (JsonGenerator g = factory.createGenerator(out)) {    // or stream it
 *   for (Map<String, Object> row : r.rows()) ValueJson.writeRow(g, row);
 * }
 * }</pre>
 *
 * <p>A value outside the model (only a custom caller can put one there; the pipeline refuses it
 * first) is a {@link DbAccessException} with {@link ErrorCode#INTERNAL} naming the column or
 * type, never written through {@code toString()}.
 *
 * <p>Thread-safety: stateless.
 */
public final class ValueJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ValueJson() {}

  /**
   * Writes one value of the model.
   *
   * @throws DbAccessException {@link ErrorCode#INTERNAL} if it is outside the model
   */
  public static void write(JsonGenerator g, @Nullable Object v) throws IOException {
    try {
      value(g, v);
    } catch (JsonSize.OutsideModelException e) {
      throw new DbAccessException(ErrorCode.INTERNAL, "a value outside the value model ("
          + e.getMessage() + ")", null, e);
    }
  }

  /**
   * Writes a row as a JSON object, in the row's order.
   *
   * @throws DbAccessException {@link ErrorCode#INTERNAL} naming the column whose value is outside
   *     the model
   */
  public static void writeRow(JsonGenerator g, Map<String, @Nullable Object> row)
      throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      g.writeFieldName(e.getKey());
      try {
        value(g, e.getValue());
      } catch (JsonSize.OutsideModelException x) {
        throw JsonSize.outside(e.getKey(), x);
      }
    }
    g.writeEndObject();
  }

  /**
   * The UTF-8 size of what {@link #write} writes for {@code v}, computed without writing it: exact
   * for ASCII text, an upper bound otherwise. This is what the byte cap counts.
   *
   * @throws DbAccessException {@link ErrorCode#INTERNAL} if it is outside the model
   */
  public static long size(@Nullable Object v) {
    try {
      return JsonSize.of(v);
    } catch (JsonSize.OutsideModelException e) {
      throw new DbAccessException(ErrorCode.INTERNAL, "a value outside the value model ("
          + e.getMessage() + ")", null, e);
    }
  }

  /** The JSON text of one value (a row, a list of rows, a scalar). */
  public static String toJson(@Nullable Object v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void value(JsonGenerator g, @Nullable Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      if (ValueForms.safe(l)) {
        g.writeNumber(l);
      } else {
        g.writeString(Long.toString(l));
      }
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).intValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof BigDecimal d) {
      if (ValueForms.safe(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(d.toString());
      }
    } else if (v instanceof Double d) {
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(ValueForms.nonFinite(d));
      }
    } else if (v instanceof Float f) {
      if (Float.isFinite(f)) {
        g.writeNumber(f);
      } else {
        g.writeString(ValueForms.nonFinite(f));
      }
    } else if (v instanceof BigInteger b) {
      if (ValueForms.safe(b)) {
        g.writeNumber(b);
      } else {
        g.writeString(b.toString());
      }
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new JsonSize.OutsideModelException("a map key that is not a String");
        }
        g.writeFieldName(k);
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> || v instanceof Set<?>) {
      g.writeStartArray();
      for (Object e : (Collection<?>) v) {
        value(g, e);
      }
      g.writeEndArray();
    } else if (v instanceof byte[] bytes) {
      g.writeString(Base64.getEncoder().encodeToString(bytes));
    } else {
      String text = ValueForms.textOf(v);
      if (text == null) {
        throw JsonSize.OutsideModelException.of(v);
      }
      g.writeString(text);
    }
  }
}
