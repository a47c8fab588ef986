package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.Secret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresRoleSqlTest {

  @Test
  void emitsExactlyTheGrantsAndRoleSettings() {
    List<String> sql = PostgresRoleSql.statements("causeflow_ro", List.of("public", "Billing"),
        PostgresRoleSql.Options.builder("app").password(Secret.of("it's"))
            .statementTimeout(Duration.ofSeconds(20)).build());
    assertThat(sql).containsExactly(
        "CREATE ROLE \"causeflow_ro\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT"
            + " NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD 'it''s'",
        "GRANT CONNECT ON DATABASE \"app\" TO \"causeflow_ro\"",
        "GRANT USAGE ON SCHEMA \"public\" TO \"causeflow_ro\"",
        "GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"causeflow_ro\"",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA \"public\" GRANT SELECT ON TABLES TO \"causeflow_ro\"",
        "GRANT USAGE ON SCHEMA \"Billing\" TO \"causeflow_ro\"",
        "GRANT SELECT ON ALL TABLES IN SCHEMA \"Billing\" TO \"causeflow_ro\"",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA \"Billing\" GRANT SELECT ON TABLES TO \"causeflow_ro\"",
        "GRANT pg_monitor TO \"causeflow_ro\"",
        "ALTER ROLE \"causeflow_ro\" SET default_transaction_read_only = on",
        "ALTER ROLE \"causeflow_ro\" SET statement_timeout = 20000",
        "ALTER ROLE \"causeflow_ro\" SET lock_timeout = 5000",
        "ALTER ROLE \"causeflow_ro\" SET idle_in_transaction_session_timeout = 60000",
        "ALTER ROLE \"causeflow_ro\" SET log_min_messages = 'fatal'",
        "ALTER ROLE \"causeflow_ro\" SET log_min_error_statement = 'panic'",
        "ALTER ROLE \"causeflow_ro\" SET log_error_verbosity = 'terse'",
        "ALTER ROLE \"causeflow_ro\" SET log_parameter_max_length_on_error = 0",
        "ALTER ROLE \"causeflow_ro\" SET log_parameter_max_length = 0");
  }

  @Test
  void quotesHostileNamesAndNeverPrintsThePassword() {
    List<String> sql = PostgresRoleSql.statements("x\"; DROP ROLE admin; --", List.of("s"),
        PostgresRoleSql.Options.builder("db").defaultPrivilegesFor(List.of("owner"))
            .grantMonitor(false).build());
    assertThat(sql.get(0)).startsWith("CREATE ROLE \"x\"\"; DROP ROLE admin; --\" LOGIN")
        .doesNotContain("PASSWORD");
    assertThat(sql).contains("ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"s\""
        + " GRANT SELECT ON TABLES TO \"x\"\"; DROP ROLE admin; --\"");
    assertThat(sql).noneMatch(s -> s.contains("pg_monitor"));
    PostgresRoleSql.Options o = PostgresRoleSql.Options.builder("db")
        .password(Secret.of("hunter2")).build();
    assertThat(o.toString()).doesNotContain("hunter2");
    assertThat(PostgresRoleSql.generate("r", List.of("s"), o)).contains("'hunter2'")
        .contains("REVOKE TEMPORARY");
  }

  @Test
  void refusesWhatCannotBeExpressed() {
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> PostgresRoleSql.statements("r", List.of(), PostgresRoleSql.Options.builder("d")
            .build()));
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresRoleSql.statements("a".repeat(64), List.of("s"),
            PostgresRoleSql.Options.builder("d").build())).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> PostgresRoleSql.Options.builder("d").connectionLimit(0).build()).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
  }
}
