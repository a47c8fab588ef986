package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One configured resource, its data source and what the relay last learnt about it.
 *
 * <p>Thread-safety: fields written by the health thread are volatile; readers see a recent value.
 */
public final class ResourceState {
  /** Status before the first health check. */
  public static final String UNKNOWN = "unknown";
  public static final String UP = "up";
  public static final String DOWN = "down";

  private final ResourceConfig config;
  private final ReadOnlyDataSource dataSource;
  private volatile String status = UNKNOWN;
  private volatile @Nullable String fingerprint;
  private volatile @Nullable HealthStatus lastHealth;
  final AtomicLong lastCheckNanos = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 4);

  public ResourceState(ResourceConfig config, ReadOnlyDataSource dataSource) {
    this.config = Objects.requireNonNull(config);
    this.dataSource = Objects.requireNonNull(dataSource);
  }

  public ResourceConfig config() {
    return config;
  }

  public ReadOnlyDataSource dataSource() {
    return dataSource;
  }

  public String id() {
    return config.id();
  }

  public String status() {
    return status;
  }

  void status(String s) {
    this.status = s;
  }

  public @Nullable String fingerprint() {
    return fingerprint;
  }

  void fingerprint(@Nullable String f) {
    this.fingerprint = f;
  }

  public @Nullable HealthStatus lastHealth() {
    return lastHealth;
  }

  void lastHealth(HealthStatus h) {
    this.lastHealth = h;
  }
}
