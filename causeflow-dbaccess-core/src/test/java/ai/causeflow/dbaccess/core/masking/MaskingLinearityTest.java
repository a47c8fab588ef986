package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Masking is linear in the input on every detector: adversarial runs (numbers back to back,
 * separators, {@code @}, {@code =}, quotes, {@code eyJ}, key=value chains) are timed at n and 4n
 * characters; a quadratic scan takes about 16 times longer at 4n, a linear one about 4 times.
 */
class MaskingLinearityTest {
  /** Adversarial units, each repeated to the measured size. */
  static final String[] UNITS = {
      "1", "1 ", "1-", "1.", "1/", "1(", "(1", "+1 ", "12 ", "123-", "1234 ", "1-2-",
      "4111111111111111 ", "4111111111111111", "4111-1111-1111-1111 ", "4111 1111 1111 1111 ",
      "4111 1111 1111 1111", "4111-1111-1111-1111-", "378282246310005 ", "3782 822463 10005 ",
      "529.982.247-25 ", "52998224725 ", "52998224725", "52998224725,", "529.982.247-25",
      "11.222.333/0001-81 ", "11222333000181 ", "11.222.333/0001-81",
      "123-45-6789 ", "123-45-6789", "+55 11 98765-4321 ", "(11) 98765-4321 ", "(11) 9 ",
      "555-234-5678 ", "+1 555 234 5678 ", "1.2.3.4 ", "1.2.3.4.", "::", "1:", "a:1::",
      "@", "a@", "a@b.", "a.b@", "@a.", "a@b.co ", "x%40", "a\\u0040",
      "=", "a=", "key=", "key=value ", "password=", "password=x&", "password=x ", "pwd=\"",
      "\"", "'", "\\\"", "\"password\":\"x\",", "password '", "password ''", "<password>x<",
      "eyJ", "eyJa.", "eyJa.eyJb.", "eyJa.eyJb.c ", "Bearer ", "Bearer x", "AKIA", "GB82",
      "GB82 WEST ", "ghp_", "sk-", "xoxb-", "-----BEGIN ", "-----BEGIN PRIVATE KEY-----",
      "x://a:", "x://a:b@", "_", "-", "a-", "z", "api_key:", "token: ", "Authorization: ",
      "a=b&", "password=x;", "a=b;password=", "\"a\":\"b\",", "\"key\": \"", "'a'='b' ",
      "4111111111111111-", "4111111111111111,", "52998224725-", "(11)", "(1)", "+1 (",
      "1 1 ", "1  ", "1 -", "1- ", "1.-", "9 8765-4321 ", "1-1-1-1-1-1-1-1-1 ",
  };

  private static long time(Masking m, String in) {
    long best = Long.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      long t0 = System.nanoTime();
      m.maskText(in, new MaskingStats());
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }

  private static String fill(String unit, int size) {
    return unit.repeat(Math.max(1, size / unit.length()));
  }

  @Test
  void everyAdversarialRunScansInLinearTime() {
    Masking all = Masking.builder().enable("ipv4", "ipv6").build();
    int n = Integer.getInteger("linearity.n", 65_536);
    List<String> slow = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (String unit : UNITS) {
      String small = fill(unit, n);
      String big = fill(unit, 4 * n);
      time(all, small); // warm up
      // a unit is slow only if it is so on three measurements (a shared machine can stall one);
      // quadratic code is slow every time
      boolean superLinear = true;
      for (int attempt = 0; attempt < 3 && superLinear; attempt++) {
        long a = Math.max(time(all, small), 20_000);
        long b = time(all, big);
        double ratio = (double) b / a;
        report.append(String.format("%-32s n=%8d %9.3f ms  4n=%9.3f ms  ratio %.1f%n",
            "'" + unit + "'", small.length(), a / 1e6, b / 1e6, ratio));
        superLinear = ratio > 10 && b > 100_000_000L;
      }
      if (superLinear) {
        slow.add(unit);
      }
    }
    assertThat(slow).as(report.toString()).isEmpty();
  }

  /**
   * At the default byte cap (16 MiB) every number detector's worst case masks in well under the
   * budget. Before numeric runs were measured once, 128 K characters of back-to-back CNPJs took
   * 2.6 s here; 16 M characters would have taken hours.
   */
  @Test
  void numbersBackToBackAtTheByteCapMaskWithinABudget() {
    Masking all = Masking.builder().enable("ipv4", "ipv6").build();
    String[] units = {"4111 1111 1111 1111 ", "4111-1111-1111-1111 ", "4111111111111111 ",
        "378282246310005 ", "529.982.247-25 ", "52998224725 ", "11.222.333/0001-81 ",
        "11222333000181 ", "123-45-6789 ", "(11) 98765-4321 ", "555-234-5678 ", "1.2.3.4 ",
        "1 ", "a@b.co ", "password=x&", "eyJa.eyJb.c "};
    for (String unit : units) {
      String in = fill(unit, 16 << 20);
      long t0 = System.nanoTime();
      String out = all.maskText(in, new MaskingStats());
      long took = System.nanoTime() - t0;
      assertThat(Duration.ofNanos(took)).as(unit).isLessThan(Duration.ofSeconds(4));
      if (!unit.equals("1 ")) {
        assertThat(out).as(unit).isNotEqualTo(in); // every unit holds a match: recall kept
      }
    }
  }

  /** Every occurrence in a back-to-back run is still found (recall is not traded for speed). */
  @Test
  void backToBackNumbersAreAllMasked() {
    Masking all = Masking.defaults();
    MaskingStats st = new MaskingStats();
    String out = all.maskText("4111 1111 1111 1111 ".repeat(1000), st);
    assertThat(out).isEqualTo("****-****-****-**** ".repeat(1000));
    assertThat(st.patternsApplied()).containsEntry("credit_card", 1000);
    st = new MaskingStats();
    out = all.maskText("52998224725 11.222.333/0001-81 123-45-6789 (11) 98765-4321 ".repeat(500),
        st);
    assertThat(out).doesNotContain("52998224725", "11.222.333", "123-45-6789", "98765");
    assertThat(st.patternsApplied()).containsEntry("cpf", 500).containsEntry("cnpj", 500)
        .containsEntry("us_ssn", 500).containsEntry("phone", 500);
  }
}
