package ai.causeflow.dbaccess.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The library's part of a configuration file, typed and validated: the {@code resources} (each
 * with its backend's typed {@code connection}), {@code masking} and {@code audit}, plus the
 * application sections registered with {@link ConfigLoader.Builder#section}.
 *
 * <pre>{@code
 * DataSourcesConfig c = loader.load(Path.of("relay-config.yaml"), System.getenv());
 * for (ResourceConfig r : c.resources()) { ... r.policy() ... }
 * }</pre>
 *
 * <p>Thread-safety: immutable value; secrets print as {@code ****}.
 *
 * @param resources the resources, in file order, ids unique
 * @param masking the masking block (defaults when absent)
 * @param audit the audit block (defaults when absent)
 * @param sections the registered application sections by key, as their parsers returned them
 *     (absent when the parser returned null)
 */
public record DataSourcesConfig(List<ResourceConfig> resources, MaskingConfig masking,
    AuditConfig audit, Map<String, Object> sections) {

  public DataSourcesConfig {
    resources = List.copyOf(resources);
    Objects.requireNonNull(masking, "masking");
    Objects.requireNonNull(audit, "audit");
    sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
  }

  /** The resource with this id, if configured. */
  public Optional<ResourceConfig> resource(String id) {
    return resources.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /**
   * A registered section's value.
   *
   * @throws ClassCastException if it is not a {@code type}
   */
  public <T> @Nullable T section(String key, Class<T> type) {
    return type.cast(sections.get(key));
  }
}
