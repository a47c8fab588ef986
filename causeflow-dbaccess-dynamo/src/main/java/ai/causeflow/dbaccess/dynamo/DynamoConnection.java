package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
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
    DynamoOptions options) {

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
