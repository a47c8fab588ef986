package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import ai.causeflow.dbaccess.core.config.AuditConfig;
import ai.causeflow.dbaccess.core.config.ConfigLoader;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import ai.causeflow.dbaccess.core.config.MaskingConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.mongo.MongoConnectionConfig;
import ai.causeflow.dbaccess.postgres.PostgresConnectionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The whole of {@code relay-config.yaml} (see {@code docs/protocol.md}), typed and validated. The
 * library reads the generic parts ({@code resources}, {@code masking}, {@code audit}); the relay
 * reads its transport sections ({@code controlPlane}, {@code limits}); each resource type's
 * {@code connection} block is read by the parser its backend module offers, registered here one
 * by one ({@link #LOADER}).
 *
 * <pre>{@code
 * RelayConfig config = RelayConfig.load(Path.of("relay-config.yaml"));   // ${VAR} from the env
 * for (ResourceConfig r : config.resources()) { ... r.policy(config.limits().maxResultBytes()) }
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

  /**
   * How the relay reads its configuration: its own sections first (as the file lists them), then
   * one connection parser per resource type, each from its backend module.
   */
  public static final ConfigLoader LOADER = ConfigLoader.builder()
      .section("controlPlane", ControlPlaneConfig::parse)
      .section("limits", LimitsConfig::parse)
      .connection(PostgresConnectionConfig.TYPE, PostgresConnectionConfig::parse)
      .connection(MongoConnectionConfig.TYPE, MongoConnectionConfig::parse)
      .connection(DynamoConnection.TYPE, DynamoConnection::parse)
      .build();

  public RelayConfig {
    resources = List.copyOf(resources);
  }

  public Optional<ControlPlaneConfig> controlPlaneOption() {
    return Optional.ofNullable(controlPlane);
  }

  /** Loads and validates a file, filling {@code ${VAR}} from the process environment. */
  public static RelayConfig load(Path file) {
    return of(LOADER.load(file, System.getenv()));
  }

  /** Parses and validates YAML text, filling {@code ${VAR}} from {@code env}. */
  public static RelayConfig parse(String yaml, Map<String, String> env) {
    return of(LOADER.parse(yaml, env));
  }

  /** The relay's view of what the loader read. */
  public static RelayConfig of(DataSourcesConfig c) {
    LimitsConfig limits = c.section("limits", LimitsConfig.class);
    return new RelayConfig(c.section("controlPlane", ControlPlaneConfig.class),
        limits == null ? LimitsConfig.DEFAULTS : limits, c.resources(), c.masking(), c.audit());
  }

  /** The resource with this id, if configured. */
  public Optional<ResourceConfig> resource(String id) {
    return resources.stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
