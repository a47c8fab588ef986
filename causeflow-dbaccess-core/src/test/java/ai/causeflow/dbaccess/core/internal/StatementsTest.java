package ai.causeflow.dbaccess.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementsTest {

  @Test
  void redactsStringsAndNumbersButKeepsIdentifiers() {
    assertThat(Statements.redactLiterals(
        "SELECT  *\n FROM t2 WHERE email = 'ana@example.com' AND id = 42 AND x = 'it''s'"))
        .isEqualTo("SELECT * FROM t2 WHERE email = ? AND id = ? AND x = ?");
    assertThat(Statements.redactLiterals("SELECT 3.14, 1e10, col_1 FROM \"T\""))
        .isEqualTo("SELECT ?, ?, col_1 FROM \"T\"");
  }

  @Test
  void anUnterminatedQuoteSwallowsTheRest() {
    assertThat(Statements.redactLiterals("SELECT 'secret and more")).isEqualTo("SELECT ?");
  }

  @Test
  void fingerprintsAreStableAndShort() {
    assertThat(Statements.fingerprint("SELECT ?")).matches("[0-9a-f]{16}")
        .isEqualTo(Statements.fingerprint("SELECT ?"))
        .isNotEqualTo(Statements.fingerprint("SELECT ?, ?"));
  }

  @Test
  void jsonSizeMatchesSerialisedLengthForAscii() {
    assertThat(JsonSize.of("abc")).isEqualTo(5);
    // An upper bound: exact but for one separator per entry.
    assertThat(JsonSize.of(java.util.Map.of("a", 1L))).isBetween(7L, 8L);
    assertThat(JsonSize.of(java.util.List.of(true, "x"))).isBetween(10L, 11L);
    assertThat(JsonSize.of("é\"")).isEqualTo(2 + 2 + 6);
  }

  @Test
  void digitCountsNeedNoString() {
    for (long v : new long[] {0, 7, -7, 9, 10, 99, 100, 123_456_789L, -1_000_000_000_000L,
        999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE}) {
      assertThat(JsonSize.digits(v)).as("digits of %d", v).isEqualTo(Long.toString(v).length());
    }
  }
}
