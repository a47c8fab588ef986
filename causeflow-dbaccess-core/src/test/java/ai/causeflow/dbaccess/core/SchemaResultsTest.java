package ai.causeflow.dbaccess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SchemaResultsTest {
  static final ResultMetadata META = new ResultMetadata("r", "q", false, 0, Map.of(), 0, 10, null);

  static QueryResult result(List<Column> cols, List<Map<String, @Nullable Object>> rows) {
    return new QueryResult(cols, rows, rows.size(), false, META);
  }

  @Test
  void tableInfoRowsRoundTripAndToleratePostgresExtrasAndMaskedValues() {
    TableInfo t = new TableInfo("public", "orders", "table", 1_200L);
    assertThat(t.toRow().keySet()).containsExactly("schema", "name", "kind", "estimated_rows");
    Map<String, @Nullable Object> pg = new LinkedHashMap<>(t.toRow());
    pg.put("size_bytes", 8192L);
    Map<String, @Nullable Object> dynamo = new TableInfo(null, "sessions", "table", null).toRow();
    Map<String, @Nullable Object> big = new LinkedHashMap<>(t.toRow());
    big.put("estimated_rows", "9007199254740993"); // beyond 2^53, as the value model writes it
    Map<String, @Nullable Object> masked = new LinkedHashMap<>(t.toRow());
    masked.put("estimated_rows", "****");
    Map<String, @Nullable Object> nameless = new LinkedHashMap<>();
    nameless.put("kind", "view");
    List<TableInfo> read = TableInfo.listFrom(result(TableInfo.COLUMNS,
        List.of(pg, dynamo, big, masked, nameless)));
    assertThat(read).containsExactly(t, new TableInfo(null, "sessions", "table", null),
        new TableInfo("public", "orders", "table", 9_007_199_254_740_993L),
        new TableInfo("public", "orders", "table", null));
    assertThat(read.get(1).qualifiedName()).isEqualTo("sessions");
  }

  @Test
  void tableDescriptionRoundTripsWithDetailsAndInferredFields() {
    TableDescription d = new TableDescription("events", "clicks", "collection", 100L,
        List.of(new TableDescription.Field("_id", "objectId", false, 1.0, false, Map.of()),
            new TableDescription.Field("profile.email", "string|null", true, 0.4, true,
                Map.of("sampled", 100))),
        List.of("_id"),
        List.of(new TableDescription.Index("_id_", List.of("_id"), true, Map.of()),
            new TableDescription.Index("by_user", List.of("user", "at"), false,
                Map.of("sparse", true))),
        Map.of("sampleSize", 100));
    Map<String, @Nullable Object> row = d.toRow();
    assertThat(row.keySet()).containsExactly("schema", "name", "kind", "estimated_rows",
        "columns", "primary_key", "indexes", "sampleSize");
    assertThat(ValueJson.toJson(row)).contains("\"frequency\":0.4").contains("\"blocked\":true");
    TableDescription back = TableDescription.from(result(TableDescription.COLUMNS,
        List.of(row)));
    assertThat(back).isEqualTo(d);
    // a declared column has no frequency key at all (PostgreSQL's wire shape is unchanged)
    assertThat(new TableDescription.Field("id", "int8", false, null, false, Map.of()).toMap())
        .containsOnlyKeys("name", "type", "nullable", "blocked");
  }

  @Test
  void aResultThatIsNotADescriptionIsACodedError() {
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> TableDescription.from(result(List.of(), List.of())));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
  }
}
