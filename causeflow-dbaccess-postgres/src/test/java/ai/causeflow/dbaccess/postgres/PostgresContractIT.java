package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.StandardDataset;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import ai.causeflow.dbaccess.testkit.ReadOnlyDataSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/** The contract suite over the user's DataSource ({@code create}). */
class PostgresContractIT extends ReadOnlyDataSourceContract {
  static TestDatabase db;

  @BeforeAll
  static void seed() {
    db = EmbeddedPostgresServer.shared().createDatabase("contract");
    StandardDataset.seed(db);
  }

  @Override
  protected ReadOnlyDataSource createDataSource(DataSourceSettings settings) {
    return PostgresReadOnlyDataSource.create(db.dataSource(), settings);
  }

  @Override
  protected ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {closedPort()});
    ds.setDatabaseName("nowhere");
    ds.setUser("nobody");
    ds.setConnectTimeout(2);
    return PostgresReadOnlyDataSource.create(ds, settings);
  }

  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected String itemsTable() {
    return "public.items";
  }

  @Override
  protected String secretsTable() {
    return "public.secrets";
  }

  @Override
  protected String selectAllItems() {
    return "SELECT id, name, email, note FROM items ORDER BY id";
  }

  @Override
  protected String selectItemById() {
    return "SELECT id, name, email, note FROM items WHERE id = $1";
  }

  @Override
  protected String queryWithLiteral(String literal) {
    return "SELECT id, name, email, note FROM items WHERE name = '" + literal + "'";
  }

  @Override
  protected String selectSecrets() {
    return "SELECT * FROM secrets";
  }

  @Override
  protected List<String> writeAttempts() {
    return List.of(
        "DELETE FROM items",
        "INSERT INTO items (id, name) VALUES (999, 'x')",
        "UPDATE items SET name = 'x'",
        "DROP TABLE items",
        "TRUNCATE items",
        "SELECT 1; DELETE FROM items",
        "COMMIT; DELETE FROM items",
        "WITH d AS (DELETE FROM items RETURNING *) SELECT * FROM d",
        "SELECT * FROM items FOR UPDATE",
        "SELECT * INTO stolen FROM items",
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        "COPY items TO STDOUT",
        "SET ROLE postgres",
        "DO $$ BEGIN DELETE FROM items; END $$");
  }

  @Override
  protected String slowQuery() {
    return "SELECT count(*) FROM items a, items b, items c, items d, items e, items f";
  }

  @Override
  protected String failingQueryQuoting(String secret) {
    return "SELECT CAST('" + secret + "' AS integer) FROM items";
  }

  @Override
  protected long countItemsDirectly() {
    return db.queryLong("SELECT count(*) FROM items");
  }
}
