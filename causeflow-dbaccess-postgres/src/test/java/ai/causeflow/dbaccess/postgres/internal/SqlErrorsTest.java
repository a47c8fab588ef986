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
}
