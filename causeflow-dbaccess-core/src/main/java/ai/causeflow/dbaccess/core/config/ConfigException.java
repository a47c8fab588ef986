package ai.causeflow.dbaccess.core.config;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;

/**
 * A configuration error at start-up: the message starts with the key path
 * ({@code resources[1].maxRowsPerQuery: must be between 1 and 100000, was 0}) and never contains a
 * secret.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public final class ConfigException extends DbAccessException {
  private static final long serialVersionUID = 1L;

  private final String keyPath;

  public ConfigException(String keyPath, String problem) {
    super(ErrorCode.CONFIG_INVALID, (keyPath.isEmpty() ? "(root)" : keyPath) + ": " + problem);
    this.keyPath = keyPath;
  }

  /** The path of the offending key, e.g. {@code resources[1].maxRowsPerQuery}. */
  public String keyPath() {
    return keyPath;
  }
}
