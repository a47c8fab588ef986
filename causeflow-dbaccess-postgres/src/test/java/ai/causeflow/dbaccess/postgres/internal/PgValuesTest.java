package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class PgValuesTest {

  @Test
  void handWrittenIsoMatchesTheJdkFormatter() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 20_000; i++) {
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1000;
        default -> r.nextInt(1_000_000_000);
      };
      LocalDateTime t = LocalDateTime.of(r.nextInt(-5000, 20000), 1 + r.nextInt(12),
          1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), nanos);
      assertThat(PgValues.isoLocal(t)).isEqualTo(t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    }
  }

  @Test
  void numbersStayNumbersOnlyWhereADoubleIsExact() {
    assertThat(PgValues.integer("9007199254740992")).isEqualTo(9007199254740992L);
    assertThat(PgValues.integer("9007199254740993")).isEqualTo("9007199254740993");
    assertThat(PgValues.integer("-9007199254740993")).isEqualTo("-9007199254740993");
    assertThat(PgValues.integer("-9223372036854775808")).isEqualTo("-9223372036854775808");
    assertThat(PgValues.json("[-9223372036854775808, 9007199254740992]"))
        .isEqualTo(List.of("-9223372036854775808", 9007199254740992L));
    assertThat(PgValues.decimal("123456789012345")).isEqualTo(new BigDecimal("123456789012345"));
    assertThat(PgValues.decimal("1234567890123456")).isEqualTo("1234567890123456");
    assertThat(PgValues.decimal("0.000000000000001")).isEqualTo(new BigDecimal("1E-15"));
    assertThat(PgValues.decimal("NaN")).isEqualTo("NaN");
    assertThat(PgValues.floating("-Infinity")).isEqualTo("-Infinity");
  }

  @Test
  void parsesArrayTextIncludingQuotesNullsAndBounds() {
    assertThat(PgValues.PgArrays.parse("{1,NULL,3}", "int4")).isEqualTo(Arrays.asList(1L, null,
        3L));
    assertThat(PgValues.PgArrays.parse("[0:1]={7,8}", "int4")).isEqualTo(List.of(7L, 8L));
    assertThat(PgValues.PgArrays.parse("{}", "text")).isEmpty();
    assertThat(PgValues.PgArrays.parse("{\"a \\\"b\\\"\",\"NULL\",\"\"}", "text"))
        .isEqualTo(List.of("a \"b\"", "NULL", ""));
    assertThat(PgValues.PgArrays.parse("{\"{\\\"k\\\": 1}\"}", "jsonb"))
        .isEqualTo(List.of(Map.of("k", 1L)));
    assertThat(PgValues.PgArrays.parse("{\"\\\\x00ff\"}", "bytea")).isEqualTo(List.of("AP8="));
    assertThat(PgValues.PgArrays.parse("{\"2024-01-01 10:00:00+02\"}", "timestamptz"))
        .isEqualTo(List.of("2024-01-01T08:00:00Z"));
  }

  @Test
  void bindsListsAsQuotedArrayLiterals() {
    assertThat(PgBinder.arrayLiteral(Arrays.asList("a\"b", "c\\d", null, List.of(1, 2),
        Map.of("k", "v")))).isEqualTo("{\"a\\\"b\",\"c\\\\d\",NULL,{\"1\",\"2\"},"
            + "\"{\\\"k\\\":\\\"v\\\"}\"}");
  }

  @Test
  void duplicateNamesGetTheNextFreeSuffix() {
    assertThat(PgCursor.uniqueNames(new String[] {"id", "id", "id_2", "x", "id"}))
        .containsExactly("id", "id_3", "id_2", "x", "id_4");
  }

  @Test
  void timestamptzTextIsConvertedToUtcExactlyAsTheDriversParserWould() {
    java.util.Random random = new java.util.Random(20261129);
    int[] offsets = {0, 0, 0, 2 * 3600, -3 * 3600, 5 * 3600 + 1800, -(9 * 3600 + 30 * 60),
        14 * 3600, -12 * 3600, -(46 * 60 + 40), 3600 + 15 * 60 + 7};
    for (int k = 0; k < 20_000; k++) {
      int year = k % 50 == 0 ? 1 + random.nextInt(999) : 1900 + random.nextInt(200);
      if (k % 997 == 0) {
        year = 9999;
      }
      LocalDateTime local = LocalDateTime.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28),
          random.nextInt(24), random.nextInt(60), random.nextInt(60),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000) * 1000);
      java.time.ZoneOffset off = java.time.ZoneOffset.ofTotalSeconds(offsets[k % offsets.length]);
      String text = pgText(local, off);
      java.time.OffsetDateTime odt = java.time.OffsetDateTime.of(local, off);
      LocalDateTime utc = odt.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
      String expected = utc.getYear() > 9999 ? null : PgValues.isoUtc(utc);
      assertThat(PgValues.timestamptzIso(text)).as(text).isEqualTo(expected);
      if (expected != null) {
        assertThat(PgValues.timestamptzText(text)).as(text).isEqualTo(expected);
      }
    }
  }

  @Test
  void timestamptzTextOutsideTheFastPathIsLeftToTheSlowOne() {
    for (String s : List.of("infinity", "-infinity", "0044-03-15 12:00:00+00 BC",
        "10000-01-01 00:00:00+00", "2024-01-01 00:00:00", "2024-01-01T00:00:00+00",
        "2024-01-01 00:00:00.+00", "2024-01-01 00:00:00+0", "2024-01-01 00:00:00+00:",
        "2024-01-01 00:00:00+00:00:00:00", "2024-0a-01 00:00:00+00", "")) {
      assertThat(PgValues.timestamptzIso(s)).as(s).isNull();
    }
    // trailing zeros in a fraction are not copied: the slow path's shape is kept
    assertThat(PgValues.timestamptzIso("2024-01-01 00:00:00.500000+00"))
        .isEqualTo("2024-01-01T00:00:00.5Z");
    assertThat(PgValues.timestamptzIso("2024-01-01 00:00:00.0+00"))
        .isEqualTo("2024-01-01T00:00:00Z");
    assertThat(PgValues.timestamptzIso("2024-02-29 13:14:15.5+02"))
        .isEqualTo("2024-02-29T11:14:15.5Z");
    assertThat(PgValues.timestamptzIso("9999-12-31 23:30:00-01")).isNull(); // year 10000 in UTC
  }

  /** What the server prints with DateStyle ISO: minutes and seconds of the offset only if set. */
  private static String pgText(LocalDateTime t, java.time.ZoneOffset off) {
    StringBuilder b = new StringBuilder(String.format("%04d-%02d-%02d %02d:%02d:%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
        t.getSecond()));
    if (t.getNano() > 0) {
      String f = String.format("%06d", t.getNano() / 1000).replaceAll("0+$", "");
      b.append('.').append(f);
    }
    int total = off.getTotalSeconds();
    int a = Math.abs(total);
    b.append(total < 0 ? '-' : '+').append(String.format("%02d", a / 3600));
    if (a % 3600 != 0) {
      b.append(String.format(":%02d", a % 3600 / 60));
      if (a % 60 != 0) {
        b.append(String.format(":%02d", a % 60));
      }
    }
    return b.toString();
  }

  @Test
  void jsonIsStreamedIntoTheSameValuesWithinABudget() {
    String doc = "{\"a\": [1, 2.50, -9223372036854775808, true, false, null, \"x\"],"
        + " \"b\": {\"c\": {}, \"d\": []}, \"n\": 12345678901234567890}";
    Object unlimited = PgValues.json(doc);
    assertThat(unlimited).isEqualTo(Map.of("a", Arrays.asList(1L, new BigDecimal("2.50"),
        "-9223372036854775808", true, false, null, "x"), "b", Map.of("c", Map.of(), "d",
        List.of()), "n", "12345678901234567890"));
    assertThat(PgValues.json(doc, new PgValues.Budget(1 << 20))).isEqualTo(unlimited);
  }

  @Test
  void tinyElementsStopAtTheNodeBudgetAndLargeValuesAtTheByteBudget() {
    String tiny = "[" + "{},".repeat(200_000) + "{}]";
    // 600 KB of text fits 1 MiB of bytes, but not 65,536 nodes (one per 16 bytes)
    assertThatThrownBy(() -> PgValues.json(tiny, new PgValues.Budget(1 << 20)))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE))
        .hasMessageContaining("elements");
    String secret = "4111111111111111-secret-" + "x".repeat(100_000);
    assertThatThrownBy(() -> PgValues.json("[\"" + secret + "\"]", new PgValues.Budget(50_000)))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE))
        .hasMessageContaining("bytes").hasMessageNotContaining("4111");
    assertThatThrownBy(() -> PgValues.PgArrays.parse("{" + "1,".repeat(100_000) + "1}", "int4",
        new PgValues.Budget(1 << 20)))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE));
    assertThatThrownBy(() -> PgValues.PgArrays.parse("{\"[" + "1,".repeat(10_000) + "1]\"}",
        "jsonb", new PgValues.Budget(4 << 10)))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE));
    assertThat(PgValues.PgArrays.parse("{" + "1,".repeat(999) + "1}", "int4",
        new PgValues.Budget(16 << 10))).hasSize(1000);
  }
}
