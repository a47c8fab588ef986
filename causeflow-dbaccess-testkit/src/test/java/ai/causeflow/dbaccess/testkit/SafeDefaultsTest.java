package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.ConfigLoader;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.masking.Masking;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe by default: a data source built in code masks and audits unless told otherwise, the opt-out
 * is visible in the audit, and a data source built from a configuration file carries the file's
 * policy, masking and audit settings.
 */
class SafeDefaultsTest {
  private static final String CONFIG = """
      resources:
        - id: main
          type: postgres
          connection: {host: localhost, port: 5432, database: app, user: ro, password: pw}
          maxRowsPerQuery: 5
          blockedTables: ["public.secrets"]
      masking:
        patterns:
          - {name: item-name, regex: 'item-\\d\\d', replacement: 'item-**'}
      audit:
        output: %s
      """;

  private final InMemoryBackend backend = ContractDataset.inMemoryBackend();

  /** The file's generic parts; the connection block is the backend's business (not read here). */
  private static DataSourcesConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.builder().connection("postgres", n -> new ConnectionConfig() {})
        .build().parse(yaml, env);
  }

  private static String captureStderr(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void builtInCodeMasksAndAuditsToStderrByDefault() {
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend,
        DataSourceSettings.builder("main").policy(Policy.defaults()).build());
    QueryResult[] r = new QueryResult[1];
    String err = captureStderr(() ->
        r[0] = ds.execute(QueryRequest.query("SELECT * FROM public.items").build()));
    assertThat(r[0].metadata().masked()).isTrue();
    assertThat(r[0].rows().get(0).get("email")).isNotEqualTo(ContractDataset.email(1));
    assertThat(r[0].toString()).doesNotContain(ContractDataset.email(1));
    assertThat(err.lines().toList()).hasSize(1);
    assertThat(err).contains("\"outcome\":\"OK\"").contains("\"masked\":true")
        .contains("\"resourceId\":\"main\"").doesNotContain(ContractDataset.email(1));
  }

  @Test
  void optingOutIsExplicitAndRecordedInTheAudit() {
    AuditSink.InMemory audit = AuditSink.inMemory();
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend, DataSourceSettings.builder("main")
        .masking(Masking.none()).auditSink(audit).build());
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").build());
    assertThat(r.metadata().masked()).isFalse();
    assertThat(r.rows().get(0).get("email")).isEqualTo(ContractDataset.email(1));
    assertThat(audit.last().masked()).isFalse();
    assertThat(new String(ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink.toJsonLine(
        audit.last()), StandardCharsets.UTF_8)).contains("\"masked\":false");
  }

  @Test
  void settingsFromConfigCarryTheResourcePolicyTheFileMaskingAndAudit(@TempDir Path dir)
      throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    DataSourcesConfig config = parse(CONFIG.formatted(auditFile), Map.of());
    ReadOnlyDataSource ds = ReadOnlyDataSource.of(backend,
        DataSourceSettings.fromConfig(config, "main").build());
    QueryResult r = ds.execute(QueryRequest.query("SELECT * FROM public.items").build());
    assertThat(r.rowCount()).isEqualTo(5);
    assertThat(r.truncated()).isTrue();
    assertThat(r.metadata().truncatedBy()).isEqualTo("rows");
    assertThat(r.rows().get(0).get("name")).isEqualTo("item-**");
    assertThat(r.rows().get(0).get("email")).isNotEqualTo(ContractDataset.email(1));
    assertThatThrownBy(() -> ds.execute(QueryRequest.query("SELECT * FROM public.secrets").build()))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED));
    List<String> lines = Files.readAllLines(auditFile);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("TABLE_NOT_ALLOWED").contains("\"masked\":true")
        .doesNotContain(ContractDataset.SECRET_VALUE);
    assertThatThrownBy(() -> DataSourceSettings.fromConfig(config, "nope"))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining("nope");
  }

  @Test
  void forResourceAppliesTheStricterOfBothPolicies() {
    DataSourcesConfig config = parse(CONFIG.formatted("stderr"), Map.of());
    ResourceConfig rc = config.resource("main").orElseThrow();
    DataSourceSettings loose = DataSourceSettings.builder("main").policy(Policy.builder()
        .maxRowsPerQuery(1000).blockedColumns(List.of("public.items.note"))
        .allowedOperations(Set.of(Operation.QUERY, Operation.LIST_TABLES)).build()).build();
    Policy p = loose.forResource(rc).policy();
    assertThat(p.maxRowsPerQuery()).isEqualTo(5);
    assertThat(p.blockedTables()).containsExactly("public.secrets");
    assertThat(p.blockedColumns()).containsExactly("public.items.note");
    assertThat(p.allowedOperations()).containsExactlyInAnyOrder(Operation.QUERY,
        Operation.LIST_TABLES);
    assertThat(p.maxResultBytes()).isEqualTo(loose.policy().maxResultBytes());
    DataSourceSettings strict = DataSourceSettings.builder("main").policy(Policy.builder()
        .maxRowsPerQuery(2).build()).build();
    assertThat(strict.forResource(rc).policy().maxRowsPerQuery()).isEqualTo(2);
    assertThatThrownBy(() -> DataSourceSettings.builder("other").build().forResource(rc))
        .isInstanceOfSatisfying(DbAccessException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining("'other'");
  }
}
