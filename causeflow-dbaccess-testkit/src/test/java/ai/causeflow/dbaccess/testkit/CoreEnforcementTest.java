package ai.causeflow.dbaccess.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What the core pipeline enforces by itself, proved with a backend that checks nothing
 * ({@link ScriptedBackend}): column policy (declared columns, result columns, document fields at
 * any depth) and the value model.
 */
class CoreEnforcementTest {
  static final String SSN = "078-05-1120";
  static final String CARD = "4111111111111111";
  /** Under {@code orders.lines.card}: a path no rule names. */
  static final String OTHER_PATH_CARD = "5500000000000004";
  private final AuditSink.InMemory audit = AuditSink.inMemory();

  private ReadOnlyDataSource ds(ScriptedBackend b, Policy p) {
    return ReadOnlyDataSource.of(b, DataSourceSettings.builder("core").policy(p)
        .masking(MaskingStage.none()).auditSink(audit).build());
  }

  private static QueryResult query(ReadOnlyDataSource ds) {
    return ds.execute(QueryRequest.query("SELECT anything").build());
  }

  static Map<String, @Nullable Object> customer(int i) {
    Map<String, @Nullable Object> profile = new LinkedHashMap<>();
    profile.put("city", "Porto");
    profile.put("ssn", SSN);
    profile.put("contact", Map.of("ssn", "nested-but-other-path"));
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("_id", "c" + i);
    row.put("name", "customer " + i);
    row.put("profile", profile);
    row.put("orders", List.of(Map.of("card", CARD, "total", 10L),
        Map.of("card", CARD, "total", 5L, "lines", List.of(Map.of("card", OTHER_PATH_CARD)))));
    row.put("tags", new LinkedHashSet<>(List.of("a", "b")));
    return row;
  }

  static ScriptedBackend documents() {
    return ScriptedBackend.builder()
        .tables(Set.of("customers"))
        .columnScope(QueryPlan.ColumnScope.DOCUMENTS)
        .columns(List.of(new Column("_id", "string"), new Column("name", "string"),
            new Column("profile", "object"), new Column("orders", "array"),
            new Column("tags", "set")))
        .row(customer(1)).row(customer(2))
        .build();
  }

  @Test
  void documentBackendsLoseBlockedFieldsAtAnyDepthIncludingInsideArrays() {
    Policy p = Policy.builder().blockedColumns(List.of("customers.profile.ssn",
        "customers.orders.card", "customers.name")).build();
    try (ReadOnlyDataSource ds = ds(documents(), p)) {
      QueryResult r = query(ds);
      assertThat(r.rowCount()).isEqualTo(2);
      String json = ValueJson.toJson(r.rows());
      assertThat(json).doesNotContain(SSN).doesNotContain(CARD).doesNotContain("customer 1");
      Map<String, @Nullable Object> row = r.rows().get(0);
      assertThat(row).containsOnlyKeys("_id", "profile", "orders", "tags");
      assertThat(row.get("profile")).isEqualTo(Map.of("city", "Porto",
          "contact", Map.of("ssn", "nested-but-other-path")));
      assertThat(row.get("orders")).isEqualTo(List.of(Map.of("total", 10L),
          Map.of("total", 5L, "lines", List.of(Map.of("card", OTHER_PATH_CARD)))));
      assertThat(r.columns()).extracting(Column::name)
          .containsExactly("_id", "profile", "orders", "tags");
    }
  }

  @Test
  void documentFieldRulesMatchGlobsAndLeaveUnblockedRowsUntouched() {
    Policy p = Policy.builder().blockedColumns(List.of("*.ssn")).build();
    try (ReadOnlyDataSource ds = ds(documents(), p)) {
      String json = ValueJson.toJson(query(ds).rows());
      assertThat(json).doesNotContain(SSN).doesNotContain("nested-but-other-path")
          .contains(CARD);
    }
    try (ReadOnlyDataSource ds = ds(documents(), Policy.defaults())) {
      assertThat(ValueJson.toJson(query(ds).rows())).contains(SSN).contains(CARD);
    }
  }

