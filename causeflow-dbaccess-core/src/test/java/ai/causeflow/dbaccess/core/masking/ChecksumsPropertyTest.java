package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.masking.internal.Checksums;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests with a seeded generator: valid numbers built by the textbook algorithm pass,
 * and every single-digit corruption and adjacent transposition of them fails (the errors these
 * check digits are designed to catch). The generators here are independent of the code under
 * test.
 */
class ChecksumsPropertyTest {
  private static final int RUNS = 2_000;

  // ---------------------------------------------------------------- reference generators

  static String luhnComplete(String body) {
    for (int check = 0; check <= 9; check++) {
      String candidate = body + check;
      int sum = 0;
      for (int i = 0; i < candidate.length(); i++) {
        int d = candidate.charAt(candidate.length() - 1 - i) - '0';
        if (i % 2 == 1) {
          d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        }
        sum += d;
      }
      if (sum % 10 == 0) {
        return candidate;
      }
    }
    throw new AssertionError();
  }

  static String cpfComplete(String nine) {
    String s = nine;
    for (int round = 0; round < 2; round++) {
      int sum = 0;
      for (int i = 0; i < s.length(); i++) {
        sum += (s.charAt(i) - '0') * (s.length() + 1 - i);
      }
      int r = sum % 11;
      s += r < 2 ? 0 : 11 - r;
    }
    return s;
  }

  static String cnpjComplete(String twelve) {
    String s = twelve;
    for (int round = 0; round < 2; round++) {
      int sum = 0;
      int w = 2;
      for (int i = s.length() - 1; i >= 0; i--) {
        sum += (s.charAt(i) - '0') * w;
        w = w == 9 ? 2 : w + 1;
      }
      int r = sum % 11;
      s += r < 2 ? 0 : 11 - r;
    }
    return s;
  }

