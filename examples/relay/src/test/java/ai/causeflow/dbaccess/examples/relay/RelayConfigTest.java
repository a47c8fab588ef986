package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.config.AuditConfig;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.MaskingConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.mongo.MongoConnectionConfig;
import ai.causeflow.dbaccess.postgres.PostgresConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole relay-config.yaml format, read as the relay reads it: core's generic parts, the
 * relay's sections and the connection parsers it registers.
 */
class RelayConfigTest {
  /** A complete relay-config.yaml in the format of docs/protocol.md, every section used. */
  static final String PROTOCOL_EXAMPLE = """
      controlPlane:            # required unless --stdio
        url: wss://api.causeflow.ai/v1/relay/connect
        token: ${RELAY_TOKEN}
        tenantId: ${TENANT_ID}
        heartbeatIntervalSeconds: 30
        reconnect: {initialDelayMs: 1000, maxDelayMs: 60000}
      limits: {maxConcurrentRequests: 8, maxQueuedRequests: 64, maxResultBytes: 16777216}
      resources:
        - id: main-pg                      # [a-z0-9-]+, unique
          type: postgres                   # postgres | mongodb | dynamodb
          name: Main PostgreSQL
          connection: {host: ${PG_HOST}, port: 5432, database: app, user: ro, password: ${PG_PASSWORD}, sslMode: prefer}
          allowedOperations: [query, describe_table, list_tables, explain]
          maxRowsPerQuery: 1000
          statementTimeoutMs: 30000
          poolSize: 5
          allowedTables: ["public.*"]      # glob over schema.table; default: all
          blockedTables: ["public.secrets"]
          blockedColumns: ["public.users.password_hash"]
        - id: events-mongo
          type: mongodb
          connection: {uri: ${MONGO_URI}, database: events}
        - id: sessions-ddb
          type: dynamodb
          connection: {region: us-east-1, roleArn: arn:aws:iam::123456789012:role/ReadOnly, externalId: ${EXTERNAL_ID}, endpoint: null}
      masking:
        enabled: true
        detectors: {email: true, credit_card: true, cpf: true, cnpj: true, phone: true, bearer_token: true, jwt: true, aws_access_key: true, iban: true, us_ssn: true, url_credentials: true, private_key: true, ipv4: false, ipv6: false}
        patterns:                          # added to the detectors, never instead of them
          - {name: employee-id, regex: 'EMP-\\d{6}', replacement: 'EMP-******'}
        columns:                           # whole-value rules by column or JSON key name
          - {match: "*password*", action: redact}
          - {match: "*.email", action: tokenize}
        tokenizationKey: ${MASKING_KEY}    # HMAC key for stable pseudonyms; required if any rule tokenizes
      audit:
        enabled: true
        level: info
        output: stdout                     # stdout | stderr | a file path
      """;

