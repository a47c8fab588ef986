package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.ConnectionConfig;
import ai.causeflow.dbaccess.core.config.Secret;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to reach DynamoDB: the {@code connection} block of a {@code type: dynamodb} resource.
 *
 * <pre>{@code
 * DynamoConnection c = DynamoConnection.builder("eu-west-1")
 *     .roleArn("arn:aws:iam::123456789012:role/CauseFlowReadOnly")
 *     .externalId(Secret.of(System.getenv("EXTERNAL_ID")))
 *     .build();
 * }</pre>
 *
 * <p>With a {@code roleArn}, requests are signed with temporary credentials from STS
 * {@code AssumeRole} (session {@code sessionName}, {@code durationSeconds}, {@code sts:ExternalId}
 * = {@code externalId}), refreshed before they expire; the credentials that call STS come from
 * the default AWS chain (environment, profile, container or instance role). Without one, the
 * default chain signs the DynamoDB calls directly.
 *
 * <p>In {@code relay-config.yaml} (register the parser with the loader:
 * {@code ConfigLoader.builder().connection(DynamoConnection.TYPE, DynamoConnection::parse)}):
 *
 * <pre>{@code
 * connection: {region: us-east-1, roleArn: arn:aws:iam::123456789012:role/ReadOnly,
 *              externalId: ${EXTERNAL_ID}, sessionName: causeflow-relay, durationSeconds: 900,
 *              endpoint: null, stsEndpoint: null,
 *              allowConsistentRead: false, allowCount: false, allowParallelScan: false,
 *              allowBatchGetItem: false, maxPagesPerRequest: 10, maxReadCapacityPerRequest: 500}
 * }</pre>
 *
 * <p>{@link #toString()} never prints the external id. Thread-safety: immutable value.
 *
 * @param region AWS region, e.g. {@code us-east-1}
 * @param endpoint DynamoDB endpoint override (VPC endpoint, DynamoDB Local, tests), or null
 * @param roleArn role to assume, or null
 * @param externalId the external id the role's trust policy requires, or null; a secret
 * @param sessionName STS role session name (shows in CloudTrail), 2..64 of
 *     {@code [\w+=,.@-]}; default {@code causeflow-dbaccess}
 * @param durationSeconds STS session length, 900..43200; default 900
 * @param stsEndpoint STS endpoint override (a VPC endpoint, tests), or null for the regional one
 * @param options what the resource allows beyond plain reads, and per-request caps
 */
public record DynamoConnection(
    String region,
    @Nullable URI endpoint,
    @Nullable String roleArn,
    @Nullable Secret externalId,
    String sessionName,
    int durationSeconds,
    @Nullable URI stsEndpoint,
    DynamoOptions options) implements ConnectionConfig {

  /** The resource type this block belongs to. */
  public static final String TYPE = "dynamodb";

  public static final String DEFAULT_SESSION_NAME = "causeflow-dbaccess";
  public static final int DEFAULT_DURATION_SECONDS = 900;
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern SESSION = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  public DynamoConnection {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(options, "options");
    if (!REGION.matcher(region).matches()) {
      throw invalid("connection.region: must be an AWS region such as us-east-1");
    }
    checkEndpoint(endpoint, "connection.endpoint");
    checkEndpoint(stsEndpoint, "connection.stsEndpoint");
    if (roleArn != null) {
      DynamoIamPolicies.requireRoleArn(roleArn, "connection.roleArn");
    }
    if (externalId != null) {
      if (roleArn == null) {
        throw invalid("connection.externalId: only meaningful with connection.roleArn");
      }
      if (!EXTERNAL_ID.matcher(externalId.reveal()).matches()) {
        // never echo the value: it is a secret
        throw invalid("connection.externalId: must be 2 to 1224 characters of letters, digits"
            + " and + = , . @ : / - _");
      }
    }
    if (!SESSION.matcher(sessionName).matches()) {
      throw invalid("connection.sessionName: must be 2 to 64 characters of letters, digits and"
          + " + = , . @ - _");
    }
    if (durationSeconds < 900 || durationSeconds > 43_200) {
      throw invalid("connection.durationSeconds: must be between 900 and 43200, was "
          + durationSeconds);
    }
  }

  /**
   * Parses and validates a {@code connection} block; errors name the key path
   * ({@code resources[0].connection.roleArn: must be an IAM role ARN ...}), never a value.
   */
  public static DynamoConnection parse(ConfigNode n) {
    n.requireMapping("region", "roleArn", "externalId", "sessionName", "durationSeconds",
        "endpoint", "stsEndpoint", "allowConsistentRead", "allowCount", "allowParallelScan",
        "allowBatchGetItem", "maxPagesPerRequest", "maxReadCapacityPerRequest",
        "maxTotalSegments");
    ConfigNode regionNode = n.child("region");
    String region = regionNode.string(true, null);
    if (!REGION.matcher(region).matches()) {
      throw regionNode.error("must be an AWS region such as us-east-1");
    }
    ConfigNode arnNode = n.child("roleArn");
    String roleArn = arnNode.string(false, null);
    if (roleArn != null && !DynamoIamPolicies.isRoleArn(roleArn)) {
      throw arnNode.error("must be an IAM role ARN");
    }
    ConfigNode extNode = n.child("externalId");
    Secret externalId = extNode.present() ? extNode.secret(true) : null;
    if (externalId != null) {
      if (roleArn == null) {
        throw extNode.error("only meaningful with roleArn");
      }
      if (!EXTERNAL_ID.matcher(externalId.reveal()).matches()) {
        throw extNode.error("must be 2 to 1224 characters of letters, digits and"
            + " + = , . @ : / - _");
      }
    }
    ConfigNode sessionNode = n.child("sessionName");
    String session = sessionNode.string(false, DEFAULT_SESSION_NAME);
    if (!SESSION.matcher(session).matches()) {
      throw sessionNode.error("must be 2 to 64 characters of letters, digits and + = , . @ - _");
    }
    int duration = (int) n.child("durationSeconds").integer(DEFAULT_DURATION_SECONDS, 900,
        43_200);
    URI endpoint = endpoint(n.child("endpoint"));
    URI sts = endpoint(n.child("stsEndpoint"));
    DynamoOptions d = DynamoOptions.defaults();
    ConfigNode capNode = n.child("maxReadCapacityPerRequest");
    DynamoOptions options = new DynamoOptions(
        n.child("allowConsistentRead").bool(d.allowConsistentRead()),
        n.child("allowParallelScan").bool(d.allowParallelScan()),
        n.child("allowCount").bool(d.allowCount()),
        n.child("allowBatchGetItem").bool(d.allowBatchGetItem()),
        (int) n.child("maxPagesPerRequest").integer(d.maxPagesPerRequest(), 1, 1_000),
        capNode.integer((long) d.maxReadCapacityPerRequest(), 1, 100_000),
        (int) n.child("maxTotalSegments").integer(d.maxTotalSegments(), 1, 1_000_000));
    return new DynamoConnection(region, endpoint, roleArn, externalId, session, duration, sts,
        options);
  }

  private static @Nullable URI endpoint(ConfigNode node) {
    if (!node.present()) {
      return null;
    }
    URI u = node.uri(true);
    String scheme = u.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http"))
        || u.getUserInfo() != null) {
      throw node.error("must be an http:// or https:// URL with a host and no user info");
    }
    return u;
  }

  /** A builder for {@code region} with the defaults above. */
  public static Builder builder(String region) {
    return new Builder(region);
  }

  private static void checkEndpoint(@Nullable URI uri, String key) {
    if (uri == null) {
      return;
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http"))
        || uri.getHost() == null || uri.getUserInfo() != null) {
      throw invalid(key + ": must be an http(s) URL with a host and no user info");
    }
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  @Override
  public String toString() {
    return "DynamoConnection[region=" + region + ", endpoint=" + endpoint + ", roleArn=" + roleArn
        + ", externalId=" + (externalId == null ? "null" : "****") + ", sessionName="
        + sessionName + ", durationSeconds=" + durationSeconds + ", stsEndpoint=" + stsEndpoint
        + ", options=" + options + "]";
  }

  /** Builder for {@link DynamoConnection}; not thread-safe. */
  public static final class Builder {
    private final String region;
    private @Nullable URI endpoint;
    private @Nullable String roleArn;
    private @Nullable Secret externalId;
    private String sessionName = DEFAULT_SESSION_NAME;
    private int durationSeconds = DEFAULT_DURATION_SECONDS;
    private @Nullable URI stsEndpoint;
    private DynamoOptions options = DynamoOptions.defaults();

    private Builder(String region) {
      this.region = region;
    }

    public Builder endpoint(@Nullable URI v) {
      endpoint = v;
      return this;
    }

    public Builder roleArn(@Nullable String v) {
      roleArn = v;
      return this;
    }

    public Builder externalId(@Nullable Secret v) {
      externalId = v;
      return this;
    }

    public Builder sessionName(String v) {
      sessionName = v;
      return this;
    }

    public Builder durationSeconds(int v) {
      durationSeconds = v;
      return this;
    }

    public Builder stsEndpoint(@Nullable URI v) {
      stsEndpoint = v;
      return this;
    }

    public Builder options(DynamoOptions v) {
      options = v;
      return this;
    }

    /** @throws DbAccessException {@code CONFIG_INVALID} naming the key */
    public DynamoConnection build() {
      return new DynamoConnection(region, endpoint, roleArn, externalId, sessionName,
          durationSeconds, stsEndpoint, options);
    }
  }
}
