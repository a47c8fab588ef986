package ai.causeflow.dbaccess.core.config;

/**
 * A resource's {@code connection} block, typed by the backend module that parses it
 * ({@code PostgresConnectionConfig} in the PostgreSQL module). Core knows no backend's
 * connection settings: it hands the block to the {@link ConnectionParser} registered for the
 * resource's type.
 *
 * <p>Implementations are immutable values whose {@code toString()} prints secrets as
 * {@code ****} ({@link Secret}).
 */
public interface ConnectionConfig {}
