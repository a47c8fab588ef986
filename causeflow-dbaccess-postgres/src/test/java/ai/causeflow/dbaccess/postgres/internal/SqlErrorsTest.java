package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class SqlErrorsTest {
  @Test
  void driverResultBufferLimitIsResultTooLargeAndFatal() {
    PSQLException e = new PSQLException("Result set exceeded maxResultBuffer limit. Received:  "
        + "300000000; Current limit: 16777216", PSQLState.COMMUNICATION_ERROR);
    DbAccessException mapped = SqlErrors.map(e, "reading rows");
    assertThat(mapped.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
    assertThat(mapped.getMessage()).doesNotContain("300000000").contains("maxResultBuffer");
    assertThat(SqlErrors.isFatal(e)).isTrue();
  }

  @Test
  void otherCommunicationErrorsStayConnectionFailures() {
    PSQLException e = new PSQLException("An I/O error occurred while sending to the backend.",
        PSQLState.COMMUNICATION_ERROR);
    assertThat(SqlErrors.map(e, "reading rows").code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
  }

  @Test
  void tempFileLimitIsNamed() {
    java.sql.SQLException withState = new java.sql.SQLException(
        "temporary file size exceeds temp_file_limit (1048576kB)", "53400");
    DbAccessException mapped = SqlErrors.map(withState, "executing the statement");
    assertThat(mapped.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    assertThat(mapped.getMessage()).contains("53400 configuration_limit_exceeded")
        .doesNotContain("1048576");
  }

  @Test
  void clientOutOfMemoryIsNeverADatabaseError() {
    PSQLException e = new PSQLException("Ran out of memory retrieving query results.",
        PSQLState.OUT_OF_MEMORY, new OutOfMemoryError("Java heap space"));
    DbAccessException mapped = SqlErrors.map(e, "reading rows");
    assertThat(mapped.code()).isEqualTo(ErrorCode.RESULT_TOO_LARGE);
    assertThat(mapped.driverCode()).isEmpty();
    assertThat(mapped.getMessage()).contains("ran out of memory").contains("not a database error")
        .doesNotContain("53200");
    assertThat(SqlErrors.isFatal(e)).isTrue();
    // the server's own out_of_memory (no OutOfMemoryError in this process) stays the database's
    java.sql.SQLException server = new java.sql.SQLException("out of memory", "53200");
    assertThat(SqlErrors.map(server, "reading rows").code()).isEqualTo(ErrorCode.QUERY_FAILED);
  }

  @Test
  void connectionFailuresSayWhichOneInWords() {
    String[] words = {"unknown host", "connection refused", "timed out connecting",
        "TLS handshake failed"};
    Throwable[] causes = {new java.net.UnknownHostException("db.secret-corp.internal"),
        new java.net.ConnectException("Connection refused"),
        new java.net.SocketTimeoutException("connect timed out"),
        new javax.net.ssl.SSLHandshakeException("PKIX path building failed")};
    for (int i = 0; i < causes.length; i++) {
      PSQLException e = new PSQLException("The connection attempt failed.",
          PSQLState.CONNECTION_UNABLE_TO_CONNECT, causes[i]);
      DbAccessException m = SqlErrors.map(e, "connecting");
      assertThat(m.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(m.getMessage()).contains(words[i]).doesNotContain("secret-corp")
          .doesNotContain("PKIX");
    }
    // a read that times out mid-request is not a connect timeout
    assertThat(SqlErrors.map(new PSQLException("An I/O error occurred while sending to the"
        + " backend.", PSQLState.CONNECTION_FAILURE, new java.net.SocketTimeoutException("Read"
        + " timed out")), "reading rows").getMessage())
        .contains("timed out waiting for the database").doesNotContain("connectTimeoutMs");
    assertThat(SqlErrors.map(new PSQLException("The server does not support SSL.",
        PSQLState.CONNECTION_REJECTED), "connecting").getMessage())
        .contains("TLS is required (sslMode) but the server does not support it");
    assertThat(SqlErrors.map(new PSQLException("The server requested SCRAM-based authentication,"
        + " but no password was provided.", PSQLState.CONNECTION_REJECTED), "connecting")
        .getMessage()).contains("bad credentials");
    assertThat(SqlErrors.map(new java.sql.SQLException("password authentication failed for user"
        + " \"ro_user\"", "28P01"), "connecting").getMessage()).contains("bad credentials")
        .doesNotContain("ro_user");
    assertThat(SqlErrors.map(new java.sql.SQLException("x", "3D000"), "connecting").getMessage())
        .contains("database does not exist");
  }

  @Test
  void undefinedNamesAreNamedOnlyWhenTheyAreTheCallersText() {
    String sql = "SELECT emial FROM users WHERE id = ?";
    DbAccessException m = SqlErrors.map(server("42703", "column \"emial\" does not exist"),
        "executing the statement", sql);
    assertThat(m.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    assertThat(m.getMessage()).contains("column 'emial' does not exist")
        .contains("42703 undefined_column").contains("describe_table");
    // qualified: the part to fix
    assertThat(SqlErrors.map(server("42703", "column u.emial does not exist"),
        "executing the statement", "SELECT u.emial FROM users u").getMessage())
        .contains("column 'u.emial' does not exist");
    assertThat(SqlErrors.map(server("42P01", "relation \"userz\" does not exist"),
        "executing the statement", "SELECT * FROM userz").getMessage())
        .contains("table 'userz' does not exist").contains("list_tables");
    assertThat(SqlErrors.map(server("42883", "function lenght(text) does not exist"),
        "executing the statement", "SELECT lenght(name) FROM users").getMessage())
        .contains("function 'lenght' does not exist");
    // a name the statement does not contain (a view's definition, a value) is never echoed
    DbAccessException hidden = SqlErrors.map(server("42703",
        "column \"4111111111111111\" does not exist"), "executing the statement",
        "SELECT * FROM v_orders");
    assertThat(hidden.getMessage()).doesNotContain("4111").contains("42703 undefined_column");
    // nor a substring of a longer word
    assertThat(SqlErrors.map(server("42703", "column \"mail\" does not exist"),
        "executing the statement", "SELECT email FROM users").getMessage())
        .doesNotContain("'mail'");
  }

  @Test
  void aSyntaxErrorAtTheDatabaseIsQueryInvalid() {
    DbAccessException m = SqlErrors.map(server("42601", "syntax error at or near \"secret\""),
        "executing the statement", "SELECT secret FROM");
    assertThat(m.code()).isEqualTo(ErrorCode.QUERY_INVALID);
    assertThat(m.getMessage()).contains("could not parse").doesNotContain("secret");
  }

  private static PSQLException server(String state, String message) {
    return new PSQLException(new org.postgresql.util.ServerErrorMessage(
        "SERROR\0C" + state + "\0M" + message + "\0"));
  }
}