  @Test
  void aDeclaredBlockedColumnIsRefusedBeforeTheBackendRuns() {
    ScriptedBackend b = ScriptedBackend.builder().tables(Set.of("public.users"))
        .declaredColumns(Set.of("public.users.id", "public.users.password_hash"))
        .columns(List.of(new Column("id", "int8"))).row(Map.of("id", 1L)).build();
    Policy p = Policy.builder().blockedColumns(List.of("public.users.password_hash")).build();
    try (ReadOnlyDataSource ds = ds(b, p)) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> query(ds));
      assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
      assertThat(b.openCalls()).isZero();
    }
  }

  @Test
  void aBlockedColumnInTheResultIsRefusedBeforeAnyRowIsRead() {
    // the backend forgot to declare it; the result's columns still name their source
    ScriptedBackend b = ScriptedBackend.builder().tables(Set.of("public.users"))
        .columns(List.of(new Column("id", "int8", "public.users"),
            new Column("h", "text", "public.users", List.of("public.users.password_hash"))))
        .row(Map.of("id", 1L, "h", "$2b$12$secrethash")).build();
    Policy p = Policy.builder().blockedColumns(List.of("public.users.password_hash")).build();
    try (ReadOnlyDataSource ds = ds(b, p)) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> query(ds));
      assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
      assertThat(b.rowsYielded()).isZero();
      assertThat(e.getMessage()).doesNotContain("secrethash");
    }
    // an alias of an allowed column is not mistaken for the blocked one
    ScriptedBackend alias = ScriptedBackend.builder().tables(Set.of("public.users"))
        .columns(List.of(new Column("password_hash", "int8", "public.users",
            List.of("public.users.id"))))
        .row(Map.of("password_hash", 1L)).build();
    try (ReadOnlyDataSource ds = ds(alias, p)) {
      assertThat(query(ds).rowCount()).isEqualTo(1);
    }
  }

  @Test
  void aValueOutsideTheModelFailsTheRequestAsInternalNamingTheColumn() {
    Object driverType = new Object() {
      @Override
      public String toString() {
        return "ObjectId(" + SSN + ")";
      }
    };
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("_id", driverType);
    ScriptedBackend b = ScriptedBackend.builder().columns(List.of(new Column("_id", "objectId")))
        .row(row).build();
    try (ReadOnlyDataSource ds = ds(b, Policy.defaults())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> query(ds));
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(e.getMessage()).contains("column '_id'").doesNotContain(SSN);
      AuditEvent last = audit.last();
      assertThat(last.reason()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(String.valueOf(last)).doesNotContain(SSN);
    }
  }

  @Test
  void valuesOfTheModelPassThePipelineAndAreWrittenByTheOneWriter() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    ScriptedBackend b = ScriptedBackend.builder()
        .columns(List.of(new Column("id", "uuid"), new Column("at", "timestamptz"),
            new Column("big", "int8"), new Column("bin", "bytea"), new Column("ss", "SS")))
        .row(Map.of("id", id, "at", Instant.parse("2024-02-29T11:14:15Z"), "big", 1L << 60,
            "bin", new byte[] {1, 2, 3}, "ss", new LinkedHashSet<>(List.of("x", "y"))))
        .build();
    try (ReadOnlyDataSource ds = ds(b, Policy.defaults())) {
      QueryResult r = query(ds);
      assertThat(ValueJson.toJson(r.rows().get(0))).isEqualTo("{\"id\":\"" + id + "\","
          + "\"at\":\"2024-02-29T11:14:15Z\",\"big\":\"1152921504606846976\",\"bin\":\"AQID\","
          + "\"ss\":[\"x\",\"y\"]}");
    }
  }

  /**
   * A cursor that hands every row over in the same array or map (the contract broken) and a
   * dataset where most rows are clean, so that masking keeps them as they are: the pipeline owns
   * what it keeps, so no kept row, masked or not, changes when the next row is read. 3,000 rows:
   * the rows past the first 1,024 are masked on a second thread while the next ones are fetched.
   */
  @Test
  void aCursorThatReusesOneArrayCannotAlterAKeptRow() {
    for (MaskingStage masking : List.of(new TestMasking(), Masking.defaults(),
        MaskingStage.none())) {
      for (boolean array : List.of(true, false)) {
        assertEveryKeptRowIsItsOwn(masking, ScriptedBackend.builder().reuseOneArray(array)
            .reuseOneMap(!array));
      }
    }
  }

  private void assertEveryKeptRowIsItsOwn(MaskingStage masking, ScriptedBackend.Builder b) {
    b.columns(List.of(new Column("id", "int8"), new Column("note", "text")));
    for (int i = 0; i < 3_000; i++) {
      b.row(Map.of("id", (long) i, "note", i % 7 == 0 ? "mail user" + i + "@example.com"
          : "clean note " + i));
    }
    try (ReadOnlyDataSource ds = ReadOnlyDataSource.of(b.build(), DataSourceSettings
        .builder("reuse").policy(Policy.builder().maxRowsPerQuery(5_000).build())
        .masking(masking).auditSink(audit).build())) {
      QueryResult r = query(ds);
      assertThat(r.rowCount()).isEqualTo(3_000);
      for (int i = 0; i < 3_000; i++) {
        Map<String, @Nullable Object> row = r.rows().get(i);
        assertThat(row.get("id")).as("row %d under %s", i, masking).isEqualTo((long) i);
        if (i % 7 != 0) {
          assertThat(row.get("note")).isEqualTo("clean note " + i);
        } else if (!masking.enabled()) {
          assertThat(row.get("note")).isEqualTo("mail user" + i + "@example.com");
        } else {
          assertThat((String) row.get("note")).doesNotContain("user" + i + "@");
        }
      }
    }
  }
}
