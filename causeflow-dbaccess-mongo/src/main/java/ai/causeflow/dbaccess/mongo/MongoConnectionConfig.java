package ai.causeflow.dbaccess.mongo;

import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code connection} block of a {@code type: mongodb} resource, and its parser, which an
 * application registers with the configuration loader:
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.builder()
 *     .connection(MongoConnectionConfig.TYPE, MongoConnectionConfig::parse)
 *     .build();
 * // connection: {uri: ${MONGO_URI}, database: events, readPreference: secondaryPreferred,
 * //              readConcern: majority}
 * }</pre>
 *
 * <p>Thread-safety: immutable value; the URI (which often carries a password) prints as
 * {@code ****}, and no error message ever quotes it.
 *
 * @param uri {@code mongodb://} or {@code mongodb+srv://} connection string (required; a secret:
 *     write it as {@code ${MONGO_URI}})
 * @param database the database to read (required)
 * @param readPreference {@code primary}, {@code primaryPreferred}, {@code secondary},
 *     {@code secondaryPreferred} (recommended) or {@code nearest}; null keeps the URI's
 * @param readConcern {@code local}, {@code available}, {@code majority}, {@code linearizable} or
 *     {@code snapshot}; null keeps the URI's
 */
public record MongoConnectionConfig(Secret uri, String database, @Nullable String readPreference,
    @Nullable String readConcern) implements ConnectionConfig {

  /** The resource type this block belongs to. */
  public static final String TYPE = "mongodb";
  /** Accepted {@code readPreference} values. */
  public static final List<String> READ_PREFERENCES = List.of("primary", "primaryPreferred",
      "secondary", "secondaryPreferred", "nearest");
  /** Accepted {@code readConcern} values. */
  public static final List<String> READ_CONCERNS = List.of("local", "available", "majority",
      "linearizable", "snapshot");

  public MongoConnectionConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(database, "database");
  }

  /**
   * Parses and validates a {@code connection} block; errors name the key path
   * ({@code resources[1].connection.readPreference: must be one of [...]}), never a value.
   */
  public static MongoConnectionConfig parse(ConfigNode n) {
    n.requireMapping("uri", "database", "readPreference", "readConcern");
    ConfigNode uriNode = n.child("uri");
    Secret uri = uriNode.secret(true);
    String u = uri.reveal();
    if (!(u.startsWith("mongodb://") || u.startsWith("mongodb+srv://"))) {
      throw uriNode.error("must start with mongodb:// or mongodb+srv://");
    }
    ConfigNode rp = n.child("readPreference");
    String readPreference = rp.string(false, null);
    if (readPreference != null && !READ_PREFERENCES.contains(readPreference)) {
      throw rp.error("must be one of " + READ_PREFERENCES);
    }
    ConfigNode rc = n.child("readConcern");
    String readConcern = rc.string(false, null);
    if (readConcern != null && !READ_CONCERNS.contains(readConcern)) {
      throw rc.error("must be one of " + READ_CONCERNS);
    }
    return new MongoConnectionConfig(uri, n.child("database").string(true, null), readPreference,
        readConcern);
  }

  @Override
  public String toString() {
    return "MongoConnectionConfig[uri=****, database=" + database + ", readPreference="
        + readPreference + ", readConcern=" + readConcern + "]";
  }
}
