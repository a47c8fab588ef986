package ai.causeflow.dbaccess.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void protocolReasonsMapToTheirJsonRpcCodes() {
    assertThat(ErrorCode.PARSE_ERROR.jsonRpcCode()).isEqualTo(-32700);
    assertThat(ErrorCode.INVALID_REQUEST.jsonRpcCode()).isEqualTo(-32600);
    assertThat(ErrorCode.METHOD_NOT_FOUND.jsonRpcCode()).isEqualTo(-32601);
    assertThat(ErrorCode.INVALID_PARAMS.jsonRpcCode()).isEqualTo(-32602);
    for (ErrorCode c : new ErrorCode[] {ErrorCode.RESOURCE_NOT_FOUND,
        ErrorCode.OPERATION_NOT_ALLOWED, ErrorCode.QUERY_BLOCKED, ErrorCode.QUERY_INVALID,
        ErrorCode.TABLE_NOT_ALLOWED,
        ErrorCode.COLUMN_NOT_ALLOWED}) {
      assertThat(c.jsonRpcCode()).isEqualTo(-32001);
      assertThat(c.isPolicyRefusal()).isTrue();
      assertThat(c.retryable()).isFalse();
    }
    for (ErrorCode c : new ErrorCode[] {ErrorCode.QUERY_FAILED, ErrorCode.TIMEOUT,
        ErrorCode.CONNECTION_FAILED, ErrorCode.RESULT_TOO_LARGE}) {
      assertThat(c.jsonRpcCode()).isEqualTo(-32002);
    }
    assertThat(ErrorCode.RELAY_BUSY.jsonRpcCode()).isEqualTo(-32003);
    // a statement that does not parse is refused before the database, under its own reason
    assertThat(ErrorCode.QUERY_INVALID.jsonRpcCode()).isEqualTo(-32001);
    assertThat(ErrorCode.QUERY_INVALID.isPolicyRefusal()).isTrue();
    // use after close is the caller's programming error
    assertThat(ErrorCode.DATA_SOURCE_CLOSED.jsonRpcCode()).isEqualTo(-32603);
    assertThat(ErrorCode.INTERNAL.jsonRpcCode()).isEqualTo(-32603);
  }

  @Test
  void onlyTransientConditionsAreRetryable() {
    assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::retryable))
        .containsExactlyInAnyOrder(ErrorCode.TIMEOUT, ErrorCode.CONNECTION_FAILED,
            ErrorCode.RELAY_BUSY);
  }

  @Test
  void exceptionKeepsTheDriverCodeButNotTheDriverMessage() {
    RuntimeException driver = new RuntimeException("invalid input syntax: \"4111111111111111\"");
    DbAccessException e = new DbAccessException(ErrorCode.QUERY_FAILED,
        "the database rejected the statement", "22P02", driver);
    assertThat(e.driverCode()).contains("22P02");
    assertThat(e.getMessage()).doesNotContain("4111");
    assertThat(e.toString()).isEqualTo(
        "DbAccessException[QUERY_FAILED, driverCode=22P02]: the database rejected the statement");
    assertThat(e.retryable()).isFalse();
  }
}
