package ai.causeflow.dbaccess.core.internal;

import ai.causeflow.dbaccess.core.spi.ValueModel;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The string forms of the {@link ValueModel} scalars that JSON has no type for. Shared by the
 * writer ({@link ai.causeflow.dbaccess.core.ValueJson}) and the sizer ({@link JsonSize}) so that
 * the byte cap measures what is written. Stateless.
 */
public final class ValueForms {
  private static final BigInteger MIN_SAFE = BigInteger.valueOf(-ValueModel.MAX_SAFE_INTEGER);
  private static final BigInteger MAX_SAFE = BigInteger.valueOf(ValueModel.MAX_SAFE_INTEGER);

  private ValueForms() {}

  /** Whether a long is written as a JSON number. */
  public static boolean safe(long v) {
    return v >= -ValueModel.MAX_SAFE_INTEGER && v <= ValueModel.MAX_SAFE_INTEGER;
  }

  /** Whether a big integer is written as a JSON number. */
  public static boolean safe(BigInteger v) {
    return v.compareTo(MIN_SAFE) >= 0 && v.compareTo(MAX_SAFE) <= 0;
  }

  /** Whether a decimal is written as a JSON number. */
  public static boolean safe(BigDecimal v) {
    return v.precision() <= ValueModel.MAX_SAFE_DECIMAL_DIGITS;
  }

  /**
   * The JSON string form of a scalar written as a string other than a {@link String} itself
   * (temporal, UUID, Duration); null when {@code v} is not one of those.
   */
  public static @Nullable String textOf(Object v) {
    if (v instanceof Instant i) {
      return utc(i);
    }
    if (v instanceof OffsetDateTime t) {
      return utc(t.toInstant());
    }
    if (v instanceof ZonedDateTime t) {
      return utc(t.toInstant());
    }
    if (v instanceof LocalDateTime t) {
      return t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }
    if (v instanceof LocalDate d) {
      return d.format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
    if (v instanceof LocalTime t) {
      return t.format(DateTimeFormatter.ISO_LOCAL_TIME);
    }
    if (v instanceof OffsetTime t) {
      return t.format(DateTimeFormatter.ISO_OFFSET_TIME);
    }
    if (v instanceof Date d) {
      return utc(d instanceof java.sql.Timestamp ts ? ts.toInstant()
          : Instant.ofEpochMilli(d.getTime()));
    }
    if (v instanceof UUID u) {
      return u.toString();
    }
    if (v instanceof Duration d) {
      return d.toString();
    }
    return null;
  }

  /** {@code 2024-02-29T11:14:15.5Z}: seconds always, fraction without trailing zeros. */
  public static String utc(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
        + "Z";
  }

  /** The string a non-finite double or float is written as. */
  public static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }
}
