package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.internal.ResultCollector;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

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
 * @param resultExecutor where the rows of a large result (more than
 *     {@value ai.causeflow.dbaccess.core.internal.ResultCollector#OVERLAP_AFTER_ROWS}) are masked
 *     and measured while the next rows are fetched; null keeps all of that on the calling thread.
 *     Default: a shared pool of daemon threads, one per request reading a large result at that
 *     moment. The result is the same either way; only the time differs.
 */
public record DataSourceSettings(
    String resourceId,
    Policy policy,
    MaskingStage masking,
    AuditSink auditSink,
    AuditFailureMode auditFailureMode,
    Clock clock,
    @Nullable Executor resultExecutor) {

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

  /**
   * The default {@link #resultExecutor()}: a shared pool of daemon threads named
   * {@code causeflow-result-N}, made on demand (one per request reading a large result at that
   * moment) and ended after 30 s idle.
   */
  public static Executor defaultResultExecutor() {
    return ResultCollector.sharedExecutor();
  }

  public Builder toBuilder() {
    return new Builder(resourceId).policy(policy).masking(masking).auditSink(auditSink)
        .auditFailureMode(auditFailureMode).clock(clock).resultExecutor(resultExecutor);
  }

  /** Builder for {@link DataSourceSettings}; not thread-safe. */
  public static final class Builder {
    private final String resourceId;
    private Policy policy = Policy.defaults();
    private MaskingStage masking = MaskingStage.none();
    private AuditSink auditSink = AuditSink.discard();
    private AuditFailureMode auditFailureMode = AuditFailureMode.FAIL_CLOSED;
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor resultExecutor = ResultCollector.sharedExecutor();

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

    /**
     * Where large results are masked and measured while the next rows are fetched; null for the
     * calling thread only. The executor must run tasks on another thread to help; one that runs
     * them on the caller's thread, rejects them or starts them late is detected and the rows are
     * handled on the calling thread.
     */
    public Builder resultExecutor(@Nullable Executor v) {
      this.resultExecutor = v;
      return this;
    }

    public DataSourceSettings build() {
      return new DataSourceSettings(resourceId, policy, masking, auditSink, auditFailureMode, clock,
          resultExecutor);
    }
  }
}
