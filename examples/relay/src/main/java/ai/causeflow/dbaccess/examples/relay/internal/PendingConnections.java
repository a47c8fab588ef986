package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code connection} blocks of the resource types whose backend modules do not offer a parser
 * yet ({@code dynamodb}): validated as the configuration format documents them,
 * so that a file that will be valid stays valid, and refused when the relay starts. Each goes away
 * when its module's own parser is registered in {@code RelayConfig.LOADER}.
 */
public final class PendingConnections {
  private PendingConnections() {}

  /**
   * {@code type: dynamodb}.
   *
   * @param roleArn role to assume with STS, or null to use the default credentials
   * @param externalId the {@code sts:ExternalId}, or null
   * @param endpoint endpoint override (tests, local DynamoDB), or null
   */
  public record Dynamo(String region, @Nullable String roleArn, @Nullable Secret externalId,
      @Nullable URI endpoint) implements ConnectionConfig {}

  public static Dynamo dynamo(ConfigNode n) {
    n.requireMapping("region", "roleArn", "externalId", "endpoint");
    ConfigNode arnNode = n.child("roleArn");
    String roleArn = arnNode.string(false, null);
    if (roleArn != null && !roleArn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
      throw arnNode.error("must be an IAM role ARN");
    }
    ConfigNode ext = n.child("externalId");
    Secret externalId = ext.present() ? ext.secret(true) : null;
    ConfigNode ep = n.child("endpoint");
    URI endpoint = ep.present() ? ep.uri(false) : null;
    if (endpoint != null
        && !List.of("http", "https").contains(String.valueOf(endpoint.getScheme()))) {
      throw ep.error("must be an http:// or https:// URL");
    }
    return new Dynamo(n.child("region").string(true, null), roleArn, externalId, endpoint);
  }
}
