package ai.causeflow.dbaccess.core.config;

/**
 * Parses a top-level section of the configuration file that belongs to the application, not to
 * the library (the reference relay's {@code controlPlane} and {@code limits}). Registered with
 * {@link ConfigLoader.Builder#section}; the result is read back with
 * {@link DataSourcesConfig#section(String, Class)}.
 *
 * <p>Must be stateless and thread-safe.
 *
 * @param <T> the section's typed value
 */
@FunctionalInterface
public interface SectionParser<T> {
  /**
   * The typed section. Called whether or not the key is present ({@link ConfigNode#present()}),
   * so that the parser decides defaults or requires it; may return null when absent.
   */
  T parse(ConfigNode section);
}
