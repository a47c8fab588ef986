package ai.causeflow.dbaccess.core.spi;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ValueJson;
import org.jspecify.annotations.Nullable;

/**
 * The Java types a {@link RowCursor} may put in a row, and therefore the types a
 * {@link ai.causeflow.dbaccess.core.QueryResult} row holds after masking. Every consumer turns
 * them into JSON the same way, through {@link ai.causeflow.dbaccess.core.ValueJson} (the relay,
 * agent tools, your code); the byte cap measures exactly that form.
 *
 * <table>
 *   <caption>The value model and its JSON form</caption>
 *   <tr><th>Java type</th><th>JSON</th></tr>
 *   <tr><td>{@code null}</td><td>{@code null}</td></tr>
 *   <tr><td>{@link Boolean}</td><td>{@code true} / {@code false}</td></tr>
 *   <tr><td>{@link Byte}, {@link Short}, {@link Integer}</td><td>number</td></tr>
 *   <tr><td>{@link Long}, {@link java.math.BigInteger}</td><td>number when within ±2<sup>53</sup>
 *       (a double holds it exactly), otherwise a string of its digits</td></tr>
 *   <tr><td>{@link java.math.BigDecimal}</td><td>number ({@code toString()} form, scale kept)
 *       with at most 15 significant digits, otherwise a string of the same form</td></tr>
 *   <tr><td>{@link Double}, {@link Float}</td><td>number when finite, otherwise the string
 *       {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}</td></tr>
 *   <tr><td>{@link String}</td><td>string</td></tr>
 *   <tr><td>{@code byte[]}</td><td>string, standard base64 with padding</td></tr>
 *   <tr><td>{@link java.time.Instant}, {@link java.time.OffsetDateTime},
 *       {@link java.time.ZonedDateTime}, {@link java.util.Date} (and {@code java.sql.Timestamp})
 *       </td><td>string, ISO-8601 in UTC: {@code 2024-02-29T11:14:15.5Z} (seconds always,
 *       fraction without trailing zeros)</td></tr>
 *   <tr><td>{@link java.time.LocalDateTime}, {@link java.time.LocalDate},
 *       {@link java.time.LocalTime}, {@link java.time.OffsetTime}</td><td>string, ISO-8601
 *       ({@code 2024-02-29T11:14:15}, {@code 2024-02-29}, {@code 11:14:15},
 *       {@code 11:14:15+02:00})</td></tr>
 *   <tr><td>{@link java.time.Duration}</td><td>string, ISO-8601 ({@code PT1M30S})</td></tr>
 *   <tr><td>{@link java.util.UUID}</td><td>string, canonical lower-case form</td></tr>
 *   <tr><td>{@link java.util.List}, {@link java.util.Set}</td><td>array, in iteration order
 *       (a DynamoDB string, number or binary set)</td></tr>
 *   <tr><td>{@link java.util.Map} with {@link String} keys (a nested document, a DynamoDB map, a
 *       json column, a nested row made by {@link RowShape})</td><td>object, in iteration
 *       order</td></tr>
 * </table>
 *
 * <p>Elements of lists, sets and maps follow the same model, to any depth. Anything else (a
 * driver's own types such as a BSON {@code ObjectId} or {@code Decimal128}, an {@code enum}, an
 * array other than {@code byte[]}, a map with non-string keys) must be converted by the backend
 * first: the pipeline refuses the result with {@link ai.causeflow.dbaccess.core.ErrorCode#INTERNAL}
 * naming the column, before any row is returned, and never falls back to {@code toString()}.
 * A backend may also leave a top-level value's conversion to the pipeline with a
 * {@link LazyValue}, which must resolve to a value of this model.
 *
 * <pre>{@code
 * values[i] = objectId.toHexString();              // a driver type converted to a model type
 * values[j] = Instant.ofEpochMilli(millis);        // written as "2024-02-29T11:14:15.5Z"
 * values[k] = Set.of("a", "b");                    // written as ["a","b"]
 * assert ValueModel.isModelValue(values[k]);
 * }</pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class ValueModel {
  /** Largest magnitude of an integer written as a JSON number: 2<sup>53</sup>. */
  public static final long MAX_SAFE_INTEGER = 1L << 53;
  /** Most significant digits of a decimal written as a JSON number. */
  public static final int MAX_SAFE_DECIMAL_DIGITS = 15;

  private ValueModel() {}

  /** Whether {@code value} (and everything nested in it) belongs to the model. */
  public static boolean isModelValue(@Nullable Object value) {
    try {
      ValueJson.size(value);
      return true;
    } catch (DbAccessException e) {
      return false;
    }
  }
}
