package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.dynamo.internal.DynamoBackend;
import ai.causeflow.dbaccess.dynamo.internal.DynamoClients;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Read-only, policy-checked, masked and audited access to DynamoDB tables: {@code GetItem},
 * {@code Query} and {@code Scan} (and {@code BatchGetItem} when {@link DynamoOptions} allows it),
 * plus {@code list_tables} and {@code describe_table}. See {@code docs/dynamodb.md}.
 *
 * <pre>{@code
 * // From your own client. It must carry the read-only interceptor; it is never closed by us.
 * DynamoDbClient client = DynamoDbClient.builder()
 *     .httpClient(UrlConnectionHttpClient.create())
 *     .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create()))
 *     .build();
 * try (DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.create(client,
 *     DataSourceSettings.builder("sessions-ddb").policy(policy).masking(masking).build())) {
 *   QueryResult r = ds.execute(QueryRequest.query(
 *       "{\"Query\": {\"TableName\": \"orders\", \"KeyConditionExpression\": \"pk = :p\","
 *       + " \"ExpressionAttributeValues\": {\":p\": \"customer#42\"}}}").limit(100).build());
 *   r.metadata();   // truncated? then continue from the reported lastEvaluatedKey
 * }
 *
 * // From relay-config.yaml (clients built and closed by this data source; STS AssumeRole when
 * // connection.roleArn is set):
 * DynamoDbReadOnlyDataSource ds = DynamoDbReadOnlyDataSource.fromConfig(resource, settings);
 * }</pre>
 *
 * <p>How no write can be sent, either way: this class never hands out a client and calls only
 * GetItem, BatchGetItem, Query, Scan, DescribeTable, DescribeTimeToLive and ListTables; every
 * client it uses carries {@link DynamoDbReadOnlyInterceptor}, which refuses any other operation
 * before it is signed. Clients built from configuration get it here; a client you pass to
 * {@link #create} is refused unless it already carries it, so the same wall holds for any other
 * code that shares your client.
 *
 * <p>Who closes what: {@link #close()} closes the clients {@link #fromConfig} or
 * {@link #fromConnection} built (DynamoDB, STS, credentials refresh); a client passed to
 * {@link #create} is never closed.
 *
 * <p>Thread-safety: thread-safe; share one instance per resource.
 */
public final class DynamoDbReadOnlyDataSource extends ReadOnlyDataSource {

  private DynamoDbReadOnlyDataSource(DynamoBackend backend, DataSourceSettings settings) {
    super(backend, settings);
  }

  /** A data source over your client with {@link DynamoOptions#defaults()}. */
  public static DynamoDbReadOnlyDataSource create(DynamoDbClient client,
      DataSourceSettings settings) {
    return create(client, settings, DynamoOptions.defaults());
  }

  /**
   * A data source over your client, which must carry {@link DynamoDbReadOnlyInterceptor}.
   *
   * @throws DbAccessException {@code CONFIG_INVALID} if the client lacks the interceptor
   */
  public static DynamoDbReadOnlyDataSource create(DynamoDbClient client,
      DataSourceSettings settings, DynamoOptions options) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    if (!DynamoDbReadOnlyInterceptor.isInstalledOn(client)) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "client: the DynamoDbClient must carry"
          + " DynamoDbReadOnlyInterceptor, so that no other code can write through it either;"
          + " build it with .overrideConfiguration(o -> o.addExecutionInterceptor("
          + "DynamoDbReadOnlyInterceptor.create()))");
    }
    return new DynamoDbReadOnlyDataSource(new DynamoBackend(client, options, null, null),
        settings);
  }

  /**
   * A data source with its own clients, from a {@code type: dynamodb} resource. The policy is the
   * settings'; only the connection block is read from {@code resource}. Base credentials come
   * from the default AWS chain.
   */
  public static DynamoDbReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings, DynamoOptions options) {
    Objects.requireNonNull(resource, "resource");
    if (!(resource.connection() instanceof DynamoConnection c)) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID, "resources[" + resource.id()
          + "].connection: must be a dynamodb connection block");
    }
    return fromConnection(c, settings, options, DefaultCredentialsProvider.builder().build());
  }

  /** {@link #fromConfig(ResourceConfig, DataSourceSettings, DynamoOptions)} with the options the block names. */
  public static DynamoDbReadOnlyDataSource fromConfig(ResourceConfig resource,
      DataSourceSettings settings) {
    DynamoOptions options = resource.connection() instanceof DynamoConnection c
        ? c.options() : DynamoOptions.defaults();
    return fromConfig(resource, settings, options);
  }

  /**
   * A data source with its own clients for {@code connection}.
   *
   * @param baseCredentials what signs the DynamoDB calls, or with a role the AssumeRole call
   */
  public static DynamoDbReadOnlyDataSource fromConnection(DynamoConnection connection,
      DataSourceSettings settings, DynamoOptions options, AwsCredentialsProvider baseCredentials) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(baseCredentials, "baseCredentials");
    DynamoClients clients = DynamoClients.build(connection, baseCredentials);
    try {
      return new DynamoDbReadOnlyDataSource(new DynamoBackend(clients.dynamo(), options, clients,
          connection.roleArn()), settings);
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  /** The operations a DynamoDB resource implements. */
  public static Set<Operation> operations() {
    return DynamoBackend.OPERATIONS;
  }
}
