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
}
