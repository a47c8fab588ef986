package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code connection} blocks of the resource types whose backend modules do not offer a parser
 * yet ({@code mongodb}, {@code dynamodb}): validated as the configuration format documents them,
 * so that a file that will be valid stays valid, and refused when the relay starts. Each goes away
 * when its module's own parser is registered in {@code RelayConfig.LOADER}.
 */
public final class PendingConnections {
  private PendingConnections() {}

  /**
   * {@code type: mongodb}. The URI is a secret (it often carries a password).
   *
   * @param readPreference e.g. {@code secondaryPreferred}, or null for the URI's own
   */
  public record Mongo(Secret uri, String database, @Nullable String readPreference)
      implements ConnectionConfig {}

  public static Mongo mongo(ConfigNode n) {
    n.requireMapping("uri", "database", "readPreference");
    ConfigNode uriNode = n.child("uri");
    Secret uri = uriNode.secret(true);
    String u = uri.reveal();
    if (!(u.startsWith("mongodb://") || u.startsWith("mongodb+srv://"))) {
      throw uriNode.error("must start with mongodb:// or mongodb+srv://");
    }
    ConfigNode rp = n.child("readPreference");
    String readPreference = rp.string(false, null);
    List<String> prefs = List.of("primary", "primaryPreferred", "secondary",
        "secondaryPreferred", "nearest");
    if (readPreference != null && !prefs.contains(readPreference)) {
      throw rp.error("must be one of " + prefs);
    }
    return new Mongo(uri, n.child("database").string(true, null), readPreference);
  }
}
