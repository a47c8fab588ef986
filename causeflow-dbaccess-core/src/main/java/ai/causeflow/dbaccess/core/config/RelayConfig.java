package ai.causeflow.dbaccess.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The whole of {@code relay-config.yaml} (PROTOCOL.md), typed and validated.
 *
 * <pre>{@code
 * RelayConfig config = RelayConfig.load(Path.of("relay-config.yaml"));   // ${VAR} from the env
 * for (ResourceConfig r : config.resources()) { ... r.policy(config.limits()) ... }
 * }</pre>
 *
 * <p>Thread-safety: immutable value; secrets print as {@code ****}.
 *
 * @param controlPlane absent only in stdio mode
 */
public record RelayConfig(
    @Nullable ControlPlaneConfig controlPlane,
    LimitsConfig limits,
    List<ResourceConfig> resources,
    MaskingConfig masking,
    AuditConfig audit) {

  public RelayConfig {
    resources = List.copyOf(resources);
  }

  public Optional<ControlPlaneConfig> controlPlaneOption() {
    return Optional.ofNullable(controlPlane);
  }

  /** Loads and validates a file, filling {@code ${VAR}} from the process environment. */
  public static RelayConfig load(Path file) {
    return ConfigLoader.load(file, System.getenv());
  }

  /** Parses and validates YAML text, filling {@code ${VAR}} from {@code env}. */
  public static RelayConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, env);
  }

  /** The resource with this id, if configured. */
  public Optional<ResourceConfig> resource(String id) {
    return resources.stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
