package ai.causeflow.dbaccess.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.spi.Backend;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link Masking} as the pipeline uses it: rows, dropped columns, result metadata and the audit
 * event, through {@link ReadOnlyDataSource} over a backend that serves fixed rows (a thin stand-in
 * for a database; the backends' own tests run the same against real servers).
 */
class MaskingPipelineTest {
  private static final List<Column> COLUMNS = List.of(new Column("id", "int8", "public.users"),
      new Column("email", "text", "public.users"), new Column("ssn", "text", "public.users"),
      new Column("profile", "jsonb", "public.users"));

  private static Map<String, @Nullable Object> row(long id, String email, String ssn,
      Object profile) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("email", email);
    m.put("ssn", ssn);
    m.put("profile", profile);
    return m;
  }

  private static final List<Map<String, @Nullable Object>> ROWS = List.of(
      row(1, "ana@example.com", "123-45-6789",
          Map.of("cpf", 52998224725L, "note", "card 4111 1111 1111 1111")),
      row(2, "bob@example.com", "234-56-7890", Map.of("note", "all good, order 4412")));

  /** Serves ROWS for any query. */
  static final class FixedRows implements Backend {
    @Override
    public String type() {
      return "fixed";
    }

    @Override
    public Set<Operation> supportedOperations() {
      return Set.of(Operation.QUERY);
    }

    @Override
    public QueryPlan validate(QueryRequest request, Policy policy) {
      return new QueryPlan() {
        @Override
        public QueryRequest request() {
          return request;
        }

        @Override
        public Set<String> tables() {
          return Set.of("public.users");
        }
      };
    }

    @Override
    public RowCursor open(QueryPlan plan, ExecutionContext context) {
      Iterator<Map<String, @Nullable Object>> it = ROWS.iterator();
      return new RowCursor() {
        @Override
        public List<Column> columns() {
          return COLUMNS;
        }

        @Override
        public @Nullable Map<String, @Nullable Object> next() {
          return it.hasNext() ? it.next() : null;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public HealthStatus health(Duration timeout) {
      return HealthStatus.up(0);
    }

    @Override
    public String redactLiterals(String statement) {
      return ai.causeflow.dbaccess.core.spi.Redactors.sql(statement);
    }

    @Override
    public void close() {}
  }

  @Test
  void rowsMetadataAndAuditCarryMaskedValuesAndCountsOnly() {
    AuditSink.InMemory audit = AuditSink.inMemory();
    Masking masking = Masking.builder().columnRule("public.users.ssn", Strategy.DROP).build();
    DataSourceSettings settings = DataSourceSettings.builder("users-db")
        .policy(Policy.builder().allowedOperations(Set.of(Operation.QUERY))
            .allowedTables(List.of("public.*")).build())
        .masking(masking).auditSink(audit).build();
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(new FixedRows(), settings)) {
      QueryResult r = ds.execute(QueryRequest.query(
          "SELECT id, email, ssn, profile FROM users WHERE email = 'ana@example.com'").build());

      assertThat(r.columns()).extracting(Column::name).containsExactly("id", "email", "profile");
      assertThat(r.rows().get(0)).containsEntry("id", 1L).containsEntry("email", "***@***.***")
          .doesNotContainKey("ssn");
      assertThat(r.rows().get(0).get("profile")).isEqualTo(Map.of("cpf", "***.***.***-**",
          "note", "card ****-****-****-****"));
      assertThat(r.rows().get(1).get("profile")).isEqualTo(Map.of("note", "all good, order 4412"));
      assertThat(r.metadata().masked()).isTrue();
      assertThat(r.metadata().maskedFieldCount()).isEqualTo(6);
      assertThat(r.metadata().patternsApplied()).isEqualTo(Map.of("email", 2, "cpf", 1,
          "credit_card", 1, "column:public.users.ssn", 2));

      AuditEvent e = audit.last();
      assertThat(e.maskedFieldCount()).isEqualTo(6);
      assertThat(e.patternsApplied()).isEqualTo(r.metadata().patternsApplied());
      String printed = e.toString() + r;
      for (String secret : List.of("ana@example.com", "bob@example.com", "123-45-6789",
          "52998224725", "4111")) {
        assertThat(printed).doesNotContain(secret);
      }
      assertThat(e.statement()).isNotNull().doesNotContain("ana@example.com");
    }
  }

  @Test
  void statementTextIsMaskedForTheAuditLogEvenOutsideLiterals() {
    String statement = "db.users.find({email: ana@example.com, card: 4111111111111111})";
    MaskingStats st = new MaskingStats();
    assertThat(Masking.defaults().maskText(statement, st))
        .isEqualTo("db.users.find({email: ***@***.***, card: ****-****-****-****})");
    assertThat(st.patternsApplied()).isEqualTo(Map.of("email", 1, "credit_card", 1));
  }
}
