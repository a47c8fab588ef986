package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyInterceptor;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * The clients a config-built data source owns: a DynamoDB client with the read-only interceptor,
 * and with a {@code roleArn} an STS client (which may only call {@code AssumeRole}) feeding an
 * {@link StsAssumeRoleCredentialsProvider} that refreshes the session before it expires. Both use
 * the URL-connection HTTP client.
 *
 * <p>Thread-safety: thread-safe; {@link #close()} closes everything built here.
 */
public final class DynamoClients implements AutoCloseable {
  /** Refresh the assumed session when less than this is left (and never use it closer than 1 min). */
  static final Duration PREFETCH = Duration.ofMinutes(5);
  static final Duration STALE = Duration.ofMinutes(1);

  private final DynamoDbClient dynamo;
  private final @Nullable StsClient sts;
  private final @Nullable StsAssumeRoleCredentialsProvider assumeRole;

  private DynamoClients(DynamoDbClient dynamo, @Nullable StsClient sts,
      @Nullable StsAssumeRoleCredentialsProvider assumeRole) {
    this.dynamo = dynamo;
    this.sts = sts;
    this.assumeRole = assumeRole;
  }

  /**
   * Builds the clients for {@code c}.
   *
   * @param base the credentials that sign DynamoDB calls (no role) or the AssumeRole call
   */
  public static DynamoClients build(DynamoConnection c, AwsCredentialsProvider base) {
    Region region = Region.of(c.region());
    StsClient sts = null;
    StsAssumeRoleCredentialsProvider provider = null;
    AwsCredentialsProvider signing = base;
    String roleArn = c.roleArn();
    if (roleArn != null) {
      var sb = StsClient.builder()
          .region(region)
          .credentialsProvider(base)
          .httpClient(httpClient())
          .overrideConfiguration(o -> o.addExecutionInterceptor(new AssumeRoleOnly())
              .apiCallTimeout(Duration.ofSeconds(20)));
      if (c.stsEndpoint() != null) {
        sb.endpointOverride(c.stsEndpoint());
      }
      sts = sb.build();
      AssumeRoleRequest.Builder req = AssumeRoleRequest.builder()
          .roleArn(roleArn)
          .roleSessionName(c.sessionName())
          .durationSeconds(c.durationSeconds());
      if (c.externalId() != null) {
        req.externalId(c.externalId().reveal());
      }
      provider = StsAssumeRoleCredentialsProvider.builder()
          .stsClient(sts)
          .refreshRequest(req.build())
          .prefetchTime(PREFETCH)
          .staleTime(STALE)
          .asyncCredentialUpdateEnabled(false)
          .build();
      signing = provider;
    }
    var db = DynamoDbClient.builder()
        .region(region)
        .credentialsProvider(signing)
        .httpClient(httpClient())
        // Three attempts, not DynamoDB's default nine: an unreachable endpoint must fail within
        // a health check's few seconds; the request deadline bounds everything anyway.
        .overrideConfiguration(o -> o.addExecutionInterceptor(DynamoDbReadOnlyInterceptor.create())
            .retryStrategy(r -> r.maxAttempts(3)));
    if (c.endpoint() != null) {
      db.endpointOverride(c.endpoint());
    }
    try {
      return new DynamoClients(db.build(), sts, provider);
    } catch (RuntimeException e) {
      if (provider != null) {
        provider.close();
      }
      if (sts != null) {
        sts.close();
      }
      throw e;
    }
  }

  static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  @Override
  public void close() {
    dynamo.close();
    if (assumeRole != null) {
      assumeRole.close();
    }
    if (sts != null) {
      sts.close();
    }
  }

  /** The STS client may call AssumeRole and nothing else. */
  static final class AssumeRoleOnly implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      SdkRequest r = context.request();
      if (!"AssumeRole".equals(op) || !(r instanceof AssumeRoleRequest)) {
        throw SdkClientException.create("STS operation '" + op + "' refused: only AssumeRole");
      }
    }
  }
}
