package ai.causeflow.dbaccess.core.config;

import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A resource's {@code connection} block; its shape depends on the resource type. Secrets print as
 * {@code ****}.
 *
 * <p>Thread-safety: immutable values.
 */
public sealed interface ConnectionConfig {

  /**
   * {@code type: postgres}.
   *
   * @param sslMode pgjdbc's sslMode: disable, allow, prefer, require, verify-ca, verify-full
   * @param connectTimeoutMs 1..600000, default 10000
   */
  record Postgres(String host, int port, String database, String user, Secret password,
      String sslMode, int connectTimeoutMs) implements ConnectionConfig {}

  /**
   * {@code type: mongodb}. The URI is a secret (it often carries a password).
   *
   * @param readPreference e.g. {@code secondaryPreferred}, or null for the URI's own
   */
  record Mongo(Secret uri, String database, @Nullable String readPreference)
      implements ConnectionConfig {
    public Optional<String> readPreferenceOption() {
      return Optional.ofNullable(readPreference);
    }
  }

  /**
   * {@code type: dynamodb}.
   *
   * @param roleArn role to assume with STS, or null to use the default credentials
   * @param externalId the {@code sts:ExternalId}, or null
   * @param endpoint endpoint override (tests, local DynamoDB), or null
   */
  record Dynamo(String region, @Nullable String roleArn, @Nullable Secret externalId,
      @Nullable URI endpoint) implements ConnectionConfig {}
}
