package ai.causeflow.dbaccess.core.masking;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.Secret;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Strategies, rows, nested values, column rules, custom patterns and their work budget. */
class MaskingTest {
  private static final Secret KEY = Secret.of("test-key-0123456789abcdef");
  private static final List<Column> COLS = List.of(new Column("id", "int8", "public.users"),
      new Column("email", "text", "public.users"), new Column("note", "text", "public.users"),
      new Column("payload", "jsonb", "public.users"));

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // ------------------------------------------------------------ strategies

  @Test
  void partialKeepsLastFourDigitsAndTheEmailDomain() {
    Masking m = Masking.builder().strategy("credit_card", Strategy.PARTIAL)
        .strategy("email", Strategy.PARTIAL).strategy("cpf", Strategy.PARTIAL)
        .strategy("phone", Strategy.PARTIAL).strategy("bearer_token", Strategy.PARTIAL)
        .strategy("aws_access_key", Strategy.PARTIAL).build();
    MaskingStats st = new MaskingStats();
    assertThat(m.maskText("card 4111 1111 1111 1111", st)).isEqualTo("card **** **** **** 1111");
    assertThat(m.maskText("mail ana@example.com", st)).isEqualTo("mail ***@example.com");
    assertThat(m.maskText("cpf 123.456.789-09", st)).isEqualTo("cpf ***.***.*89-09");
    assertThat(m.maskText("tel (11) 98765-4321", st)).isEqualTo("tel (**) *****-4321");
    assertThat(m.maskText("Bearer abc123def456ghi789", st)).isEqualTo("Bearer ***");
    assertThat(m.maskText("AKIAIOSFODNN7EXAMPLE", st)).isEqualTo("AKIA************MPLE");
  }

  @Test
  void tokenizeIsStableAcrossFormatsRowsAndInstancesAndDependsOnTheKey() {
    Masking a = Masking.builder().strategy("email", Strategy.TOKENIZE)
        .strategy("credit_card", Strategy.TOKENIZE).tokenizationKey(KEY).build();
    Masking b = Masking.builder().strategy("email", Strategy.TOKENIZE)
        .strategy("credit_card", Strategy.TOKENIZE).tokenizationKey(KEY).build();
    Masking other = Masking.builder().strategy("email", Strategy.TOKENIZE)
        .tokenizationKey(Secret.of("another-key-0123456789")).build();
    String t1 = a.maskText("ana@example.com", new MaskingStats());
    assertThat(t1).matches("email:[0-9a-f]{8}");
    assertThat(b.maskText("from Ana@Example.com", new MaskingStats())).isEqualTo("from " + t1);
    assertThat(a.maskText("bob@example.com", new MaskingStats())).isNotEqualTo(t1);
    assertThat(other.maskText("ana@example.com", new MaskingStats())).isNotEqualTo(t1);
    String c1 = a.maskText("4111 1111 1111 1111", new MaskingStats());
    assertThat(c1).matches("credit_card:[0-9a-f]{8}");
    assertThat(b.maskText("4111-1111-1111-1111", new MaskingStats())).isEqualTo(c1);
    assertThat(a.toString()).doesNotContain(KEY.reveal());
  }

  @Test
  void dropRemovesTheFieldInRowsMapsAndListsAndRedactsInText() {
    Masking m = Masking.builder().strategy("email", Strategy.DROP).build();
    MaskingStats st = new MaskingStats();
    Map<String, Object> r = row("id", 1L, "email", "ana@example.com",
        "payload", Map.of("tags", List.of("a", "x@y.com")));
    Map<String, Object> out = m.maskRow(COLS, r, st);
    assertThat(out).containsOnlyKeys("id", "payload");
    assertThat(out.get("payload")).isEqualTo(Map.of("tags", List.of("a")));
    assertThat(st.maskedFieldCount()).isEqualTo(2);
    assertThat(st.patternsApplied()).containsEntry("email", 2);
    assertThat(m.maskText("where email = 'ana@example.com'", new MaskingStats()))
        .isEqualTo("where email = '***@***.***'");
  }

  // ------------------------------------------------------------ rows and values

  @Test
  void rowWithNothingToMaskIsTheSameInstance() {
    Map<String, Object> r = row("id", 42L, "email", "nobody", "note", "all good",
        "payload", Map.of("k", List.of(1, 2, "x")), "at", Instant.EPOCH, "u", UUID.randomUUID(),
        "flag", true, "amount", new BigDecimal("1234.56"));
    MaskingStats st = new MaskingStats();
    assertThat(Masking.defaults().maskRow(COLS, r, st)).isSameAs(r);
    assertThat(st.maskedFieldCount()).isZero();
  }

