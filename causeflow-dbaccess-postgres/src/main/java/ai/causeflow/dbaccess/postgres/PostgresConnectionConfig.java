package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.util.List;
import java.util.Objects;

/**
 * The {@code connection} block of a {@code type: postgres} resource, and its parser, which an
 * application registers with the configuration loader:
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.builder()
 *     .connection(PostgresConnectionConfig.TYPE, PostgresConnectionConfig::parse)
 *     .build();
 * // connection: {host: db.internal, port: 5432, database: app, user: ro,
 * //              password: ${PG_PASSWORD}, sslMode: verify-full, connectTimeoutMs: 10000}
 * }</pre>
 *
 * <p>Thread-safety: immutable value; the password prints as {@code ****}.
 *
 * @param host host name or address (required)
 * @param port 1..65535, default 5432
 * @param database database name (required)
 * @param user database role (required)
 * @param password empty when absent
 * @param sslMode pgjdbc's sslMode: disable, allow, prefer (default), require, verify-ca,
 *     verify-full
 * @param connectTimeoutMs 1..600000, default 10000
 */
public record PostgresConnectionConfig(String host, int port, String database, String user,
    Secret password, String sslMode, int connectTimeoutMs) implements ConnectionConfig {

  /** The resource type this block belongs to. */
  public static final String TYPE = "postgres";

  /** The accepted {@code sslMode} values. */
  public static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require",
      "verify-ca", "verify-full");

  public PostgresConnectionConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(sslMode, "sslMode");
  }

  /**
   * Parses and validates a {@code connection} block; errors name the key path
   * ({@code resources[0].connection.sslMode: must be one of [...]}), never a value.
   */
  public static PostgresConnectionConfig parse(ConfigNode n) {
    n.requireMapping("host", "port", "database", "user", "password", "sslMode",
        "connectTimeoutMs");
    ConfigNode ssl = n.child("sslMode");
    String sslMode = ssl.string(false, "prefer");
    if (!SSL_MODES.contains(sslMode)) {
      throw ssl.error("must be one of " + SSL_MODES);
    }
    return new PostgresConnectionConfig(
        n.child("host").string(true, null),
        (int) n.child("port").integer(5432, 1, 65_535),
        n.child("database").string(true, null),
        n.child("user").string(true, null),
        n.child("password").secretOrEmpty(),
        sslMode,
        (int) n.child("connectTimeoutMs").integer(10_000, 1, 600_000));
  }
}
