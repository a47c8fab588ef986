package ai.causeflow.dbaccess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.internal.JsonSize;
import ai.causeflow.dbaccess.core.spi.RowShape;
import ai.causeflow.dbaccess.core.spi.ValueModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValueJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static long bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void everyTypeOfTheModelIsWrittenAsTheModelSays() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("null", null);
    row.put("bool", true);
    row.put("byte", (byte) -3);
    row.put("short", (short) 300);
    row.put("int", 42);
    row.put("safeLong", 9_007_199_254_740_992L);
    row.put("bigLong", 9_007_199_254_740_993L);
    row.put("negBigLong", -9_007_199_254_740_993L);
    row.put("safeBigInt", BigInteger.valueOf(-9_007_199_254_740_992L));
    row.put("bigInt", new BigInteger("123456789012345678901234567890"));
    row.put("decimal", new BigDecimal("1234.50"));
    row.put("bigDecimal", new BigDecimal("12345678901234567.891"));
    row.put("double", 0.1);
    row.put("float", 0.1f);
    row.put("nan", Double.NaN);
    row.put("inf", Float.NEGATIVE_INFINITY);
    row.put("string", "héllo \"x\"");
    row.put("bytes", new byte[] {0, 1, 2, (byte) 0xff});
    row.put("instant", Instant.parse("2024-02-29T11:14:15.500Z"));
    row.put("odt", OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 0, ZoneOffset.ofHours(2)));
    row.put("zdt", ZonedDateTime.of(2024, 2, 29, 6, 14, 15, 0, ZoneId.of("America/New_York")));
    row.put("date", new Date(Instant.parse("2024-02-29T11:14:15Z").toEpochMilli()));
    row.put("timestamp", Timestamp.from(Instant.parse("2024-02-29T11:14:15.123456789Z")));
    row.put("ldt", LocalDateTime.of(2024, 2, 29, 11, 14));
    row.put("ld", LocalDate.of(2024, 2, 29));
    row.put("lt", LocalTime.of(11, 14));
    row.put("ot", OffsetTime.of(11, 14, 15, 0, ZoneOffset.ofHours(-3)));
    row.put("duration", Duration.ofSeconds(90));
    row.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    row.put("list", Arrays.asList(1, "two", null));
    row.put("set", new LinkedHashSet<>(List.of("a", "b")));
    row.put("map", Map.of("k", List.of(Map.of("deep", 1L))));

    String json = ValueJson.toJson(row);
    assertThat(json).isEqualTo("{\"null\":null,\"bool\":true,\"byte\":-3,\"short\":300,"
        + "\"int\":42,\"safeLong\":9007199254740992,\"bigLong\":\"9007199254740993\","
        + "\"negBigLong\":\"-9007199254740993\",\"safeBigInt\":-9007199254740992,"
        + "\"bigInt\":\"123456789012345678901234567890\",\"decimal\":1234.50,"
        + "\"bigDecimal\":\"12345678901234567.891\",\"double\":0.1,\"float\":0.1,"
        + "\"nan\":\"NaN\",\"inf\":\"-Infinity\",\"string\":\"héllo \\\"x\\\"\","
        + "\"bytes\":\"AAEC/w==\",\"instant\":\"2024-02-29T11:14:15.5Z\","
        + "\"odt\":\"2024-02-29T11:14:15Z\",\"zdt\":\"2024-02-29T11:14:15Z\","
        + "\"date\":\"2024-02-29T11:14:15Z\",\"timestamp\":\"2024-02-29T11:14:15.123456789Z\","
        + "\"ldt\":\"2024-02-29T11:14:00\",\"ld\":\"2024-02-29\",\"lt\":\"11:14:00\","
        + "\"ot\":\"11:14:15-03:00\",\"duration\":\"PT1M30S\","
        + "\"uuid\":\"123e4567-e89b-12d3-a456-426614174000\",\"list\":[1,\"two\",null],"
        + "\"set\":[\"a\",\"b\"],\"map\":{\"k\":[{\"deep\":1}]}}");
    assertThat(ValueModel.isModelValue(row)).isTrue();
  }

  /** The byte cap measures what the writer writes: exact for ASCII, never below for the rest. */
  @Test
  void sizingAgreesWithTheWriter() throws Exception {
    Random r = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      Object v = randomValue(r, 0);
      String json = ValueJson.toJson(v);
      JSON.readTree(json); // valid JSON
      long size = JsonSize.of(v);
      if (json.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !json.contains("\\")) {
        assertThat(size).as(json).isEqualTo(bytes(json));
      } else {
        assertThat(size).as(json).isGreaterThanOrEqualTo(bytes(json));
      }
    }
    RowShape shape = RowShape.of(List.of("id", "when", "tags"));
    Map<String, Object> row = shape.row(new Object[] {1L << 60, Instant.EPOCH, List.of("x")});
    String json = ValueJson.toJson(row);
    assertThat(json).isEqualTo("{\"id\":\"1152921504606846976\",\"when\":\"1970-01-01T00:00:00Z\","
        + "\"tags\":[\"x\"]}");
    assertThat(JsonSize.ofRow(row)).isEqualTo(bytes(json));
  }

  @Test
  void aValueOutsideTheModelIsACodedErrorNamingTheColumnNeverItsText() {
    enum Color { RED }
    Object secretish = new Object() {
      @Override
      public String toString() {
        return "4111 1111 1111 1111";
      }
    };
    for (Object bad : List.<Object>of(Color.RED, secretish, new int[] {1}, new StringBuilder("x"),
        Map.of(1, "non-string key"), List.of(Map.of("nested", new Object[] {"a"})))) {
      assertThat(ValueModel.isModelValue(bad)).as(bad.getClass().getName()).isFalse();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("ok", 1);
      row.put("payload", bad);
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ValueJson.toJson(List.of(row)));
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(e.getMessage()).doesNotContain("4111").doesNotContain("non-string key");
      DbAccessException sized = catchThrowableOfType(DbAccessException.class,
          () -> JsonSize.ofRow(row));
      assertThat(sized.code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(sized.getMessage()).startsWith("column 'payload':").doesNotContain("4111");
    }
    DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> {
      var g = JSON.getFactory().createGenerator(new java.io.StringWriter());
      ValueJson.writeRow(g, Map.of("color", Color.RED));
    });
    assertThat(e.getMessage()).startsWith("column 'color':");
  }

  private static Object randomValue(Random r, int depth) {
    int k = r.nextInt(depth > 2 ? 14 : 17);
    return switch (k) {
      case 0 -> r.nextBoolean();
      case 1 -> r.nextInt();
      case 2 -> r.nextLong() >> r.nextInt(64);
      case 3 -> new BigInteger(1 + r.nextInt(90), r).subtract(BigInteger.TEN.pow(10));
      case 4 -> new BigDecimal(new BigInteger(1 + r.nextInt(70), r), r.nextInt(30) - 10);
      case 5 -> r.nextBoolean() ? r.nextDouble() * Math.pow(10, r.nextInt(40) - 20)
          : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0}[r.nextInt(3)];
      case 6 -> r.nextFloat() * 1000;
      case 7 -> randomString(r);
      case 8 -> {
        byte[] b = new byte[r.nextInt(10)];
        r.nextBytes(b);
        yield b;
      }
      case 9 -> Instant.ofEpochSecond(r.nextInt(Integer.MAX_VALUE), r.nextInt(1_000_000_000));
      case 10 -> LocalDateTime.ofEpochSecond(r.nextInt(Integer.MAX_VALUE),
          r.nextBoolean() ? 0 : r.nextInt(1_000_000_000), ZoneOffset.UTC);
      case 11 -> new UUID(r.nextLong(), r.nextLong());
      case 12 -> LocalTime.ofNanoOfDay(Math.floorMod(r.nextLong(), 86_400_000_000_000L));
      case 13 -> (short) r.nextInt();
      case 14 -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          l.add(randomValue(r, depth + 1));
        }
        yield l;
      }
      case 15 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          m.put(randomString(r), randomValue(r, depth + 1));
        }
        yield m;
      }
      default -> new LinkedHashSet<>(List.of(randomString(r), randomString(r)));
    };
  }

  private static String randomString(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      int c = r.nextInt(10);
      b.append(c < 7 ? (char) ('a' + r.nextInt(26)) : c == 7 ? '"' : c == 8 ? 'é' : '\n');
    }
    return b.toString();
  }

  @Test
  void writerOutputParsesBackToTheSameJsonTree() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("a", List.of(1, 2.5, "x"));
    JsonNode n = JSON.readTree(ValueJson.toJson(row));
    assertThat(n.get("a").get(1).doubleValue()).isEqualTo(2.5);
  }
}
