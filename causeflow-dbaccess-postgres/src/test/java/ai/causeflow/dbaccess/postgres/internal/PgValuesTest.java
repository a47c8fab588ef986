package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