  static final String TOKEN = "tok-SUPER-SECRET-123";
  static final String PG_PASSWORD = "pg-pass-SECRET-456";
  static final String MONGO_URI = "mongodb://app:mongo-SECRET-789@db.internal:27017";
  static final String MASKING_KEY = "masking-key-SECRET-000111";

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("RELAY_TOKEN", TOKEN);
    env.put("TENANT_ID", "acme");
    env.put("PG_HOST", "db.internal");
    env.put("PG_PASSWORD", PG_PASSWORD);
    env.put("MONGO_URI", MONGO_URI);
    env.put("EXTERNAL_ID", "ext-SECRET-222");
    env.put("MASKING_KEY", MASKING_KEY);
    return env;
  }

  static RelayConfig parse(String yaml) {
    return RelayConfig.parse(yaml, env());
  }

  static void assertNoSecrets(String text) {
    assertThat(text).doesNotContain(TOKEN).doesNotContain(PG_PASSWORD)
        .doesNotContain("mongo-SECRET").doesNotContain(MASKING_KEY).doesNotContain("ext-SECRET");
  }

  static String error(String yaml) {
    return error(yaml, env());
  }

  static String error(String yaml, Map<String, String> env) {
    try {
      RelayConfig.parse(yaml, env);
    } catch (ConfigException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      assertNoSecrets(e.getMessage());
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }

  static String minimal(String resourceExtra) {
    return """
        resources:
          - id: a
            type: postgres
            connection: {host: h, database: d, user: u}
        """ + resourceExtra;
  }

  @Test
  void parsesTheProtocolExample() {
    RelayConfig c = parse(PROTOCOL_EXAMPLE);
    ControlPlaneConfig cp = c.controlPlane();
    assertThat(cp).isNotNull();
    assertThat(cp.url().toString()).isEqualTo("wss://api.causeflow.ai/v1/relay/connect");
    assertThat(cp.token().reveal()).isEqualTo(TOKEN);
    assertThat(cp.tenantId()).isEqualTo("acme");
    assertThat(cp.heartbeatIntervalSeconds()).isEqualTo(30);
    assertThat(cp.reconnect()).isEqualTo(new ControlPlaneConfig.ReconnectConfig(1000, 60000));
    assertThat(c.limits()).isEqualTo(new LimitsConfig(8, 64, 16_777_216));
    assertThat(c.resources()).extracting(ResourceConfig::id)
        .containsExactly("main-pg", "events-mongo", "sessions-ddb");

    ResourceConfig pg = c.resources().get(0);
    assertThat(pg.name()).isEqualTo("Main PostgreSQL");
    PostgresConnectionConfig conn = (PostgresConnectionConfig) pg.connection();
    assertThat(conn.host()).isEqualTo("db.internal");
    assertThat(conn.port()).isEqualTo(5432);
    assertThat(conn.password().reveal()).isEqualTo(PG_PASSWORD);
    assertThat(conn.sslMode()).isEqualTo("prefer");
    Policy policy = pg.policy(c.limits().maxResultBytes());
    assertThat(policy.allowedOperations()).containsExactlyInAnyOrder(Operation.QUERY,
        Operation.DESCRIBE_TABLE, Operation.LIST_TABLES, Operation.EXPLAIN);
    assertThat(policy.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.isTableAllowed("public.orders")).isTrue();
    assertThat(policy.isTableAllowed("public.secrets")).isFalse();
    assertThat(policy.isColumnBlocked("public.users.password_hash")).isTrue();

    ResourceConfig mongo = c.resources().get(1);
    assertThat(mongo.name()).isEqualTo("events-mongo");
    assertThat(((MongoConnectionConfig) mongo.connection()).uri().reveal()).isEqualTo(MONGO_URI);
    DynamoConnection ddb = (DynamoConnection) c.resources().get(2).connection();
    assertThat(ddb.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/ReadOnly");
    assertThat(ddb.endpoint()).isNull();

    MaskingConfig m = c.masking();
    assertThat(m.detectorEnabled("email")).isTrue();
    assertThat(m.detectorEnabled("ipv4")).isFalse();
    assertThat(m.patterns()).containsExactly(
        new MaskingConfig.Pattern("employee-id", "EMP-\\d{6}", "EMP-******"));
    assertThat(m.columns()).extracting(MaskingConfig.ColumnRule::action)
        .containsExactly("redact", "tokenize");
    assertThat(m.tokenizationKey().reveal()).isEqualTo(MASKING_KEY);
    assertThat(c.audit()).isEqualTo(new AuditConfig(true, "info", "stdout"));
  }

  @Test
  void secretsNeverAppearInToString() {
    RelayConfig c = parse(PROTOCOL_EXAMPLE);
    assertNoSecrets(c.toString());
    assertThat(c.toString()).contains("****");
  }

  @Test
  void defaultsApplyWhenBlocksAreOmitted() {
    RelayConfig c = parse(minimal(""));
    assertThat(c.controlPlane()).isNull();
    assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
    assertThat(c.masking()).isEqualTo(MaskingConfig.DEFAULTS);
    assertThat(c.audit()).isEqualTo(AuditConfig.DEFAULTS);
    ResourceConfig r = c.resources().get(0);
    assertThat(r.maxRowsPerQuery()).isEqualTo(1000);
    assertThat(r.statementTimeoutMs()).isEqualTo(30_000);
    assertThat(r.poolSize()).isEqualTo(5);
    assertThat(r.allowedOperations()).isEqualTo(Policy.DEFAULT_OPERATIONS);
    assertThat(((PostgresConnectionConfig) r.connection()).password().isEmpty()).isTrue();
  }

  @Test
  void anUnsetVariableIsAnErrorNamingItAndTheKey() {
    Map<String, String> env = env();
    env.remove("PG_PASSWORD");
    assertThat(error(PROTOCOL_EXAMPLE, env))
        .isEqualTo("resources[0].connection.password: environment variable PG_PASSWORD is not set");
  }

  @Test
  void anEmptyVariableIsKeptAsEmptyButRequiredKeysRefuseIt() {
    Map<String, String> env = env();
    env.put("TENANT_ID", "");
    assertThat(error(PROTOCOL_EXAMPLE, env)).isEqualTo("controlPlane.tenantId: must not be empty");
  }

  @Test
  void unknownKeysAreErrorsWithTheirPath() {
    assertThat(error(minimal("") + "extra: 1\n")).startsWith("extra: unknown key");
    assertThat(error(minimal("    maxRows: 5\n")))
        .startsWith("resources[0].maxRows: unknown key (allowed here: id, type, name");
    assertThat(error(minimal("masking: {detectors: {emails: true}}\n")))
        .startsWith("masking.detectors.emails: unknown key");
    assertThat(error("""
        resources:
          - id: a
            type: postgres
            connection: {host: h, database: d, user: u, passwd: x}
        """)).startsWith("resources[0].connection.passwd: unknown key");
  }

  @Test
  void wrongTypesAreErrors() {
    assertThat(error(minimal("    maxRowsPerQuery: lots\n")))
        .isEqualTo("resources[0].maxRowsPerQuery: must be an integer, was a non-numeric string");
    assertThat(error(minimal("    allowedTables: public.*\n")))
        .isEqualTo("resources[0].allowedTables: must be a list, was a string");
    assertThat(error(minimal("masking: {enabled: maybe}\n")))
        .isEqualTo("masking.enabled: must be true or false, was a string");
    assertThat(error(minimal("limits: [1, 2]\n")))
        .isEqualTo("limits: must be a mapping, was a list");
    assertThat(error("resources: {id: a}\n")).isEqualTo("resources: must be a list, was a mapping");
    assertThat(error(minimal("    name: {a: 1}\n")))
        .isEqualTo("resources[0].name: must be a string, was a mapping");
  }

  @Test
  void outOfRangeNumbersNameKeyRangeAndValue() {
    assertThat(error("""
        resources:
          - id: a
            type: postgres
            connection: {host: h, database: d, user: u}
          - id: b
            type: postgres
            connection: {host: h, database: d, user: u}
            maxRowsPerQuery: 0
        """)).isEqualTo("resources[1].maxRowsPerQuery: must be between 1 and 100000, was 0");
    assertThat(error(minimal("limits: {maxConcurrentRequests: 0}\n")))
        .isEqualTo("limits.maxConcurrentRequests: must be between 1 and 1024, was 0");
    assertThat(error(minimal("    statementTimeoutMs: 3600001\n")))
        .isEqualTo("resources[0].statementTimeoutMs: must be between 1 and 3600000, was 3600001");
    assertThat(error(minimal("    poolSize: 1000\n"))).startsWith("resources[0].poolSize");
    assertThat(error("""
        resources:
          - id: a
            type: postgres
            connection: {host: h, port: 70000, database: d, user: u}
        """)).isEqualTo("resources[0].connection.port: must be between 1 and 65535, was 70000");
  }

  @Test
  void anEnvironmentValueIsNeverParsedAsYaml() {
    Map<String, String> env = env();
    env.put("PG_HOST", "h}, extra: {a: 1");
    RelayConfig c = RelayConfig.parse(PROTOCOL_EXAMPLE, env);
    assertThat(((PostgresConnectionConfig) c.resources().get(0).connection()).host())
        .isEqualTo("h}, extra: {a: 1");
  }

  @Test
  void numbersMayComeFromTheEnvironment() {
    Map<String, String> env = env();
    env.put("PORT", "6543");
    RelayConfig c = RelayConfig.parse("""
        resources:
          - id: a
            type: postgres
            connection: {host: h, port: "${PORT}", database: d, user: u}
        """, env);
    assertThat(((PostgresConnectionConfig) c.resources().get(0).connection()).port())
        .isEqualTo(6543);
  }

  @Test
  void duplicateResourceIdsAndKeysAreErrors() {
    assertThat(error("""
        resources:
          - id: a
            type: postgres
            connection: {host: h, database: d, user: u}
          - id: a
            type: mongodb
            connection: {uri: "mongodb://x", database: d}
        """)).isEqualTo("resources[1].id: duplicate resource id 'a'");
    assertThat(error("""
        limits: {maxConcurrentRequests: 2}
        limits: {maxConcurrentRequests: 3}
        resources: []
        """)).startsWith("(root): duplicate key at line");
  }

  @Test
  void resourceShapesAreValidated() {
    assertThat(error("resources: []\n")).isEqualTo("resources: must name at least one resource");
    assertThat(error("limits: {}\n")).isEqualTo("resources: is required (a list with at least one resource)");
    assertThat(error(minimal("").replace("id: a", "id: Main_PG")))
        .isEqualTo("resources[0].id: must match [a-z0-9-]+ (at most 64 characters)");
    assertThat(error(minimal("").replace("type: postgres", "type: oracle")))
        .isEqualTo("resources[0].type: must be one of [postgres, mongodb, dynamodb]");
    assertThat(error(minimal("    allowedOperations: [query, DROP]\n")))
        .startsWith("resources[0].allowedOperations[1]: must be an operation name");
    assertThat(error(minimal("    blockedTables: ['']\n")))
        .isEqualTo("resources[0].blockedTables[0]: must not be empty");
    assertThat(error(minimal("    name: \"${BROKEN\"\n")))
        .startsWith("resources[0].name: malformed ${...} reference");
    assertThat(error("""
        resources:
          - id: m
            type: mongodb
            connection: {uri: "${MONGO_URI}", database: events, readPreference: fastest}
        """)).isEqualTo("resources[0].connection.readPreference: must be one of "
        + "[primary, primaryPreferred, secondary, secondaryPreferred, nearest]");
    assertThat(error("""
        resources:
          - id: m
            type: mongodb
            connection: {uri: "postgres://secret@x", database: events}
        """)).isEqualTo("resources[0].connection.uri: must start with mongodb:// or mongodb+srv://");
    assertThat(error("""
        resources:
          - id: d
            type: dynamodb
            connection: {region: us-east-1, roleArn: "not-an-arn"}
        """)).isEqualTo("resources[0].connection.roleArn: must be an IAM role ARN");
  }

  @Test
  void controlPlaneMustBeWssOrLoopbackWs() {
    String base = """
        controlPlane: {url: "%s", token: t, tenantId: acme}
        """ + minimal("");
    assertThat(error(base.formatted("ws://api.causeflow.ai/relay")))
        .startsWith("controlPlane.url: ws:// is allowed only to a loopback host");
    assertThat(error(base.formatted("http://127.0.0.1/relay")))
        .isEqualTo("controlPlane.url: must be a wss:// URL");
    assertThat(parse(base.formatted("ws://127.0.0.1:8080/relay")).controlPlane()).isNotNull();
    assertThat(parse(base.formatted("ws://localhost:8080/relay")).controlPlane()).isNotNull();
    assertThat(parse(base.formatted("ws://[::1]:8080/relay")).controlPlane()).isNotNull();
    assertThat(error(base.formatted("ws://10.0.0.1:8080/relay"))).contains("loopback");
    assertThat(error("controlPlane: {url: \"wss://x.example\", tenantId: a}\n" + minimal("")))
        .isEqualTo("controlPlane.token: is required");
    assertThat(error("""
        controlPlane:
          url: wss://x.example
          token: t
          tenantId: a
          reconnect: {initialDelayMs: 5000, maxDelayMs: 1000}
        """ + minimal(""))).isEqualTo(
        "controlPlane.reconnect.maxDelayMs: must be between 5000 and 3600000, was 1000");
  }

  @Test
  void maskingRulesAreValidated() {
    assertThat(error(minimal("""
        masking:
          patterns:
            - {name: broken, regex: "([a-z]+"}
        """))).startsWith("masking.patterns[0].regex: pattern 'broken' is not a valid regular expression");
    assertThat(error(minimal("""
        masking:
          patterns:
            - {name: email, regex: "x"}
        """))).startsWith("masking.patterns[0].name: duplicate pattern name 'email'");
    assertThat(error(minimal("""
        masking:
          columns:
            - {match: "*.email", action: tokenize}
        """))).isEqualTo(
        "masking.tokenizationKey: is required when any strategy or column action is tokenize");
    assertThat(error(minimal("""
        masking:
          strategies: {email: scramble}
        """))).isEqualTo(
        "masking.strategies.email: must be one of [redact, partial, tokenize, drop]");
    assertThat(error(minimal("""
        masking:
          columns: [{match: "*.email", action: tokenize}]
          tokenizationKey: short
        """))).isEqualTo("masking.tokenizationKey: must be at least 16 characters");
    MaskingConfig m = parse(minimal("""
        masking:
          detectors: {ipv4: true, email: false}
          strategies: {credit_card: partial}
        """)).masking();
    assertThat(m.detectorEnabled("ipv4")).isTrue();
    assertThat(m.detectorEnabled("email")).isFalse();
    assertThat(m.detectorEnabled("cpf")).isTrue();
    assertThat(m.strategyOf("credit_card")).isEqualTo("partial");
    assertThat(m.strategyOf("email")).isEqualTo("redact");
  }

  @Test
  void auditBlockIsValidated() {
    assertThat(error(minimal("audit: {level: debug}\n"))).isEqualTo("audit.level: must be info or warn");
    assertThat(parse(minimal("audit: {output: /var/log/relay/audit.jsonl}\n")).audit().output())
        .isEqualTo("/var/log/relay/audit.jsonl");
  }

  @Test
  void malformedYamlAndEmptyFilesAreErrorsWithoutContent() {
    assertThat(error("resources: [\n  - id: " + TOKEN + "\n  bad")).startsWith("(root): not valid YAML at line");
    assertThat(error("")).isEqualTo("(root): configuration is empty");
  }

  @Test
  void loadsFromAFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("relay-config.yaml");
    Files.writeString(f, minimal(""));
    assertThat(RelayConfig.LOADER.load(f, Map.of()).resources()).hasSize(1);
    assertThatThrownBy(() -> RelayConfig.LOADER.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read configuration file");
  }
}
