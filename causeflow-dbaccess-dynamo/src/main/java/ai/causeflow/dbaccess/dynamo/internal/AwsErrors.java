package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyInterceptor;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Maps AWS SDK failures onto coded, data-free {@link DbAccessException}s. AWS messages are never
 * copied (a ValidationException can quote key values); the AWS error code is kept as the driver
 * code.
 *
 * <p>Thread-safety: stateless.
 */
public final class AwsErrors {
  private AwsErrors() {}

  /**
   * @param doing what was being done, e.g. {@code "Query on table 'orders'"} (identifiers only)
   * @param roleArn the role being assumed, if any (an ARN is not a secret)
   */
  public static DbAccessException map(Throwable t, String doing, @Nullable String roleArn) {
    if (t instanceof DbAccessException d) {
      return d;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DynamoDbReadOnlyInterceptor.Refused r) {
        return new DbAccessException(ErrorCode.QUERY_BLOCKED, "DynamoDB operation '"
            + r.operation() + "' refused before signing: the client is read-only", null, t);
      }
      if (c instanceof StsException sts) {
        return sts(sts, roleArn, t);
      }
    }
    if (t instanceof AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      String c = code == null ? "HTTP " + e.statusCode() : code;
      return switch (c) {
        case "ResourceNotFoundException" -> new DbAccessException(ErrorCode.QUERY_FAILED, doing
            + " failed: the table or index does not exist (ResourceNotFoundException)", c, t);
        case "AccessDeniedException" -> new DbAccessException(ErrorCode.QUERY_FAILED, doing
            + " failed: AWS denied it (AccessDeniedException); the role's permission policy must"
            + " allow this read on this table (see the generated IAM policy)", c, t);
        case "UnrecognizedClientException", "InvalidSignatureException",
            "ExpiredTokenException", "MissingAuthenticationTokenException" ->
            new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + " failed: AWS rejected"
                + " the credentials (" + c + ")", c, t);
        case "ProvisionedThroughputExceededException", "ThrottlingException",
            "RequestLimitExceeded" -> new DbAccessException(ErrorCode.QUERY_FAILED, doing
            + " failed: throttled by DynamoDB (" + c + "); retry later or read less", c, t);
        default -> new DbAccessException(ErrorCode.QUERY_FAILED, doing + " failed: DynamoDB"
            + " refused the request (" + c + ")", c, t);
      };
    }
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return new DbAccessException(ErrorCode.TIMEOUT, doing + " timed out", null, t);
    }
    if (t instanceof AbortedException || hasCause(t, InterruptedException.class)
        || hasCause(t, InterruptedIOException.class) && !hasCause(t,
            java.net.SocketTimeoutException.class)) {
      return new DbAccessException(ErrorCode.CANCELLED, doing + " was cancelled", null, t);
    }
    if (t instanceof SdkClientException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Unable to load credentials")) {
        return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + " failed: configuration:"
            + " no AWS credentials found (environment, profile, container or instance role)",
            null, t);
      }
      if (hasCause(t, IOException.class)) {
        return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + " failed: DynamoDB"
            + " could not be reached (" + rootType(t) + ")", null, t);
      }
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + " failed in the AWS"
          + " client (" + rootType(t) + ")", null, t);
    }
    return new DbAccessException(ErrorCode.INTERNAL, doing + " failed unexpectedly ("
        + t.getClass().getSimpleName() + ")", null, t);
  }

  private static DbAccessException sts(StsException e, @Nullable String roleArn, Throwable t) {
    String code = e.awsErrorDetails() == null ? "HTTP " + e.statusCode()
        : e.awsErrorDetails().errorCode();
    String role = roleArn == null ? "the role" : "role '" + roleArn + "'";
    if ("AccessDenied".equals(code)) {
      // CONFIG_INVALID is a start-up code, never on the wire: a request that cannot get
      // credentials is a connection failure whose message says which configuration to fix.
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, "configuration: assuming " + role
          + " was denied by STS (AccessDenied): its trust policy must allow this principal to call"
          + " sts:AssumeRole, and its sts:ExternalId condition must equal connection.externalId",
          code, t);
    }
    if ("RegionDisabledException".equals(code)) {
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, "configuration: assuming " + role
          + " failed: STS"
          + " is not activated in connection.region (RegionDisabledException)", code, t);
    }
    if ("ExpiredToken".equals(code) || "InvalidClientTokenId".equals(code)
        || "SignatureDoesNotMatch".equals(code)) {
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, "assuming " + role + " failed:"
          + " STS rejected the base credentials (" + code + ")", code, t);
    }
    return new DbAccessException(ErrorCode.CONNECTION_FAILED, "assuming " + role + " failed ("
        + code + ")", code, t);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootType(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName();
  }
}
