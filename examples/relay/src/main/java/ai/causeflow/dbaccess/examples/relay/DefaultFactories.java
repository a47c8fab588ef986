package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyDataSource;
import ai.causeflow.dbaccess.mongo.MongoReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;

/** The resource types this build serves, named one by one. */
final class DefaultFactories {
  private DefaultFactories() {}

  static ReadOnlyDataSource create(ResourceConfig resource, DataSourceSettings settings) {
    return switch (resource.type()) {
      case "postgres" -> PostgresReadOnlyDataSource.fromConfig(resource, settings);
      case "dynamodb" -> DynamoDbReadOnlyDataSource.fromConfig(resource, settings);
      case "mongodb" -> MongoReadOnlyDataSource.fromConfig(resource, settings);
      default -> throw new DbAccessException(ErrorCode.CONFIG_INVALID, "resources[" + resource.id()
          + "].type: type " + resource.type() + " is not available in this build yet");
    };
  }
}
