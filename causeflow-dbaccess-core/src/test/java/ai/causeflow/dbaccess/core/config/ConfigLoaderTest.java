package ai.causeflow.dbaccess.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Core's part of the configuration file: the generic keys, and the explicit registration of
 * connection parsers (one per resource type) and application sections. The whole relay format is
 * tested where the relay registers its parsers (RelayConfigTest in the relay).
 */
class ConfigLoaderTest {
  static final String SECRET = "conn-SECRET-123";

  /** A backend's connection block, as a backend module would type it. */
  record Fake(String endpoint, Secret key) implements ConnectionConfig {
    static Fake parse(ConfigNode n) {
      n.requireMapping("endpoint", "key", "port");
      n.child("port").integer(1, 1, 10);
      return new Fake(n.child("endpoint").string(true, null), n.child("key").secret(true));
    }
  }

  static final ConfigLoader LOADER = ConfigLoader.builder()
      .section("limits", n -> n.present() ? n.child("max").integer(5, 1, 9) : -1L)
      .connection("fake", Fake::parse)
      .connection("other", n -> new ConnectionConfig() {})
      .build();

  static String error(String yaml) {
    try {
      LOADER.parse(yaml, Map.of("KEY", SECRET));
    } catch (ConfigException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      assertThat(e.getMessage()).doesNotContain(SECRET);
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void eachConnectionBlockIsParsedByTheParserRegisteredForItsType() {
    DataSourcesConfig c = LOADER.parse("""
        limits: {max: 7}
        resources:
          - id: a
            type: fake
            connection: {endpoint: e1, key: ${KEY}}
            blockedColumns: ["events.profile.ssn"]
        """, Map.of("KEY", SECRET));
    Fake f = (Fake) c.resources().get(0).connection();
    assertThat(f.endpoint()).isEqualTo("e1");
    assertThat(f.key().reveal()).isEqualTo(SECRET);
    assertThat(c.toString()).doesNotContain(SECRET);
    assertThat(c.section("limits", Long.class)).isEqualTo(7L);
    assertThat(c.resources().get(0).policy().isColumnBlocked("events.profile.ssn")).isTrue();
    assertThat(LOADER.types()).containsExactly("fake", "other");
  }

  @Test
  void errorsInsideAConnectionBlockCarryTheFullKeyPath() {
    assertThat(error("""
        resources:
          - id: a
            type: fake
            connection: {endpoint: e1, key: k, port: 11}
        """)).isEqualTo("resources[0].connection.port: must be between 1 and 10, was 11");
    assertThat(error("""
        resources:
          - id: a
            type: fake
            connection: {endpoint: e1, key: k, user: u}
        """)).startsWith("resources[0].connection.user: unknown key (allowed here: endpoint, key,");
    assertThat(error("""
        resources:
          - id: a
            type: fake
            connection: {key: k}
        """)).isEqualTo("resources[0].connection.endpoint: is required");
    assertThat(error("""
        resources:
          - id: a
            type: fake
        """)).isEqualTo("resources[0].connection: is required");
  }

  @Test
  void aTypeWithoutARegisteredParserIsRefusedAtItsTypeKey() {
    assertThat(error("""
        resources:
          - id: a
            type: postgres
            connection: {host: h}
        """)).isEqualTo("resources[0].type: must be one of [fake, other]");
    assertThat(catchConfig(() -> ConfigLoader.builder().build().parse("""
        resources:
          - {id: a, type: fake, connection: {endpoint: e, key: k}}
        """, Map.of()))).isEqualTo("resources[0].type: must be one of []");
  }

  @Test
  void sectionsAreRegisteredKeysReadBeforeResourcesInRegistrationOrder() {
    assertThat(error("""
        limits: {max: 99}
        resources: []
        """)).isEqualTo("limits.max: must be between 1 and 9, was 99");
    assertThat(error("""
        controlPlane: {url: x}
        resources: []
        """)).isEqualTo("controlPlane: unknown key (allowed here: limits, resources, masking, audit)");
    List<String> seen = new ArrayList<>();
    ConfigLoader ordered = ConfigLoader.builder()
        .section("b", n -> seen.add("b"))
        .section("a", n -> seen.add("a"))
        .connection("other", n -> new ConnectionConfig() {})
        .build();
    DataSourcesConfig c = ordered.parse("resources: [{id: x, type: other, connection: {}}]",
        Map.of());
    assertThat(seen).containsExactly("b", "a");
    assertThat(c.section("a", Boolean.class)).isTrue();
  }

  @Test
  void registrationIsExplicitAndUnique() {
    assertThatThrownBy(() -> ConfigLoader.builder().connection("fake", Fake::parse)
        .connection("fake", Fake::parse)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLoader.builder().section("resources", n -> 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLoader.builder().connection("Bad Type", Fake::parse))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String catchConfig(Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }
}
