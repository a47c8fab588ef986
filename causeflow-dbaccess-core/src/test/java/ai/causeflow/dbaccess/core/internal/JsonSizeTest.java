package ai.causeflow.dbaccess.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSizeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static long written(Object v) throws Exception {
    return JSON.writeValueAsString(v).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void decimalsAreSizedWithoutBuildingTheirStringAndMatchWhatJacksonWrites() throws Exception {
    Random r = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      BigInteger unscaled = new BigInteger(1 + r.nextInt(80), r);
      if (r.nextBoolean()) {
        unscaled = unscaled.negate();
      }
      BigDecimal d = new BigDecimal(unscaled, r.nextInt(60) - 20);
      long expected = written(d);
      long size = JsonSize.decimalSize(d);
      if (d.scale() >= 0 && d.precision() - 1 - d.scale() >= -6) {
        assertThat(size).as(d.toString()).isEqualTo(expected);
      } else {
        assertThat(size).as(d.toString()).isGreaterThanOrEqualTo(expected);
      }
    }
    for (String s : List.of("0", "0.00", "-0.5", "12.50", "1E+3", "1.0E-7", "0.000001",
        "-123456789012345678901234567890.123")) {
      assertThat(JsonSize.decimalSize(new BigDecimal(s))).as(s)
          .isGreaterThanOrEqualTo(written(new BigDecimal(s)));
    }
  }

  @Test
  void rowsAreSizedAsJacksonWritesThem() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 42L);
    row.put("name", "plain ascii");
    row.put("quote", "say \"hi\"\\");
    row.put("accents", "héllo wörld ✓");
    row.put("amount", new BigDecimal("1234.50"));
    row.put("flag", true);
    row.put("none", null);
    row.put("list", Arrays.asList(1L, "two", null));
    row.put("nested", Map.of("k", "v"));
    assertThat(JsonSize.of(row)).isGreaterThanOrEqualTo(written(row));
    // over by at most a separator per entry and 4 per escaped character (counted as six bytes,
    // written as two); three escaped characters here
    assertThat(JsonSize.of(row) - written(row)).isBetween(0L, (long) row.size() + 4 + 3 * 4);
  }
}