  @Test
  void primitiveArraysAreScannedElementByElement() {
    long[] cpfs = {52998224725L, 7L};
    char[] text = "mail ana@example.com".toCharArray();
    int[] small = {1, 2, 3};
    Map<String, Object> r = row("a", cpfs, "b", text, "c", small, "d", new double[] {4.111111111111111E15});
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = Masking.defaults().maskRow(List.of(), r, st);
    assertThat(out.get("a")).isEqualTo(List.of("***.***.***-**", 7L));
    assertThat(out.get("b")).isEqualTo("mail ***@***.***");
    assertThat(out.get("c")).isSameAs(small);
    assertThat(out.get("d")).isEqualTo(List.of("****-****-****-****"));
    assertThat(st.patternsApplied()).containsOnlyKeys("cpf", "email", "credit_card");
  }

  @Test
  void valuesUnderSecretKeysAreMaskedInRowsAndDocumentsWithoutRules() {
    // a MongoDB/DynamoDB document or a parsed JSONB value: the key is not in the value's text
    Map<String, Object> doc = row("user", "ana", "password", "hunter2", "apiKey", "k-123",
        "token_count", 42, "password_reset_at", "2026-01-01T00:00:00Z", "secret", null,
        "headers", List.of(row("Authorization", "Basic dXNlcjpwYXNzd29yZA==")),
        "auth", row("accessToken", "opaque-xyz", "refresh_token", "***", "pin", 1234));
    Map<String, Object> r = row("id", 7, "db_password", "s3cret", "payload", doc,
        "pwd", "/srv/app", "session_token", 123456789L);
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = Masking.defaults().maskRow(COLS, r, st);
    assertThat(out.get("db_password")).isEqualTo("***");
    assertThat(out.get("pwd")).isEqualTo("/srv/app");
    assertThat(out.get("session_token")).isEqualTo("***");
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) out.get("payload");
    assertThat(p).containsEntry("user", "ana").containsEntry("password", "***")
        .containsEntry("apiKey", "***").containsEntry("token_count", 42)
        .containsEntry("password_reset_at", "2026-01-01T00:00:00Z").containsEntry("secret", null)
        .containsEntry("headers", List.of(row("Authorization", "Basic ***")))
        .containsEntry("auth", row("accessToken", "***", "refresh_token", "***", "pin", 1234));
    assertThat(out.toString()).doesNotContain("hunter2", "k-123", "s3cret", "dXNlcjpwYXNzd29yZA",
        "opaque-xyz", "123456789");
    assertThat(st.patternsApplied()).containsEntry("secret_assignment", 6);
    assertThat(st.maskedFieldCount()).isEqualTo(6);
    // their own detectors keep their shapes; off means off
    assertThat(Masking.defaults().maskRow(List.of(),
        row("authorization", "Bearer abc123def456ghi789"), new MaskingStats()))
        .containsEntry("authorization", "Bearer ***");
    Map<String, Object> clean = row("password", "hunter2");
    assertThat(Masking.builder().disable("secret_assignment").build()
        .maskRow(List.of(), clean, new MaskingStats())).isSameAs(clean);
    Map<String, Object> dropped = Masking.builder().strategy("secret_assignment", Strategy.DROP)
        .build().maskRow(List.of(), row("a", 1, "token", "t-1"), new MaskingStats());
    assertThat(dropped).containsOnlyKeys("a");
    Map<String, Object> lists = row("token", List.of("t-1", "${T}", List.of("t-2")),
        "tokens", List.of("plain"), "api_key", Set.of("k-9"));
    MaskingStats ls = new MaskingStats();
    Map<String, Object> lo = Masking.defaults().maskRow(List.of(), lists, ls);
    assertThat(lo.get("token")).isEqualTo(List.of("***", "${T}", List.of("***")));
    assertThat(lo.get("tokens")).isSameAs(lists.get("tokens"));
    assertThat(lo.get("api_key")).isEqualTo(List.of("***"));
    assertThat(ls.patternsApplied()).containsEntry("secret_assignment", 3);
  }

  @Test
  void numbersAreStringifiedForDetectionAndBecomeStringsWhenMasked() {
    Map<String, Object> r = row("a", 52998224725L, "b", new BigDecimal("52998224725"),
        "c", new BigInteger("4111111111111111"), "d", 52998224725.0, "e", 12345678900L,
        "f", -4872318752083120125L, "g", 1764397453123L, "h", Boolean.TRUE,
        "i", new BigDecimal("52998224725.50"));
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = Masking.defaults().maskRow(COLS, r, st);
    assertThat(out.get("a")).isEqualTo("***.***.***-**");
    assertThat(out.get("b")).isEqualTo("***.***.***-**");
    assertThat(out.get("c")).isEqualTo("****-****-****-****");
    assertThat(out.get("d")).isEqualTo("***.***.***-**");
    assertThat(out.get("e")).isSameAs(r.get("e"));
    assertThat(out.get("f")).isSameAs(r.get("f"));
    assertThat(out.get("g")).isSameAs(r.get("g"));
    assertThat(out.get("h")).isSameAs(Boolean.TRUE);
    assertThat(out.get("i")).isSameAs(r.get("i"));
    assertThat(st.maskedFieldCount()).isEqualTo(4);
    assertThat(st.patternsApplied()).isEqualTo(Map.of("cpf", 3, "credit_card", 1));
  }

  @Test
  void nestedDocumentsListsArraysAndKeysAreMaskedWithoutTouchingTheInput() {
    Map<String, Object> customer = new LinkedHashMap<>(Map.of("name", "Ana",
        "contacts", List.of("ana@example.com", Map.of("cpf", "123.456.789-09"))));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("customer", customer);
    payload.put("ana@example.com", "keyed by e-mail");
    payload.put("arr", new Object[] {"4111111111111111", 7});
    Map<String, Object> r = row("payload", payload);
    MaskingStats st = new MaskingStats();
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) Masking.defaults().maskRow(COLS, r, st)
        .get("payload");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) out.get("customer");
    assertThat(c.get("name")).isEqualTo("Ana");
    assertThat(c.get("contacts")).isEqualTo(List.of("***@***.***",
        Map.of("cpf", "***.***.***-**")));
    assertThat(out).containsKey("***@***.***").doesNotContainKey("ana@example.com");
    assertThat((Object[]) out.get("arr")).containsExactly("****-****-****-****", 7);
    assertThat(payload).containsKey("ana@example.com"); // input untouched
    assertThat(customer.get("contacts")).isEqualTo(List.of("ana@example.com",
        Map.of("cpf", "123.456.789-09")));
    assertThat(st.maskedFieldCount()).isEqualTo(4);
  }

  @Test
  void setsAreScannedAndKeptWhenClean() {
    Set<String> clean = new LinkedHashSet<>(List.of("a", "b"));
    Set<String> dirty = new LinkedHashSet<>(List.of("a", "ana@example.com"));
    Map<String, Object> r = row("tags", clean);
    assertThat(Masking.defaults().maskRow(COLS, r, new MaskingStats())).isSameAs(r);
    assertThat(Masking.defaults().maskRow(COLS, row("tags", dirty), new MaskingStats()))
        .containsEntry("tags", List.of("a", "***@***.***"));
  }

  @Test
  void valuesNestedBeyondTheDepthCapAreMaskedWhole() {
    Object v = "clean";
    for (int i = 0; i < 100; i++) {
      v = List.of(v);
    }
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = Masking.defaults().maskRow(COLS, row("payload", v), st);
    Object cur = out.get("payload");
    int depth = 0;
    while (cur instanceof List<?> l) {
      cur = l.get(0);
      depth++;
    }
    assertThat(cur).isEqualTo("***");
    assertThat(depth).isLessThan(100);
    assertThat(st.patternsApplied()).containsEntry("max_depth", 1);
  }

  // ------------------------------------------------------------ column rules

  @Test
  void columnRulesMaskWholeValuesByNameQualifiedNameAndKeyPath() {
    Masking m = Masking.builder().tokenizationKey(KEY)
        .columnRule("*password*", Strategy.REDACT)
        .columnRule("public.users.note", Strategy.PARTIAL)
        .columnRule("payload.customer.email", Strategy.TOKENIZE)
        .columnRule("ssn", Strategy.DROP)
        .build();
    Map<String, Object> payload = Map.of("customer", Map.of("email", "not-an-email-at-all",
        "ssn", "123", "name", "Ana"), "Password_Hash", Map.of("x", 1));
    Map<String, Object> r = row("id", 7L, "note", "order 998877665544", "payload", payload,
        "user_password", "hunter2");
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = m.maskRow(COLS, r, st);
    assertThat(out.get("user_password")).isEqualTo("***");
    assertThat(out.get("note")).isEqualTo("**************5544");
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) out.get("payload");
    assertThat(p.get("Password_Hash")).isEqualTo("***");
    @SuppressWarnings("unchecked")
    Map<String, Object> cust = (Map<String, Object>) p.get("customer");
    assertThat(cust).containsOnlyKeys("email", "name");
    assertThat((String) cust.get("email")).matches("tok:[0-9a-f]{8}");
    assertThat(st.patternsApplied()).containsEntry("column:*password*", 2)
        .containsEntry("column:ssn", 1).containsEntry("column:public.users.note", 1);
    assertThat(String.valueOf(out)).doesNotContain("hunter2", "not-an-email", "998877665544");
  }

  @Test
  void keyRulesReachJsonHeldAsText() {
    Masking m = Masking.builder().columnRule("payload.customer.name", Strategy.REDACT)
        .columnRule("*secret*", Strategy.DROP).build();
    String json = "{\"customer\": {\"name\": \"Ana Maria\", \"tier\": 2, \"api_secret\": \"s\"},"
        + " \"amount\": 12.50, \"mail\": \"ana@example.com\"}";
    MaskingStats st = new MaskingStats();
    Object out = m.maskRow(COLS, row("payload", json), st).get("payload");
    assertThat(out).isEqualTo("{\"customer\":{\"name\":\"***\",\"tier\":2},\"amount\":12.50,"
        + "\"mail\":\"***@***.***\"}");
    assertThat(st.patternsApplied()).isEqualTo(Map.of("column:payload.customer.name", 1,
        "column:*secret*", 1, "email", 1));
    String clean = "{\"customer\": {\"tier\": 2}}";
    Map<String, Object> r = row("payload", clean);
    assertThat(m.maskRow(COLS, r, new MaskingStats())).isSameAs(r);
    String notJson = "{not json, mail ana@example.com";
    assertThat(m.maskRow(COLS, row("payload", notJson), new MaskingStats()).get("payload"))
        .isEqualTo("{not json, mail ***@***.***");
  }

  @Test
  void dropRuleRemovesTheColumnFromRowsAndVisibleColumns() {
    Masking m = Masking.builder().columnRule("*.email", Strategy.DROP).build();
    Map<String, Object> out = m.maskRow(COLS, row("id", 1L, "email", "x"), new MaskingStats());
    assertThat(out).containsOnlyKeys("id");
    assertThat(m.visibleColumns(COLS)).extracting(Column::name)
        .containsExactly("id", "note", "payload");
    assertThat(Masking.defaults().visibleColumns(COLS)).isSameAs(COLS);
  }

  @Test
  void aliasedOrComputedColumnsAreStillScannedByValue() {
    List<Column> cols = List.of(new Column("x", "text"));
    Map<String, Object> out = Masking.builder().columnRule("*email*", Strategy.REDACT).build()
        .maskRow(cols, row("x", "lower: ana@example.com"), new MaskingStats());
    assertThat(out.get("x")).isEqualTo("lower: ***@***.***");
  }

  // ------------------------------------------------------------ custom patterns

  @Test
  void customPatternsAddToTheDetectors() {
    Masking m = Masking.builder().pattern("employee-id", "EMP-\\d{6}", "EMP-******").build();
    MaskingStats st = new MaskingStats();
    assertThat(m.maskText("EMP-123456 mailed ana@example.com", st))
        .isEqualTo("EMP-****** mailed ***@***.***");
    assertThat(st.patternsApplied()).isEqualTo(Map.of("employee-id", 1, "email", 1));
    assertThat(m.maskRow(COLS, row("id", 123456L), new MaskingStats())).containsEntry("id", 123456L);
  }

  @Test
  void catastrophicBacktrackingIsCutShortAndTheWholeValueMasked() {
    Masking m = Masking.builder().pattern("evil", "(a+)+$", "X").build();
    String value = "a".repeat(5_000) + "!";
    long t0 = System.nanoTime();
    MaskingStats st = new MaskingStats();
    Map<String, Object> out = m.maskRow(COLS, row("note", value), st);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(out.get("note")).isEqualTo("***");
    assertThat(st.patternsApplied()).containsEntry("evil", 1);
    assertThat(st.maskedFieldCount()).isEqualTo(1);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    // the same pattern still works on input it can handle
    assertThat(m.maskText("aaa", new MaskingStats())).isEqualTo("X");
  }

  @Test
  void adversarialInputsScanInLinearTime() {
    Masking all = Masking.builder().enable("ipv4", "ipv6").build();
    String[] inputs = {
        "a@".repeat(100_000), "x@" + "a.".repeat(100_000) + "@", "1 ".repeat(100_000),
        "(1".repeat(100_000), "+1 ".repeat(100_000), "a:".repeat(100_000),
        "eyJ".repeat(70_000), "AB12".repeat(50_000), "bearer ".repeat(30_000),
        "x://" + "a:".repeat(100_000) + "@h", "-----BEGIN PRIVATE KEY-----".repeat(8_000),
        "4111 ".repeat(40_000), "1-".repeat(100_000), "1.".repeat(100_000),
        "AKIA".repeat(50_000), "::".repeat(100_000), "12345678909,".repeat(20_000),
        "a%40".repeat(50_000), "a\\u0040".repeat(30_000), "\\".repeat(200_000),
        "password:?".repeat(20_000), "password=\"?".repeat(20_000), "token=".repeat(30_000),
        "\\\"password\\\":\\\"?".repeat(10_000), "\\\"".repeat(100_000), "xoxb-".repeat(40_000),
        "ghp_".repeat(50_000), "AIza".repeat(50_000), "sk_live_".repeat(25_000), "a=".repeat(100_000),
        "Authorization: Bearer ".repeat(10_000), "\"password\":\"".repeat(15_000),
        "password:${password:".repeat(10_000) + "}", "secret=$1".repeat(20_000),
        "password>".repeat(20_000), "<password>?".repeat(15_000), "password '?".repeat(15_000),
        "a".repeat(60) + "password>".repeat(20_000), "password ''".repeat(20_000),
    };
    for (String in : inputs) {
      long t0 = System.nanoTime();
      all.maskText(in, new MaskingStats());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(took).as(in.substring(0, 12)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void valuesLongerThanThePatternInputCapAreMaskedWhole() {
    Masking m = Masking.builder().patternBudget(100, 200).pattern("p", "zzz", "Z").build();
    MaskingStats st = new MaskingStats();
    assertThat(m.maskText("b".repeat(101), st)).isEqualTo("***");
    assertThat(m.maskText("b".repeat(100), st)).isEqualTo("b".repeat(100));
  }

  // ------------------------------------------------------------ builder validation

  @Test
  void builderRejectsUnknownDetectorsBadPatternsAndTokenizeWithoutKey() {
    assertCoded(() -> Masking.builder().disable("passport"), "passport");
    assertCoded(() -> Masking.builder().enable("emails"), "unknown detector 'emails'");
    assertCoded(() -> Masking.builder().pattern("bad", "(unclosed", "x"), "'bad'");
    assertCoded(() -> Masking.builder().pattern("email", "x", "y"), "duplicate");
    assertCoded(() -> Masking.builder().strategy("email", Strategy.TOKENIZE).build(),
        "tokenization key");
    assertCoded(() -> Masking.builder().columnRule("x", Strategy.TOKENIZE).build(),
        "tokenization key");
    assertCoded(() -> Masking.builder().columnRule("", Strategy.REDACT), "column rule");
    assertCoded(() -> Masking.builder().patternBudget(0, 1), "pattern budget");
    assertCoded(() -> Strategy.of("mask"), "unknown strategy 'mask'");
    assertThatThrownBy(() -> Masking.builder().tokenizationKey(Secret.of("short-secret")))
        .isInstanceOf(DbAccessException.class).hasMessageNotContaining("short-secret");
  }

  private static void assertCoded(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DbAccessException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining(text);
  }

  @Test
  void noneIsAnExplicitOptOut() {
    Map<String, Object> r = row("email", "ana@example.com");
    assertThat(Masking.none().enabled()).isFalse();
    assertThat(Masking.none().maskRow(COLS, r, new MaskingStats())).isSameAs(r);
    assertThat(Masking.defaults().enabled()).isTrue();
  }

  @Test
  void disabledMaskingChangesNothing() {
    Masking m = Masking.builder().enabled(false).build();
    Map<String, Object> r = row("email", "ana@example.com");
    assertThat(m.enabled()).isFalse();
    assertThat(m.maskRow(COLS, r, new MaskingStats())).isSameAs(r);
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    Masking m = Masking.builder().strategy("email", Strategy.TOKENIZE).tokenizationKey(KEY)
        .build();
    String expected = m.maskText("ana@example.com", new MaskingStats());
    List<Thread> threads = new ArrayList<>();
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          seen.add(m.maskText("ana@example.com", new MaskingStats()));
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(seen).hasSize(2_000).containsOnly(expected);
  }
}
