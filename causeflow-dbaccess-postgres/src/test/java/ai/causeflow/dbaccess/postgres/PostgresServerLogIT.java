package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server log as a side channel, measured on a PostgreSQL of its own with the logging
 * collector on and the default log settings: a failing cast of a 1 MB column value, requested
 * through the SDK, makes the server log the whole value for a plain role; for the role that
 * {@link PostgresRoleSql} generates, and for a superuser session (the preamble), it logs nothing.
 */
class PostgresServerLogIT {
  private static final String MARKER = "4111 1111 1111 1111";
  private static final int VALUE_BYTES = 1_000_000;
  static EmbeddedPostgres pg;
  static Path logDir;

  @BeforeAll
  static void start() throws Exception {
    logDir = Files.createTempDirectory("pglog");
    Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    pg = EmbeddedPostgres.builder()
        .setServerConfig("logging_collector", "on")
        .setServerConfig("log_directory", logDir.toString())
        .setServerConfig("log_filename", "server.log")
        .setServerConfig("log_rotation_size", "0")
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE notes (id int, v text)");
      st.execute("INSERT INTO notes SELECT 1, 'card " + MARKER + " ' || repeat('x', "
          + VALUE_BYTES + ")");
      st.execute("CREATE ROLE plain_ro LOGIN PASSWORD 'plain-pw-0123'");
      st.execute("GRANT SELECT ON notes TO plain_ro");
      for (String s : PostgresRoleSql.statements("causeflow_ro", List.of("public"),
          PostgresRoleSql.Options.builder("postgres").password(Secret.of("gen-pw-0123"))
              .build())) {
        st.execute(s);
      }
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  private static long logBytes() throws IOException {
    try (Stream<Path> files = Files.list(logDir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Waits until the collector has written what it was sent (the size stops changing). */
  private static long settledLogBytes() throws Exception {
    long last = -1;
    long now = logBytes();
    while (now != last) {
      Thread.sleep(400);
      last = now;
      now = logBytes();
    }
    return now;
  }

  private static String logText() throws IOException {
    try (Stream<Path> files = Files.list(logDir)) {
      StringBuilder b = new StringBuilder();
      for (Path p : files.toList()) {
        b.append(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
      return b.toString();
    }
  }

  private static PostgresReadOnlyDataSource dataSource(String user, String password) {
    PostgresConnectionConfig conn = new PostgresConnectionConfig("localhost", pg.getPort(),
        "postgres", user, Secret.of(password), "disable", 5_000);
    ResourceConfig rc = new ResourceConfig("log", "postgres", "log", conn,
        Set.of(Operation.QUERY), 100, 30_000, 1, List.of(), List.of(), List.of());
    DataSourceSettings settings = DataSourceSettings.builder("log")
        .policy(Policy.builder().allowedOperations(Set.of(Operation.QUERY)).build())
        .auditSink(AuditSink.inMemory()).build();
    return PostgresReadOnlyDataSource.fromConfig(rc, settings);
  }

  /** Log bytes per failing request (three requests of {@code sql}) as {@code user}. */
  private static long logBytesPerFailingRead(String user, String password, String sql)
      throws Exception {
    try (PostgresReadOnlyDataSource ds = dataSource(user, password)) {
      ds.execute(QueryRequest.query("SELECT id FROM notes").build()); // connected, warmed up
      long before = settledLogBytes();
      for (int i = 0; i < 3; i++) {
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> ds.execute(QueryRequest.query(sql).build()));
        assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
        assertThat(e.driverCode()).contains("22P02");
      }
      return (settledLogBytes() - before) / 3;
    }
  }

  private static long logBytesPerFailingRead(String user, String password) throws Exception {
    return logBytesPerFailingRead(user, password, "SELECT v::int AS n FROM notes");
  }

  /**
   * A value written into the statement: where the role's server log records failing statements
   * whole, a statement over 4 KB is refused before it is sent, so a failure logs a few KB at
   * most; the generated role logs nothing and has no such limit.
   */
  @Test
  void longStatementsAreRefusedWhereTheServerWouldLogThemWhole() throws Exception {
    String literal = "card " + MARKER + " " + "y".repeat(50_000);
    String longSql = "SELECT '" + literal + "'::int AS n FROM notes";
    try (PostgresReadOnlyDataSource ds = dataSource("plain_ro", "plain-pw-0123")) {
      ds.execute(QueryRequest.query("SELECT id FROM notes").build());
      long before = settledLogBytes();
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query(longSql).build()));
      assertThat(e.code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
      assertThat(e.getMessage()).contains("log_min_error_statement").doesNotContain(MARKER);
      assertThat(settledLogBytes() - before).isZero();
    }
    String shortSql = "SELECT '" + "z".repeat(3_900) + "'::int AS n FROM notes";
    long plainShort = logBytesPerFailingRead("plain_ro", "plain-pw-0123", shortSql);
    long generatedLong = logBytesPerFailingRead("causeflow_ro", "gen-pw-0123", longSql);
    System.out.println("server log bytes per failing read with a literal: plain role, 3,900"
        + " characters: " + plainShort + "; generated role, 50 KB: " + generatedLong);
    assertThat(plainShort).isBetween(3_900L, 10_000L); // the literal twice (message, statement)
    assertThat(generatedLong).isZero();
  }

  @Test
  void aFailingReadCopiesNoValueIntoTheServerLogForTheGeneratedRoleOrASuperuser()
      throws Exception {
    long plain = logBytesPerFailingRead("plain_ro", "plain-pw-0123");
    String afterPlain = logText();
    long generated = logBytesPerFailingRead("causeflow_ro", "gen-pw-0123");
    long superuser = logBytesPerFailingRead("postgres", "");
    String afterAll = logText();
    System.out.println("server log bytes per failing read: plain role " + plain
        + ", generated role " + generated + ", superuser session " + superuser);
    // the side channel is real: the plain role's failure logs the whole value (and the marker)
    assertThat(plain).isGreaterThan(VALUE_BYTES);
    assertThat(afterPlain).contains(MARKER);
    // closed for the generated role and for a superuser session: no value, nothing at all
    assertThat(generated).isLessThan(200);
    assertThat(superuser).isLessThan(200);
    assertThat(afterAll.substring(afterPlain.length())).doesNotContain(MARKER).doesNotContain(
        "xxxxxxxxxx");
  }
}
