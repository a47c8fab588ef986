package ai.causeflow.dbaccess.testkit;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The contract suite against the in-memory backend: proves the core pipeline's half of it. */
class InMemoryContractTest extends ReadOnlyDataSourceContract {
  // Closing a data source closes its backend, and a test may open several: one backend each.
  private InMemoryBackend backend = ContractDataset.inMemoryBackend();

  @Override
  protected ReadOnlyDataSource createDataSource(DataSourceSettings settings) {
    backend = ContractDataset.inMemoryBackend();
    return ReadOnlyDataSource.of(backend, settings);
  }

  @Override
  protected ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings) {
    InMemoryBackend dead = ContractDataset.inMemoryBackend();
    dead.setDown(true);
    return ReadOnlyDataSource.of(dead, settings);
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
    return "SELECT * FROM public.items";
  }

  @Override
  protected String selectItemById() {
    return "SELECT * FROM public.items WHERE id = $1";
  }

  @Override
  protected String queryWithLiteral(String literal) {
    return "SELECT * FROM public.items WHERE name = '" + literal + "'";
  }

  @Override
  protected String selectSecrets() {
    return "SELECT * FROM public.secrets";
  }

  @Override
  protected List<String> writeAttempts() {
    return List.of("DELETE FROM public.items", "UPDATE public.items SET email = 'x'",
        "SELECT * FROM public.items; DELETE FROM public.items", "INSERT INTO public.items VALUES (1)");
  }

  @Override
  protected @Nullable String slowQuery() {
    return "SELECT SLEEP(20000)";
  }

  @Override
  protected String failingQueryQuoting(String secret) {
    return "SELECT FAIL('" + secret + "')";
  }

  @Override
  protected long countItemsDirectly() {
    return backend.rows("public.items").size();
  }
}