  static String ibanComplete(String country, String bban) {
    StringBuilder numeric = new StringBuilder();
    for (char c : (bban + country + "00").toCharArray()) {
      numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
    return country + (check < 10 ? "0" : "") + check + bban;
  }

  static String digits(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }

  static String changeOneDigit(Random r, String s) {
    int at = r.nextInt(s.length());
    char old = s.charAt(at);
    char neu;
    do {
      neu = (char) ('0' + r.nextInt(10));
    } while (neu == old);
    return s.substring(0, at) + neu + s.substring(at + 1);
  }

  // ---------------------------------------------------------------- properties

  @Test
  void luhn() {
    Random r = new Random(20261129L);
    for (int i = 0; i < RUNS; i++) {
      String valid = luhnComplete(digits(r, 12 + r.nextInt(7)));
      assertThat(Checksums.luhn(valid)).as(valid).isTrue();
      String corrupted = changeOneDigit(r, valid);
      assertThat(Checksums.luhn(corrupted)).as(corrupted).isFalse();
      assertThat(Checksums.luhn(valid.substring(0, 4) + " " + valid.substring(4))).isTrue();
    }
  }

  @Test
  void cpf() {
    Random r = new Random(11L);
    int caught = 0;
    for (int i = 0; i < RUNS; i++) {
      String valid = cpfComplete(digits(r, 9));
      if (valid.chars().distinct().count() == 1) {
        continue;
      }
      assertThat(Checksums.cpf(valid)).as(valid).isTrue();
      String formatted = valid.substring(0, 3) + "." + valid.substring(3, 6) + "."
          + valid.substring(6, 9) + "-" + valid.substring(9);
      assertThat(Checksums.cpf(formatted)).isTrue();
      // mod 11 maps remainders 0 and 1 to the same digit, so a few corruptions stay valid:
      // the detector must agree with the reference on every one of them
      String corrupted = changeOneDigit(r, valid);
      boolean refValid = cpfComplete(corrupted.substring(0, 9)).equals(corrupted);
      assertThat(Checksums.cpf(corrupted)).as(corrupted).isEqualTo(refValid);
      caught += refValid ? 0 : 1;
      int t = r.nextInt(10);
      if (valid.charAt(t) != valid.charAt(t + 1)) {
        String swapped = valid.substring(0, t) + valid.charAt(t + 1) + valid.charAt(t)
            + valid.substring(t + 2);
        assertThat(Checksums.cpf(swapped)).as(swapped)
            .isEqualTo(cpfComplete(swapped.substring(0, 9)).equals(swapped));
      }
    }
    assertThat(caught).isGreaterThan(RUNS * 85 / 100);
    assertThat(Checksums.cpf("11111111111")).isFalse();
  }

  @Test
  void cnpj() {
    Random r = new Random(14L);
    int caught = 0;
    for (int i = 0; i < RUNS; i++) {
      String valid = cnpjComplete(digits(r, 12));
      if (valid.chars().distinct().count() == 1) {
        continue;
      }
      assertThat(Checksums.cnpj(valid)).as(valid).isTrue();
      String corrupted = changeOneDigit(r, valid);
      boolean refValid = cnpjComplete(corrupted.substring(0, 12)).equals(corrupted);
      assertThat(Checksums.cnpj(corrupted)).as(corrupted).isEqualTo(refValid);
      caught += refValid ? 0 : 1;
    }
    assertThat(caught).isGreaterThan(RUNS * 85 / 100);
    assertThat(Checksums.cnpj("11.222.333/0001-81")).isTrue();
  }

  @Test
  void iban() {
    Random r = new Random(97L);
    String[] countries = {"GB", "DE", "FR", "BR", "NL", "ES", "IT", "PT"};
    for (int i = 0; i < RUNS; i++) {
      String country = countries[r.nextInt(countries.length)];
      StringBuilder bban = new StringBuilder();
      int len = 11 + r.nextInt(20);
      for (int k = 0; k < len; k++) {
        bban.append(r.nextInt(4) == 0 ? (char) ('A' + r.nextInt(26)) : (char) ('0' + r.nextInt(10)));
      }
      String valid = ibanComplete(country, bban.toString());
      assertThat(Checksums.iban(valid)).as(valid).isTrue();
      // a digit changed anywhere after the country code is caught by mod 97
      int at = 2 + r.nextInt(valid.length() - 2);
      char c = valid.charAt(at);
      if (Character.isDigit(c)) {
        String corrupted = valid.substring(0, at) + (char) ('0' + (c - '0' + 1 + r.nextInt(9)) % 10)
            + valid.substring(at + 1);
        assertThat(Checksums.iban(corrupted)).as(corrupted).isFalse();
      }
    }
    assertThat(Checksums.iban("GB82 WEST 1234 5698 7654 32")).isTrue();
    assertThat(Checksums.iban("GB82 WEST 1234 5698 7654 33")).isFalse();
  }

  @Test
  void validNumbersAreDetectedInTextAndCorruptedOnesAreNot() {
    Random r = new Random(5L);
    Masking m = Masking.defaults();
    for (int i = 0; i < 500; i++) {
      String cpf = cpfComplete(digits(r, 9));
      if (cpf.chars().distinct().count() == 1) {
        continue;
      }
      assertThat(m.maskText("cpf " + cpf + ".", new MaskingStats())).isEqualTo("cpf ***.***.***-**.");
      String bad = changeOneDigit(r, cpf);
      if (cpfComplete(bad.substring(0, 9)).equals(bad)) {
        continue; // still a valid CPF
      }
      String text = "id " + bad + ".";
      assertThat(m.maskText(text, new MaskingStats())).as(bad).isSameAs(text);
      String card = luhnComplete("4" + digits(r, 14));
      assertThat(m.maskText(card, new MaskingStats())).isEqualTo("****-****-****-****");
      String badCard = changeOneDigit(r, card);
      if (badCard.charAt(0) >= '3' && badCard.charAt(0) <= '6') {
        assertThat(m.maskText(badCard, new MaskingStats())).as(badCard).isSameAs(badCard);
      }
    }
  }
}
