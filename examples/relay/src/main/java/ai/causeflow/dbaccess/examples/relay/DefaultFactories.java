package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;

/** The resource types this build serves. */
final class DefaultFactories {
  private DefaultFactories() {}

  static ReadOnlyDataSource create(ResourceConfig resource, DataSourceSettings settings) {
    switch (resource.type()) {
      default:
        throw new DbAccessException(ErrorCode.CONFIG_INVALID, "resources[" + resource.id()
            + "].type: type " + resource.type() + " is not available in this build yet");
    }
  }
}
