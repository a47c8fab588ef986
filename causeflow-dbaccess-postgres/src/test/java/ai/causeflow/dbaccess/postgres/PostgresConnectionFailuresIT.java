package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connection failures say which one they are, in words, without the host, user or password:
 * unknown host, refused, timed out, TLS required but unsupported (bad credentials cannot be
 * produced here: the embedded server trusts local logins; SqlErrorsTest maps 28P01 and pgjdbc's
 * "no password" text).
 */
class PostgresConnectionFailuresIT {
  private static final String PASSWORD = "pw-SECRET-7";

  private static DbAccessException failure(String host, int port, String sslMode) {
    PostgresConnectionConfig conn = new PostgresConnectionConfig(host, port, "postgres",
        "someone", Secret.of(PASSWORD), sslMode, 1_000);
    ResourceConfig rc = new ResourceConfig("conn", "postgres", "conn", conn,
        PostgresReadOnlyDataSource.operations(), 100, 5_000, 1, List.of(), List.of(), List.of());
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.fromConfig(rc,
        DataSourceSettings.builder("conn").auditSink(AuditSink.discard()).build())) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> ds.execute(QueryRequest.query("SELECT 1").build()));
      assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain("someone");
      // the health check (what --check and the relay's log show) says the same
      String reason = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
      assertThat(ds.health().detail()).contains(reason);
      return e;
    }
  }

  @Test
  void unknownHost() {
    assertThat(failure("no-such-host.invalid", 5432, "disable").getMessage())
        .contains("unknown host").doesNotContain("no-such-host");
  }

  @Test
  void refused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(failure("127.0.0.1", port, "disable").getMessage()).contains("connection refused");
  }

  @Test
  void timedOut() throws Exception {
    // accepts the TCP connection and never answers the startup message
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException ignored) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      assertThat(failure("127.0.0.1", silent.getLocalPort(), "disable").getMessage())
          .contains("timed out");
    }
  }

  @Test
  void tlsRequiredButUnsupported() {
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
    assertThat(failure(pg.host(), pg.port(), "require").getMessage())
        .contains("TLS is required (sslMode) but the server does not support it");
  }
}
