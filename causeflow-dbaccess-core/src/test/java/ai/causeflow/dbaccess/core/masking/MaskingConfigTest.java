package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.MaskingConfig;
import ai.causeflow.dbaccess.core.config.ConfigLoader;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From a {@code masking:} block in relay-config.yaml to a working stage. */
class MaskingConfigTest {
  private static final String RESOURCES = """
      resources:
        - id: orders-db
          type: postgres
          connection: {host: localhost, database: app, user: ro}
      """;

  private static final ConfigLoader LOADER = ConfigLoader.builder()
      .connection("postgres", n -> new ConnectionConfig() {})
      .build();

  private static Masking load(String maskingBlock, Map<String, String> env) {
    DataSourcesConfig c = LOADER.parse(RESOURCES + maskingBlock, env);
    return Masking.from(c.masking());
  }

  @Test
  void absentBlockGivesTheDefaults() {
    Masking m = load("", Map.of());
    assertThat(m.enabled()).isTrue();
    assertThat(m.detectors()).containsExactlyInAnyOrderElementsOf(
        MaskingConfig.DETECTORS.stream().filter(d -> !d.startsWith("ip")).toList());
  }

  @Test
  void secretAssignmentIsOnByDefaultAndSwitchedByName() {
    assertThat(load("", Map.of()).maskText("password=hunter2", new MaskingStats()))
        .isEqualTo("password=***");
    Masking off = load("masking: {detectors: {secret_assignment: false}}\n", Map.of());
    assertThat(off.detectors()).doesNotContain("secret_assignment").contains("email");
    assertThat(off.maskText("password=hunter2", new MaskingStats())).isEqualTo("password=hunter2");
    Masking tok = load("""
        masking:
          strategies: {secret_assignment: tokenize}
          tokenizationKey: ${MASKING_KEY}
        """, Map.of("MASKING_KEY", "k-0123456789abcdef"));
    String a = tok.maskText("password=hunter2", new MaskingStats());
    assertThat(a).startsWith("password=secret_assignment:").doesNotContain("hunter2")
        .isEqualTo(tok.maskText("password=hunter2", new MaskingStats()));
  }

  @Test
  void detectorsAreSwitchedByNameAndStrategiesApply() {
    Masking m = load("""
        masking:
          detectors: {phone: false, ipv4: true}
          strategies: {email: tokenize, credit_card: partial}
          patterns:
            - {name: employee-id, regex: 'EMP-\\d{6}', replacement: 'EMP-******'}
          columns:
            - {match: "*password*", action: redact}
          tokenizationKey: ${MASKING_KEY}
        """, Map.of("MASKING_KEY", "k-0123456789abcdef"));
    assertThat(m.detectors()).doesNotContain("phone").contains("ipv4", "email");
    MaskingStats st = new MaskingStats();
    String out = m.maskText("tel (11) 98765-4321 ip 10.0.0.1 ana@example.com "
        + "4111 1111 1111 1111 EMP-123456", st);
    assertThat(out).startsWith("tel (11) 98765-4321 ip ***.***.***.*** email:")
        .endsWith(" **** **** **** 1111 EMP-******");
    assertThat(st.patternsApplied()).containsOnlyKeys("ipv4", "email", "credit_card",
        "employee-id");
    assertThat(m.maskRow(List.of(), Map.of("db_password", "x"), new MaskingStats()))
        .containsEntry("db_password", "***");
  }

  @Test
  void disabledBlockMasksNothing() {
    Masking m = load("masking: {enabled: false, strategies: {email: tokenize},"
        + " columns: [{match: x, action: tokenize}]}\n", Map.of());
    assertThat(m.enabled()).isFalse();
    assertThat(m.maskText("ana@example.com", new MaskingStats())).isEqualTo("ana@example.com");
  }

  @Test
  void tokenizeWithoutKeyIsAStartupErrorNamingTheKey() {
    assertThatThrownBy(() -> load("masking: {strategies: {email: tokenize}}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("masking.tokenizationKey");
    // a record built by hand is checked as well
    MaskingConfig handMade = new MaskingConfig(true, Map.of(), Map.of("email", "tokenize"),
        List.of(), List.of(), null);
    assertThatThrownBy(() -> Masking.from(handMade))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageStartingWith("masking.tokenizationKey");
  }

  @Test
  void invalidPatternIsAStartupErrorNamingThePatternNotItsText() {
    MaskingConfig bad = new MaskingConfig(true, Map.of(), Map.of(),
        List.of(new MaskingConfig.Pattern("acct", "ACCT-(\\d+", "***")), List.of(), null);
    assertThatThrownBy(() -> Masking.from(bad)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("masking.patterns[0]").hasMessageContaining("'acct'")
        .hasMessageNotContaining("ACCT-");
    assertThatThrownBy(() -> load("""
        masking:
          patterns: [{name: acct, regex: 'ACCT-(\\d+', replacement: x}]
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("masking.patterns[0].regex").hasMessageContaining("'acct'");
  }

  @Test
  void unknownDetectorOrStrategyIsAStartupError() {
    assertThatThrownBy(() -> load("masking: {detectors: {passport: true}}\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("masking.detectors.passport");
    assertThatThrownBy(() -> load("masking: {strategies: {email: hash}}\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("masking.strategies.email");
    MaskingConfig bad = new MaskingConfig(true, Map.of("passport", true), Map.of(), List.of(),
        List.of(), null);
    assertThatThrownBy(() -> Masking.from(bad)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("masking.detectors.passport");
  }

  @Test
  void keyNeverAppearsInToStringOrErrors() {
    Secret key = Secret.of("super-secret-key-123456");
    Masking m = Masking.from(new MaskingConfig(true, Map.of(), Map.of("email", "tokenize"),
        List.of(), List.of(), key));
    assertThat(m.toString()).doesNotContain("super-secret");
  }
}
