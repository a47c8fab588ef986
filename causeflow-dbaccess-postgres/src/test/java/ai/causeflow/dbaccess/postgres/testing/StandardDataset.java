package ai.causeflow.dbaccess.postgres.testing;

import ai.causeflow.dbaccess.testkit.ContractDataset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Seeds the test kit's {@link ContractDataset} ({@code public.items}, {@code public.secrets}) into a
 * test database, for the contract suite and anyone reusing it (relay, demo).
 *
 * <p>Thread-safety: stateless.
 */
public final class StandardDataset {
  private StandardDataset() {}

  public static void seed(TestDatabase db) {
    db.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, email text,"
            + " note text)",
        "CREATE TABLE secrets (id bigint PRIMARY KEY, value text NOT NULL)");
    try (Connection c = db.connect()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
        for (Map<String, Object> row : ContractDataset.items()) {
          ps.setLong(1, (Long) row.get("id"));
          ps.setString(2, (String) row.get("name"));
          ps.setString(3, (String) row.get("email"));
          ps.setString(4, (String) row.get("note"));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets VALUES (?, ?)")) {
        ps.setLong(1, 1);
        ps.setString(2, ContractDataset.SECRET_VALUE);
        ps.execute();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("seeding failed", e);
    }
    db.execute("ANALYZE items", "ANALYZE secrets");
  }
}
