package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;

/**
 * A refusal decided by the relay itself, before (or instead of) the pipeline. The detail names the
 * rule or key and never carries a value from the request.
 */
final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  RpcException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
