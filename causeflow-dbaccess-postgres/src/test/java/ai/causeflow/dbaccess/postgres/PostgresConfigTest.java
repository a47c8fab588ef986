package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Building a data source from configuration: no database needed, connections open lazily. */
class PostgresConfigTest {

  static PostgresConnectionConfig conn(String host, int port, String sslMode, int timeoutMs) {
    return new PostgresConnectionConfig(host, port, "app db", "ro", Secret.of("pw-secret-1"),
        sslMode, timeoutMs);
  }

  @Test
  void driverPropertiesCarrySslModeAndRoundedUpTimeouts() {
    Properties p = PostgresReadOnlyDataSource.properties(conn("db", 5432, "verify-full", 1_500));
    assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
    assertThat(p.getProperty("connectTimeout")).isEqualTo("2");
    assertThat(p.getProperty("loginTimeout")).isEqualTo("2");
    assertThat(p.getProperty("user")).isEqualTo("ro");
    assertThat(PostgresReadOnlyDataSource.properties(conn("db", 5432, "disable", 1))
        .getProperty("connectTimeout")).isEqualTo("1");
    assertThat(PostgresReadOnlyDataSource.url(conn("db.internal", 6432, "prefer", 10_000)))
        .isEqualTo("jdbc:postgresql://db.internal:6432/app%20db");
    assertThat(PostgresReadOnlyDataSource.url(conn("::1", 5432, "prefer", 10_000)))
        .isEqualTo("jdbc:postgresql://[::1]:5432/app%20db");
    URI.create(PostgresReadOnlyDataSource.url(conn("db", 1, "prefer", 1)).substring(5));
  }

  @Test
  void badConnectionBlocksAreConfigErrorsWithoutTheSecret() {
    for (PostgresConnectionConfig bad : List.of(conn("db", 5432, "trust-all", 1_000),
        conn("db", 0, "prefer", 1_000), conn("db", 5432, "prefer", 0),
        conn("db/x?sslmode=disable", 5432, "prefer", 1_000))) {
      ResourceConfig rc = new ResourceConfig("r", "postgres", "r", bad, Set.of(Operation.QUERY),
          10, 1_000, 1, List.of(), List.of(), List.of());
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> PostgresReadOnlyDataSource.fromConfig(rc, DataSourceSettings.builder("r").build()));
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      assertThat(e.getMessage()).startsWith("connection.").doesNotContain("pw-secret-1");
    }
    ResourceConfig mongo = new ResourceConfig("m", "mongodb", "m",
        new ConnectionConfig() {}, Set.of(Operation.QUERY),
        10, 1_000, 1, List.of(), List.of(), List.of());
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresReadOnlyDataSource.fromConfig(mongo, DataSourceSettings.builder("m")
            .build())).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
  }

  @Test
  void creationDoesNotConnectAndTheOptionsAreValidated() {
    ResourceConfig rc = new ResourceConfig("r", "postgres", "r", conn("127.0.0.1", 1, "disable",
        1_000), Set.of(Operation.QUERY), 10, 1_000, 1, List.of(), List.of(), List.of());
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(rc,
        DataSourceSettings.builder("r").build())) {
      assertThat(ds.type()).isEqualTo("postgres");
      assertThat(ds.supportedOperations()).containsAll(PostgresOperations.DBA_READS);
    }
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresOptions.builder().defaultSchema("x; DROP").build()).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresOptions.builder().lockTimeout(Duration.ZERO).build()).getMessage())
        .startsWith("lockTimeout:");
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresOptions.builder().fetchSize(0).build()).getMessage())
        .startsWith("fetchSize:");
  }
}
