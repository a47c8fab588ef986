package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;

/**
 * Builds the data source of one configured resource. Explicit on purpose: no ServiceLoader, no
 * classpath scanning; what serves a resource type is decided here and nowhere else.
 *
 * <pre>{@code
 * DataSourceFactory f = DataSourceFactory.defaults();
 * DataSourceFactory withFake = (resource, settings) -> ReadOnlyDataSource.of(myBackend, settings);
 * }</pre>
 *
 * <p>Thread-safety: the relay calls it from one thread at start-up.
 */
@FunctionalInterface
public interface DataSourceFactory {

  /**
   * Creates the data source; throws {@link DbAccessException} with
   * {@link ErrorCode#CONFIG_INVALID} when the resource cannot be served by this build.
   */
  ReadOnlyDataSource create(ResourceConfig resource, DataSourceSettings settings);

  /**
   * {@code postgres} → the PostgreSQL backend; {@code mongodb} → the MongoDB backend;
   * {@code dynamodb} → the DynamoDB backend.
   */
  static DataSourceFactory defaults() {
    return DefaultFactories::create;
  }
}
