package ai.causeflow.dbaccess.core;

import ai.causeflow.dbaccess.core.audit.AuditFailureMode;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.core.config.AuditConfig;
import ai.causeflow.dbaccess.core.config.ConfigException;
import ai.causeflow.dbaccess.core.config.DataSourcesConfig;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.internal.ResultCollector;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 *     .build();            // masks with the default detectors, audits to stderr (JSON lines)
 *
 * // the same settings a relay-config.yaml describes for one of its resources
 * DataSourceSettings fromFile = DataSourceSettings.fromConfig(config, "main-pg").build();
 * }</pre>
 *
 * <p>Safe by default: unless the caller says otherwise, every row is masked with
 * {@link Masking#defaults()} and every request is audited as a JSON line on standard error
 * ({@link AuditSink#standardError()}). Turning either off takes an explicit call
 * ({@code .masking(Masking.none())}, {@code .auditSink(AuditSink.discard())}); a request served
 * without masking says so in its audit event ({@code "masked":false}).
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
   * A builder with the safe defaults: {@link Policy#defaults()}, {@link Masking#defaults()} (every
   * default detector, redact), audit as JSON lines on standard error
   * ({@link AuditSink#standardError()}), {@link AuditFailureMode#FAIL_CLOSED}, the UTC system
   * clock. Opting out of masking or audit is explicit: {@code .masking(Masking.none())},
   * {@code .auditSink(AuditSink.discard())}.
   */
  public static Builder builder(String resourceId) {
    return new Builder(resourceId);
  }

  /**
   * A builder holding what a configuration file says about one resource: its policy
   * ({@code resource.policy()}, with the default byte cap: a relay applies its own
   * {@code limits.maxResultBytes}), the file's {@code masking} block and its
   * {@code audit} block ({@code enabled}, {@code level}, {@code output}: {@code stdout},
   * {@code stderr} or a file appended to line by line). Clock, executor and failure mode keep
   * the {@link #builder} defaults and may be changed on the returned builder.
   *
   * @throws ConfigException when no resource has that id, or the masking block is inconsistent
   */
  public static Builder fromConfig(DataSourcesConfig config, String resourceId) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(resourceId, "resourceId");
    ResourceConfig resource = config.resource(resourceId).orElseThrow(() ->
        new ConfigException("resources", "no resource with id '" + resourceId + "'"));
    return new Builder(resourceId).policy(resource.policy())
        .masking(Masking.from(config.masking()))
        .auditSink(auditSink(config.audit()));
  }

  /**
   * The audit sink an {@code audit} block describes: nothing when {@code enabled: false}, only
   * refusals and failures at {@code level: warn}, JSON lines to {@code stdout}, {@code stderr} or
   * appended to a file (opened for each line, so nothing is left open).
   */
  public static AuditSink auditSink(AuditConfig audit) {
    Objects.requireNonNull(audit, "audit");
    if (!audit.enabled()) {
      return AuditSink.discard();
    }
    AuditSink out = switch (audit.output()) {
      case "stdout" -> JsonLinesAuditSink.standardOutput();
      case "stderr" -> AuditSink.standardError();
      default -> JsonLinesAuditSink.appendingTo(Path.of(audit.output()));
    };
    if (audit.level().equals("warn")) {
      return event -> {
        if (event.outcome() != AuditOutcome.OK) {
          out.record(event);
        }
      };
    }
    return out;
  }

  /**
   * These settings with the policy narrowed by what a configured resource says: both apply and
   * the stricter wins (operations both allow, the smaller row cap and timeout, blocked tables
   * and columns of both; {@code allowedTables} from whichever sets it). The resource's id must be
   * this one's. Used by every backend's {@code fromConfig(resource, settings)}, so that a
   * resource's {@code maxRowsPerQuery} or {@code blockedTables} can never be lost on the way.
   *
   * @throws ConfigException when the ids differ, or both set different {@code allowedTables}
   */
  public DataSourceSettings forResource(ResourceConfig resource) {
    Objects.requireNonNull(resource, "resource");
    if (!resource.id().equals(resourceId)) {
      throw new ConfigException("resources[" + resource.id() + "].id",
          "the settings are for resource '" + resourceId + "'; build them with"
              + " DataSourceSettings.builder(resource.id()) or fromConfig(config, id)");
    }
    Policy own = resource.policy(policy.maxResultBytes());
    List<String> allowed;
    if (own.allowedTables().isEmpty() || own.allowedTables().equals(policy.allowedTables())) {
      allowed = policy.allowedTables();
    } else if (policy.allowedTables().isEmpty()) {
      allowed = own.allowedTables();
    } else {
      throw new ConfigException("resources[" + resource.id() + "].allowedTables",
          "set both in the resource and in the settings' policy, differently; set it in one place");
    }
    Set<Operation> ops = new HashSet<>(policy.allowedOperations());
    ops.retainAll(own.allowedOperations());
    Policy narrowed = policy.toBuilder()
        .allowedOperations(ops)
        .maxRowsPerQuery(Math.min(policy.maxRowsPerQuery(), own.maxRowsPerQuery()))
        .statementTimeout(policy.statementTimeout().compareTo(own.statementTimeout()) <= 0
            ? policy.statementTimeout() : own.statementTimeout())
        .allowedTables(allowed)
        .blockedTables(union(policy.blockedTables(), own.blockedTables()))
        .blockedColumns(union(policy.blockedColumns(), own.blockedColumns()))
        .build();
    return narrowed.equals(policy) ? this : toBuilder().policy(narrowed).build();
  }

  private static List<String> union(List<String> a, List<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
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
    private MaskingStage masking = Masking.defaults();
    private AuditSink auditSink = AuditSink.standardError();
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

    /**
     * The masking stage (default {@link Masking#defaults()}); {@link Masking#none()} turns
     * masking off, which every audit event then records as {@code "masked":false}.
     */
    public Builder masking(MaskingStage v) {
      this.masking = v;
      return this;
    }

    /**
     * Where audit events go (default {@link AuditSink#standardError()});
     * {@link AuditSink#discard()} turns the audit off.
     */
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
