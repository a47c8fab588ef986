package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import java.util.Set;

/** The contract suite over the internal pool ({@code fromConfig}). */
class PostgresPooledContractIT extends PostgresContractIT {

  @Override
  protected ReadOnlyDataSource createDataSource(DataSourceSettings settings) {
    ResourceConfig rc = db.resourceConfig("contract", Set.of(Operation.QUERY), 2);
    return PostgresReadOnlyDataSource.fromConfig(rc, settings);
  }

  @Override
  protected ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings) {
    PostgresConnectionConfig dead = new PostgresConnectionConfig("127.0.0.1", closedPort(),
        "nowhere", "nobody", Secret.of("pw"), "disable", 2_000);
    ResourceConfig rc = new ResourceConfig("contract", "postgres", "dead", dead,
        Set.of(Operation.QUERY), 100, 5_000, 1, List.of(), List.of(), List.of());
    return PostgresReadOnlyDataSource.fromConfig(rc, settings);
  }
}
