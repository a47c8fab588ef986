package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * A request refused before it ran (bad params, unknown resource, capacity), with what is known for
 * its audit event. Thrown by the decoder's parameter checks, the handlers and admission; answered
 * by {@link Engine}. Carries no stack trace: it is control flow, not a failure.
 */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final ErrorCode code;
  final @Nullable String resourceId;
  final @Nullable String operation;

  Refusal(ErrorCode code, String detail, @Nullable String resourceId,
      @Nullable String operation) {
    super(detail, null, false, false);
    this.code = code;
    this.resourceId = resourceId;
    this.operation = operation;
  }
}
