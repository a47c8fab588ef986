package ai.causeflow.dbaccess.testkit;

import ai.causeflow.dbaccess.core.Column;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The small data set every backend seeds for {@link ReadOnlyDataSourceContract}: a table of
 * {@value #ITEM_COUNT} items (id, name, email, note) and a one-row secrets table holding
 * {@link #SECRET_VALUE}. Each backend stores it its own way (a SQL table, a collection, a DynamoDB
 * table) under the names its contract test returns.
 *
 * <p>Thread-safety: constants only.
 */
public final class ContractDataset {
  public static final int ITEM_COUNT = 50;
  /** A value that must never appear in an error message or audit event. */
  public static final String SECRET_VALUE = "s3cr3t-canary-7731";
  /** Column names of the items table, in order. */
  public static final List<String> ITEM_COLUMNS = List.of("id", "name", "email", "note");

  private ContractDataset() {}

  public static String email(int id) {
    return "user" + id + "@example.com";
  }

  /** The item rows, ids 1..{@value #ITEM_COUNT}; each row serialises to about 150 bytes of JSON. */
  public static List<Map<String, @Nullable Object>> items() {
    List<Map<String, @Nullable Object>> rows = new ArrayList<>();
    for (int id = 1; id <= ITEM_COUNT; id++) {
      Map<String, @Nullable Object> row = new LinkedHashMap<>();
      row.put("id", (long) id);
      row.put("name", String.format(java.util.Locale.ROOT, "item-%02d", id));
      row.put("email", email(id));
      row.put("note", "note for item " + id + " " + "x".repeat(60));
      rows.add(row);
    }
    return rows;
  }

  public static List<Map<String, @Nullable Object>> secrets() {
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.put("id", 1L);
    row.put("value", SECRET_VALUE);
    return List.of(row);
  }

  /** An in-memory backend holding the data set under {@code public.items} / {@code public.secrets}. */
  public static InMemoryBackend inMemoryBackend() {
    return InMemoryBackend.builder()
        .table("public.items", List.of(new Column("id", "int8"), new Column("name", "text"),
            new Column("email", "text"), new Column("note", "text")), items())
        .table("public.secrets", List.of(new Column("id", "int8"), new Column("value", "text")),
            secrets())
        .build();
  }
}
