package ai.causeflow.dbaccess.core.config;

/**
 * Parses and validates the {@code connection} block of one resource type. Each backend module
 * offers its own ({@code PostgresConnectionConfig::parse}); the application registers the ones it
 * serves with {@link ConfigLoader.Builder#connection}, explicitly: nothing is discovered from the
 * classpath, so a jar cannot change how configuration is read by being present.
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.builder()
 *     .connection("postgres", PostgresConnectionConfig::parse)
 *     .build();
 * }</pre>
 *
 * <p>Errors are {@link ConfigException}s at the node's key path, never quoting a value. Must be
 * stateless and thread-safe.
 */
@FunctionalInterface
public interface ConnectionParser {
  /** The typed block; {@code connection} is present (the loader checked). */
  ConnectionConfig parse(ConfigNode connection);
}
