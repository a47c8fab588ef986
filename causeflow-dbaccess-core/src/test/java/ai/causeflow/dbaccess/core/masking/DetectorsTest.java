package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One detector at a time, through the public stage, with the redact shapes. */
class DetectorsTest {
  private static final Masking ALL = Masking.builder().enable("ipv4", "ipv6").build();

  private static String mask(String s) {
    return ALL.maskText(s, new MaskingStats());
  }

  private static Map<String, Integer> hits(String s) {
    MaskingStats st = new MaskingStats();
    ALL.maskText(s, st);
    return st.patternsApplied();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "contact john.doe@example.com now|contact ***@***.*** now|email",
      "\"email\":\"Maria.Silva+tag@mail.empresa.com.br\"|\"email\":\"***@***.***\"|email",
      "card 4111 1111 1111 1111 ok|card ****-****-****-**** ok|credit_card",
      "card=4111-1111-1111-1111|card=****-****-****-****|credit_card",
      "pan:4111111111111111;|pan:****-****-****-****;|credit_card",
      "amex 3782 822463 10005|amex ****-****-****-****|credit_card",
      "mc 2223000048400011 x|mc ****-****-****-**** x|credit_card",
      "cpf 123.456.789-09|cpf ***.***.***-**|cpf",
      "cpf=52998224725|cpf=***.***.***-**|cpf",
      "cnpj 11.222.333/0001-81|cnpj **.***.***/****-**|cnpj",
      "cnpj:11222333000181|cnpj:**.***.***/****-**|cnpj",
      "tel (11) 98765-4321|tel (**) *****-****|phone",
      "tel (11) 9 8765-4321 ok|tel (**) *****-**** ok|phone",
      "tel 21 9 8765-4321|tel (**) *****-****|phone",
      "tel +55 11 98765-4321.|tel (**) *****-****.|phone",
      "call (555) 123-4567|call (**) *****-****|phone",
      "call 555-123-4567 now|call (**) *****-**** now|phone",
      "call +1 415 555 2671|call (**) *****-****|phone",
      "ring +44 20 7946 0958|ring (**) *****-****|phone",
      "ring +33 1 23 45 67 89|ring (**) *****-****|phone",
      "Authorization: Bearer abc123def456ghi789|Authorization: Bearer ***|bearer_token",
      "key AKIAIOSFODNN7EXAMPLE used|key AKIA**************** used|aws_access_key",
      "key ASIAY34FZKBOKMUTVV7A|key ASIA****************|aws_access_key",
      "iban GB82 WEST 1234 5698 7654 32 ok|iban GB** **** **** **** **** ok|iban",
      "iban DE89370400440532013000|iban DE** **** **** **** ****|iban",
      "ssn 123-45-6789|ssn ***-**-****|us_ssn",
      "postgres://admin:s3cr3t@db.internal:5432/app|postgres://admin:***@db.internal:5432/app|url_credentials",
      "from 10.1.2.3 to|from ***.***.***.*** to|ipv4",
      "addr 2001:db8::ff00:42:8329 x|addr ****:****:****:**** x|ipv6",
  })
  void detectsAndRedacts(String input, String expected, String detector) {
    assertThat(mask(input)).isEqualTo(expected);
    assertThat(hits(input)).containsEntry(detector, 1).hasSize(1);
  }

  @Test
  void emailWithNonAsciiLettersIsMaskedWhole() {
    assertThat(mask("de joão.conceição@exemplo.com.br para münchen@bücher.de"))
        .isEqualTo("de ***@***.*** para ***@***.***");
    assertThat(mask("where e = 'ana@example.com'")).isEqualTo("where e = '***@***.***'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GET /users?email=ana.silva%40example.com&page=2|GET /users?email=***@***.***&page=2",
      "GET /users?email=ANA%2Btag%40Example.COM|GET /users?email=***@***.***",
      "{\"email\":\"ana\\u0040example.com\"}|{\"email\":\"***@***.***\"}",
      "{\"doc\":\"{\\\"e\\\":\\\"ana\\\\u0040example.com\\\"}\"}|{\"doc\":\"{\\\"e\\\":\\\"***@***.***\\\"}\"}",
      "mailto:ana@example.com?subject=x|mailto:***@***.***?subject=x",
  })
  void encodedAtSignsAreEmailSeparatorsToo(String input, String expected) {
    assertThat(mask(input)).isEqualTo(expected);
    assertThat(hits(input)).containsEntry("email", 1).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "password=hunter2 user=ana|password=*** user=ana",
      "passwd:hunter2|passwd:***",
      "{\"password\": \"S3cr3t, with spaces\"}|{\"password\": \"***\"}",
      "{\"doc\":\"{\\\"password\\\":\\\"h\\\\\\\"x\\\"}\"}|{\"doc\":\"{\\\"password\\\":\\\"***\\\"}\"}",
      "secret=abc123def|secret=***",
      "api_key=abcd1234efgh5678&page=2|api_key=***&page=2",
      "apikey: abcd1234|apikey: ***",
      "X-Api-Key: abcd1234efgh5678|X-Api-Key: ***",
      "access_token=abc.def-123 next|access_token=*** next",
      "{\"clientSecret\":\"abc\",\"dbPassword\":\"def\"}|{\"clientSecret\":\"***\",\"dbPassword\":\"***\"}",
      "`WHERE password = 'hunter2'`|`WHERE password = '***'`",
      "Server=db;User Id=sa;Password=P@ssw0rd;Pwd=x1;|Server=db;User Id=sa;Password=***;Pwd=***;",
      "jdbc:postgresql://db:5432/app?user=app&password=s3cret&ssl=true|jdbc:postgresql://db:5432/app?user=app&password=***&ssl=true",
      "Authorization: Basic dXNlcjpwYXNzd29yZA==|Authorization: Basic ***",
      "\"authorization\":\"Digest abc123\"|\"authorization\":\"Digest ***\"",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY|aws_secret_access_key = ***",
      "export PGPASSWORD=s3cret|export PGPASSWORD=***",
      "ghp_1234567890abcdefghijklmnopqrstuvwxyz ok|ghp_*** ok",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstu|github_pat_***",
      "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx|xoxb-***",
      "key sk_live_51H8abcdefghijklmnopqrstuvwx.|key sk_live_***.",
      "rk_test_51H8abcdefghijklmn|rk_test_***",
      "whsec_abcdefghijklmnop1234|whsec_***",
      "AIzaSyA1234567890abcdefghijklmnopqrstuv|AIza***",
      "glpat-abcdefghij0123456789|glpat-***",
      "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD|sk-***",
      "password: \"never closed|password: \"***",
      "passwd=$8eslttOaI5K next|passwd=*** next",
      "<auth><user>ana</user><password>hunter2</password></auth>|<auth><user>ana</user><password>***</password></auth>",
      "<ns1:apiKey>k-123</ns1:apiKey>|<ns1:apiKey>***</ns1:apiKey>",
      "db_password\t=\thunter2|db_password\t=\t***",
      "`ALTER ROLE app WITH PASSWORD 'it''s s3cret' VALID UNTIL 'infinity'`|`ALTER ROLE app WITH PASSWORD '***' VALID UNTIL 'infinity'`",
      "`create user bob encrypted password 'md5abc123'`|`create user bob encrypted password '***'`",
      "`password = 'it''s'`|`password = '***'`",
      "\"token\": \"$1abc\"|\"token\": \"***\"",
      "secret=${notClosed|secret=***",
  })
  void secretsAreMaskedByTheirKeyOrPrefix(String input, String expected) {
    assertThat(mask(input)).isEqualTo(expected);
    assertThat(hits(input)).containsOnlyKeys("secret_assignment");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "password_reset_at=2026-01-01T00:00:00Z",
      "token_count=42 max_tokens=4096 tokens: 17",
      "token_type=bearer secret_name=prod/db",
      "{\"password\":null,\"token\":\"\",\"secret\":\"***\",\"apiKey\":true}",
      "WHERE password = ? AND token = $1 AND secret = :s",
      "password=${DB_PASSWORD}",
      "PWD=/var/lib/app OLDPWD=~/src",
      "monkey=banana hotkey=F5 passwordless=true",
      "task-sk-12 ask_live_feed mask_test_1 xox-1 sk-ant-deployment-notes",
      "https://example.com/a/b x==y",
      "{\"password\":{\"minLength\":12}}",
      "ALTER ROLE app PASSWORD NULL",
      "<password/> <token></token> a->password> x",
      "SELECT 'password' AS k, 'x' FROM t WHERE note = 'reset password' AND a = 'b'",
  })
  void secretLikeWordsThatAreNotSecretsStayIntact(String input) {
    assertThat(mask(input)).isSameAs(input);
  }

  @Test
  void auditStatementsKeepPlaceholdersAndLoseWhatCommentsCarry() {
    // the pipeline has replaced literals by '?' before maskText; comments survive the lexer
    String sql = "SELECT * FROM users WHERE email = ? AND password = ? /* ticket from ana@x.com,"
        + " password=hunter2 */ -- cpf 529.982.247-25\nLIMIT 10";
    MaskingStats st = new MaskingStats();
    String out = Masking.defaults().maskText(sql, st);
    assertThat(out).isEqualTo("SELECT * FROM users WHERE email = ? AND password = ? /* ticket from"
        + " ***@***.***, password=*** */ -- cpf ***.***.***-**\nLIMIT 10");
    assertThat(st.patternsApplied()).containsOnlyKeys("email", "secret_assignment", "cpf");
  }

  @Test
  void secretValuesThatOtherDetectorsOwnKeepTheirShapes() {
    assertThat(mask("Authorization: Bearer abc123def456ghi789"))
        .isEqualTo("Authorization: Bearer ***");
    assertThat(hits("Authorization: Bearer abc123def456ghi789")).containsOnlyKeys("bearer_token");
    assertThat(mask("private_key: -----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----"))
        .isEqualTo("private_key: -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----");
    // partial never shows part of a secret; tokenize is stable per value
    Masking partial = Masking.builder().strategy("secret_assignment", Strategy.PARTIAL).build();
    assertThat(partial.maskText("password=hunter2", new MaskingStats())).isEqualTo("password=***");
    Masking off = Masking.builder().disable("secret_assignment").build();
    assertThat(off.maskText("password=hunter2", new MaskingStats())).isEqualTo("password=hunter2");
  }

  @Test
  void encodedEmailsKeepTheirDomainInPartialAndShareOneToken() {
    Masking partial = Masking.builder().strategy("email", Strategy.PARTIAL).build();
    assertThat(partial.maskText("q=ana%40example.com", new MaskingStats()))
        .isEqualTo("q=***@example.com");
    Masking tok = Masking.builder().strategy("email", Strategy.TOKENIZE)
        .tokenizationKey(ai.causeflow.dbaccess.core.config.Secret.of("k".repeat(32))).build();
    assertThat(tok.maskText("ana%40Example.com", new MaskingStats()))
        .isEqualTo(tok.maskText("ANA@example.com", new MaskingStats()))
        .isEqualTo(tok.maskText("ana\\u0040example.com", new MaskingStats()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "(4111111111111111)|(****-****-****-****)",
      "{52998224725,11144477735}|{***.***.***-**,***.***.***-**}",
      "[4111111111111111,5500000000000004]|[****-****-****-****,****-****-****-****]",
      "total 52998224725,50 BRL|total 52998224725,50 BRL",
      "ratio 0,4111111111111111|ratio 0,4111111111111111",
      "postgres://u:p@ss@db/app|postgres://u:***@db/app",
  })
  void listsParenthesesAndDecimalCommas(String input, String expected) {
    assertThat(mask(input)).isEqualTo(expected);
  }

  @Test
  void jwtIsMaskedWhole() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assertThat(mask("token=" + jwt + " end")).isEqualTo("token=***.***.*** end");
    assertThat(hits("token=" + jwt)).containsOnlyKeys("jwt");
  }

  @Test
  void bearerWithJwtKeepsTheWordAndCountsOnce() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc";
    assertThat(mask("Authorization: Bearer " + jwt)).isEqualTo("Authorization: Bearer ***");
    assertThat(hits("Bearer " + jwt)).containsOnlyKeys("bearer_token");
  }

  @Test
  void privateKeyBlockIsMaskedWholeAndACutBlockToTheEnd() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc==\n-----END RSA PRIVATE KEY-----";
    assertThat(mask("key:\n" + pem + "\nafter")).isEqualTo(
        "key:\n-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----\nafter");
    assertThat(mask("x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
        .isEqualTo("x -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----");
    assertThat(mask("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"))
        .contains("MIIB");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4111 1111 1111 1112",              // Luhn fails
      "4111111111111112",
      "1234567890123452",                 // Luhn-valid but issuer digit 1
      "-4111111111111111",                // signed: an identifier
      "-4872318752083120125",             // pg_stat_statements queryid
      "4872318752083120125",              // 19 bare digits
      "41111111111111111",                // 17 bare digits
      "12345678900",                      // 11 digits, CPF check fails
      "11111111111",                      // all equal digits
      "11222333000182",                   // CNPJ check fails
      "550e8400-e29b-41d4-a716-446655440000",
      "2026-11-29T06:24:13.123Z",
      "2026-11-29 06:24:13",
      "1764397453123",                    // epoch millis
      "9fceb02d0ae598e95dc970b74767f19372d61af8",
      "4bf92f3577b34da6a3ce929d0e0e4736",  // trace id
      "v2.14.3",
      "1.4.0-rc.1+build.20261129",
      "total 12345.67 BRL",
      "amount 4111111111111.11",
      "000-12-3456",                      // SSN area 000
      "Bearer token-based authentication",
      "the bearer of news",
      "user@localhost",
      "https://example.com/path?q=1",
      "http://user@host/path",
      "0.4736281930452817",
      "ratio 0,52998224725",
      "phone 11987654321",                // bare digits are not a phone
      "+05:30",
      "progress 40%40 done",              // a percent sign before 40 without an address
      "50%40.5",
      "11 8 8765-4321",                   // only the mobile 9 stands apart
      "path C:\\\\u0040dir",
  })
  void hardNegativesStayIntact(String input) {
    assertThat(mask(input)).isSameAs(input);
  }

  @Test
  void cleanValueIsReturnedAsTheSameInstance() {
    String s = "2026-11-29T06:24:13Z INFO [main] c.e.OrderService - processed 42 orders in 153 ms";
    MaskingStats st = new MaskingStats();
    assertThat(Masking.defaults().maskText(s, st)).isSameAs(s);
    assertThat(st.maskedFieldCount()).isZero();
    assertThat(st.patternsApplied()).isEmpty();
  }

  @Test
  void cleanStringsAllocateNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    String[] clean = {
        "2026-11-29T06:24:13.123Z WARN [pool-3] c.a.Sync - retry=3 queryid=-4872318752083120125",
        "{\"order_id\":\"ORD-2026-000123\",\"amount\":1234.56,\"trace\":\"4bf92f3577b34da6\"}",
        "GET /api/v2/orders/991/items?page=2 200 153ms Bearer of news AKIA short",
        "epoch 1764397453123 sha 9fceb02d0ae598e95dc970b74767f19372d61af8 v2.14.3 user@localhost",
    };
    Masking m = Masking.defaults();
    MaskingStats st = new MaskingStats();
    for (int i = 0; i < 20_000; i++) {
      m.maskText(clean[i & 3], st);
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 20_000; i++) {
      m.maskText(clean[i & 3], st);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertThat(allocated).as("bytes allocated by 20,000 clean scans").isLessThan(4_096);
    assertThat(st.maskedFieldCount()).isZero();
  }

  @Test
  void ipsAreOffByDefault() {
    String s = "from 10.1.2.3 and 2001:db8::1";
    assertThat(Masking.defaults().maskText(s, new MaskingStats())).isSameAs(s);
  }
}
