package ai.causeflow.dbaccess.dynamo;

import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The driver-level wall: an AWS SDK {@link ExecutionInterceptor} that refuses every DynamoDB API
 * call except the reads this library makes ({@value #ALLOWED_LIST}), in
 * {@link #beforeExecution}, that is before the request is marshalled, signed or sent. A refused
 * call throws {@link Refused} (an {@link SdkClientException}) and nothing reaches the network.
 *
 * <p>Every client this module builds carries it. A client you pass to
 * {@link DynamoDbReadOnlyDataSource#create} must carry it too (the data source refuses a client
 * without it), so the wall holds even for code that reaches that client another way:
 *
 * <pre>{@code
 * DynamoDbClient client = DynamoDbClient.builder()
 *     .httpClient(UrlConnectionHttpClient.create())
 *     .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create()))
 *     .build();
 * client.putItem(...);   // throws DynamoDbReadOnlyInterceptor.Refused; nothing was sent
 * }</pre>
 *
 * <p>The check is by operation name (the SDK's own {@code OPERATION_NAME} attribute) and, as a
 * second key, by request class: a call passes only if both say it is one of the allowed reads.
 * PartiQL ({@code ExecuteStatement}, {@code BatchExecuteStatement}, {@code ExecuteTransaction}) is
 * refused even for a {@code SELECT}: its text is not checked by this library.
 *
 * <p>Thread-safety: stateless; one instance may serve any number of clients.
 */
public final class DynamoDbReadOnlyInterceptor implements ExecutionInterceptor {
  static final String ALLOWED_LIST =
      "GetItem, BatchGetItem, Query, Scan, DescribeTable, DescribeTimeToLive, ListTables";

  /** The DynamoDB operations that pass. */
  public static final Set<String> ALLOWED_OPERATIONS = Set.of("GetItem", "BatchGetItem", "Query",
      "Scan", "DescribeTable", "DescribeTimeToLive", "ListTables");

  private static final Set<Class<? extends SdkRequest>> ALLOWED_REQUESTS = Set.of(
      GetItemRequest.class, BatchGetItemRequest.class, QueryRequest.class, ScanRequest.class,
      DescribeTableRequest.class, DescribeTimeToLiveRequest.class, ListTablesRequest.class);

  private DynamoDbReadOnlyInterceptor() {}

  /** The interceptor (stateless; a new instance is as good as a shared one). */
  public static DynamoDbReadOnlyInterceptor create() {
    return new DynamoDbReadOnlyInterceptor();
  }

  /** Whether {@code client} has this interceptor among its execution interceptors. */
  public static boolean isInstalledOn(DynamoDbClient client) {
    return client.serviceClientConfiguration().overrideConfiguration().executionInterceptors()
        .stream().anyMatch(i -> i instanceof DynamoDbReadOnlyInterceptor);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context,
      ExecutionAttributes executionAttributes) {
    String operation = executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    SdkRequest request = context.request();
    if (operation == null || !ALLOWED_OPERATIONS.contains(operation)
        || !ALLOWED_REQUESTS.contains(request.getClass())) {
      throw new Refused(operation == null ? request.getClass().getSimpleName() : operation);
    }
  }

  /**
   * Thrown (through the SDK) for a refused call. Its message names the operation only.
   *
   * <p>Thread-safety: immutable once thrown.
   */
  public static final class Refused extends SdkClientException {
    private static final long serialVersionUID = 1L;
    private final String operation;

    Refused(String operation) {
      super(SdkClientException.builder().message("DynamoDB operation '" + operation
          + "' refused before signing: this client is read-only (allowed: " + ALLOWED_LIST
          + ")"));
      this.operation = operation;
    }

    /** The refused operation's name, e.g. {@code PutItem}. */
    public String operation() {
      return operation;
    }
  }
}
