package ai.causeflow.dbaccess.mongo;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.mongo.internal.MongoBackend;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadConcernLevel;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Read-only, policy-checked, masked and audited access to one MongoDB database.
 *
 * <p>A statement is a command document — {@code find}, {@code aggregate}, {@code count} or
 * {@code distinct} — validated field by field, stage by stage and operator by operator (nested
 * pipelines included) before anything is sent; see {@code docs/mongo.md} for the exact shapes.
 * Every operation carries {@code maxTimeMS} (the remaining statement timeout) and the request id as
 * {@code comment}; reads use the configured read preference and concern; at most
 * {@code limit + 1} documents are asked for; {@code allowDiskUse} is off unless
 * {@link MongoOptions#allowDiskUse()} says otherwise.
 *
 * <pre>{@code
 * // With your own client (never closed by this class; close it yourself after closing this):
 * try (MongoReadOnlyDataSource ds = MongoReadOnlyDataSource.create(mongoClient, "shop",
 *     DataSourceSettings.builder("shop-mongo").policy(policy).masking(masking).build(),
 *     MongoOptions.builder().readPreference(ReadPreference.secondaryPreferred()).build())) {
 *   QueryResult r = ds.execute(QueryRequest.query(
 *       "{\"find\": \"orders\", \"filter\": {\"status\": {\"$param\": 1}}, \"limit\": 20}")
 *       .parameters(List.of("late")).build());
 * }
 *
 * // From relay-config.yaml (its own client, closed by close()):
 * MongoReadOnlyDataSource ds = MongoReadOnlyDataSource.fromConfig(resource, settings);
 * }</pre>
 *
 * <p>Who closes what: {@link #close()} closes a client made by {@link #fromConfig}; a
 * {@link MongoClient} passed to {@link #create} is never closed.
 *
 * <p>Thread-safety: thread-safe; share one instance per database.
 */
public final class MongoReadOnlyDataSource extends ReadOnlyDataSource {
  /** Server selection and connect timeout of a client built from configuration. */
  public static final int CONFIG_CLIENT_TIMEOUT_MS = 10_000;

  private MongoReadOnlyDataSource(MongoBackend backend, DataSourceSettings settings) {
    super(backend, settings);
  }

  /** A data source over the user's client and database, with default {@link MongoOptions}. */
  public static MongoReadOnlyDataSource create(MongoClient client, String database,
      DataSourceSettings settings) {
    return create(client, database, settings, MongoOptions.defaults());
  }

  /** A data source over the user's client (never closed by this data source). */
  public static MongoReadOnlyDataSource create(MongoClient client, String database,
      DataSourceSettings settings, MongoOptions options) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    return build(client, false, checkDatabase(database), settings, options);
  }

  /** A data source with its own client, from a {@code type: mongodb} resource of the config. */
  public static MongoReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings) {
    return fromConfig(resource, settings, MongoOptions.defaults());
  }

  /**
   * A data source with its own client built from a {@link MongoConnectionConfig}:
   * {@code connection.uri} (a secret: it is never printed, logged or put in a message),
   * {@code connection.database}, and {@code connection.readPreference} and
   * {@code connection.readConcern}, which win over {@code options}. The policy is the settings'
   * (build it with {@code resource.policy(...)}). The client connects lazily: a server that is
   * down at start-up does not prevent creation.
   */
  public static MongoReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings, MongoOptions options) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    if (!(resource.connection() instanceof MongoConnectionConfig mongo)) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "resources[" + resource.id()
          + "].connection: must be a mongodb connection block (register"
          + " MongoConnectionConfig::parse for type mongodb)");
    }
    MongoOptions opts = options;
    if (mongo.readPreference() != null) {
      opts = opts.toBuilder().readPreference(readPreference(mongo.readPreference())).build();
    }
    if (mongo.readConcern() != null) {
      opts = opts.toBuilder().readConcern(readConcern(mongo.readConcern())).build();
    }
    String database = checkDatabase(mongo.database());
    MongoClient client = MongoClients.create(clientSettings(mongo.uri().reveal(),
        resource.poolSize()));
    return build(client, true, database, settings, opts);
  }

  /** The driver settings for a configured URI; errors never quote the URI. */
  static MongoClientSettings clientSettings(String uri, int poolSize) {
    ConnectionString cs;
    try {
      cs = new ConnectionString(uri);
    } catch (RuntimeException e) {
      // the driver's message quotes the string, which may hold a password
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.uri: not a valid MongoDB"
          + " connection string");
    }
    MongoClientSettings.Builder b = MongoClientSettings.builder()
        .applicationName("causeflow-dbaccess")
        .applyToClusterSettings(c -> c.serverSelectionTimeout(CONFIG_CLIENT_TIMEOUT_MS,
            TimeUnit.MILLISECONDS))
        .applyToSocketSettings(s -> s.connectTimeout(CONFIG_CLIENT_TIMEOUT_MS,
            TimeUnit.MILLISECONDS))
        .applyToConnectionPoolSettings(p -> p.maxSize(poolSize));
    try {
      // the URI's own options (timeouts, TLS, auth, replica set) win over the defaults above
      b.applyConnectionString(cs);
    } catch (RuntimeException e) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.uri: options not"
          + " accepted by the driver (" + e.getClass().getSimpleName() + ")");
    }
    return b.build();
  }

  static ReadPreference readPreference(String name) {
    try {
      return ReadPreference.valueOf(name);
    } catch (RuntimeException e) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.readPreference: must be"
          + " one of primary, primaryPreferred, secondary, secondaryPreferred, nearest");
    }
  }

  static ReadConcern readConcern(String name) {
    try {
      return new ReadConcern(ReadConcernLevel.fromString(name));
    } catch (RuntimeException e) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.readConcern: must be one"
          + " of " + MongoConnectionConfig.READ_CONCERNS);
    }
  }

  private static String checkDatabase(String database) {
    Objects.requireNonNull(database, "database");
    if (database.isEmpty() || database.length() > 63 || database.matches(".*[/\\\\. \"$\\x00].*")
        || database.equals("admin") || database.equals("local") || database.equals("config")) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "connection.database: must be a"
          + " database name (1-63 characters, none of /\\. \"$ or NUL) other than admin, local"
          + " and config");
    }
    return database;
  }

  private static MongoReadOnlyDataSource build(MongoClient client, boolean owns, String database,
      DataSourceSettings settings, MongoOptions options) {
    MongoBackend backend = new MongoBackend(client, owns, database, options);
    try {
      return new MongoReadOnlyDataSource(backend, settings);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** The operations a MongoDB resource implements. */
  public static Set<ai.causeflow.dbaccess.core.Operation> operations() {
    return MongoOperations.ALL;
  }
}
