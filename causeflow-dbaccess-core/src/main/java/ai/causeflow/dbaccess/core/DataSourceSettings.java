package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The backend-independent half of a data source's set-up: its resource id, policy, masking stage,
 * audit sink and clock.
 *
 * <pre>{@code
 * DataSourceSettings settings = DataSourceSettings.builder("main-pg")
 *     .policy(Policy.defaults())
 *     .masking(Masking.defaults())          // from the masking package
 *     .auditSink(JsonLinesAuditSink.toStream(System.err))
 *     .build();
 * }</pre>
 *
 * <p>Nothing here is discovered from the classpath: masking and audit are registered explicitly.
 * Thread-safety: immutable value.
 *
 * @param resourceId {@code [a-z0-9-]+}, at most 64 characters
 * @param policy what may be done
 * @param masking the masking stage every row passes through
 * @param auditSink where audit events go
 * @param auditFailureMode what happens when the sink fails
 * @param clock the time source for audit events
 */
public record DataSourceSettings(
    String resourceId,
    Policy policy,
    MaskingStage masking,
    AuditSink auditSink,
    AuditFailureMode auditFailureMode,
    Clock clock) {

  private static final Pattern RESOURCE_ID = Pattern.compile("[a-z0-9-]{1,64}");

  public DataSourceSettings {
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(masking, "masking");
    Objects.requireNonNull(auditSink, "auditSink");
    Objects.requireNonNull(auditFailureMode, "auditFailureMode");
    Objects.requireNonNull(clock, "clock");
    if (!RESOURCE_ID.matcher(resourceId).matches()) {
      throw new DbAccessException(ErrorCode.CONFIG_INVALID,
          "resourceId: must match [a-z0-9-]+ (at most 64 characters)");
    }
  }

  /**
   * A builder with the defaults: {@link Policy#defaults()}, no masking, audit discarded,
   * {@link AuditFailureMode#FAIL_CLOSED}, the UTC system clock. Set masking and audit explicitly
   * in production.
   */
  public static Builder builder(String resourceId) {
    return new Builder(resourceId);
  }

  public Builder toBuilder() {
    return new Builder(resourceId).policy(policy).masking(masking).auditSink(auditSink)
        .auditFailureMode(auditFailureMode).clock(clock);
  }

  /** Builder for {@link DataSourceSettings}; not thread-safe. */
  public static final class Builder {
    private final String resourceId;
    private Policy policy = Policy.defaults();
    private MaskingStage masking = MaskingStage.none();
    private AuditSink auditSink = AuditSink.discard();
    private AuditFailureMode auditFailureMode = AuditFailureMode.FAIL_CLOSED;
    private Clock clock = Clock.systemUTC();

    private Builder(String resourceId) {
      this.resourceId = resourceId;
    }

    public Builder policy(Policy v) {
      this.policy = v;
      return this;
    }

    public Builder masking(MaskingStage v) {
      this.masking = v;
      return this;
    }

    public Builder auditSink(AuditSink v) {
      this.auditSink = v;
      return this;
    }

    public Builder auditFailureMode(AuditFailureMode v) {
      this.auditFailureMode = v;
      return this;
    }

    public Builder clock(Clock v) {
      this.clock = v;
      return this;
    }

    public DataSourceSettings build() {
      return new DataSourceSettings(resourceId, policy, masking, auditSink, auditFailureMode, clock);
    }
  }
}
