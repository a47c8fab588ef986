package ai.causeflow.dbaccess.examples.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * Process-level knobs that are not part of {@code relay-config.yaml}: timings a test shortens and
 * the frame size cap. Production uses {@link #defaults()}.
 *
 * <pre>{@code
 * RelayOptions fast = RelayOptions.defaults().withHealthInterval(Duration.ofMillis(200));
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param healthInterval how often every resource is health-checked (default 30 s)
 * @param stableAfter how long a connection must stay up before the reconnect backoff resets
 *     (default 1 min)
 * @param shutdownGrace how long SIGTERM waits for in-flight requests (default 20 s)
 * @param maxMessageChars largest incoming message, in characters (default 1 MiB); larger ones are
 *     refused with {@code -32600} and never buffered beyond the cap
 * @param downRecheck the shortest gap between two on-demand health checks of a resource that is
 *     down (default 1 s)
 * @param sendBufferChars how many characters of answers may wait unsent on a WebSocket before the
 *     relay stops reading requests and holds back finished answers (default 4 Mi)
 * @param sendStallTimeout how long answers may wait unsent with no progress before the relay
 *     closes the connection as not reading (default 60 s)
 * @param idleTimeout how long the control plane may stay silent - no message and no answer to the
 *     WebSocket ping the relay sends with every heartbeat - before the relay takes the connection
 *     as dead (a half-open TCP path: a NAT or firewall that forgot it) and dials again (default
 *     90 s, three heartbeats)
 */
public record RelayOptions(
    Duration healthInterval,
    Duration stableAfter,
    Duration shutdownGrace,
    int maxMessageChars,
    Duration downRecheck,
    int sendBufferChars,
    Duration sendStallTimeout,
    Duration idleTimeout) {

  /** The default frame cap: 1 MiB of characters. */
  public static final int DEFAULT_MAX_MESSAGE_CHARS = 1 << 20;
  /** The default WebSocket send buffer: 4 Mi characters. */
  public static final int DEFAULT_SEND_BUFFER_CHARS = 4 << 20;

  public RelayOptions {
    Objects.requireNonNull(healthInterval, "healthInterval");
    Objects.requireNonNull(stableAfter, "stableAfter");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(downRecheck, "downRecheck");
    Objects.requireNonNull(sendStallTimeout, "sendStallTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (healthInterval.isNegative() || healthInterval.isZero()) {
      throw new ai.causeflow.dbaccess.core.DbAccessException(
          ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "healthInterval: must be positive");
    }
    if (maxMessageChars < 1024) {
      throw new ai.causeflow.dbaccess.core.DbAccessException(
          ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "maxMessageChars: must be at least 1024");
    }
    if (sendBufferChars < 1024) {
      throw new ai.causeflow.dbaccess.core.DbAccessException(
          ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "sendBufferChars: must be at least 1024");
    }
    if (sendStallTimeout.isNegative() || sendStallTimeout.isZero()) {
      throw new ai.causeflow.dbaccess.core.DbAccessException(
          ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "sendStallTimeout: must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new ai.causeflow.dbaccess.core.DbAccessException(
          ai.causeflow.dbaccess.core.ErrorCode.CONFIG_INVALID, "idleTimeout: must be positive");
    }
  }

  public static RelayOptions defaults() {
    return new RelayOptions(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(20),
        DEFAULT_MAX_MESSAGE_CHARS, Duration.ofSeconds(1), DEFAULT_SEND_BUFFER_CHARS,
        Duration.ofSeconds(60), Duration.ofSeconds(90));
  }

  /**
   * The defaults, overridden by {@code -Dcauseflow.relay.healthIntervalMs},
   * {@code .stableAfterMs}, {@code .shutdownGraceMs}, {@code .maxMessageChars},
   * {@code .downRecheckMs}, {@code .sendBufferChars}, {@code .sendStallTimeoutMs},
   * {@code .idleTimeoutMs} (ext: for tests
   * and operators who need other timings).
   */
  public static RelayOptions fromSystemProperties() {
    RelayOptions d = defaults();
    return new RelayOptions(
        ms("healthIntervalMs", d.healthInterval),
        ms("stableAfterMs", d.stableAfter),
        ms("shutdownGraceMs", d.shutdownGrace),
        Integer.getInteger("causeflow.relay.maxMessageChars", d.maxMessageChars),
        ms("downRecheckMs", d.downRecheck),
        Integer.getInteger("causeflow.relay.sendBufferChars", d.sendBufferChars),
        ms("sendStallTimeoutMs", d.sendStallTimeout),
        ms("idleTimeoutMs", d.idleTimeout));
  }

  public RelayOptions withHealthInterval(Duration v) {
    return new RelayOptions(v, stableAfter, shutdownGrace, maxMessageChars, downRecheck,
        sendBufferChars, sendStallTimeout, idleTimeout);
  }

  public RelayOptions withStableAfter(Duration v) {
    return new RelayOptions(healthInterval, v, shutdownGrace, maxMessageChars, downRecheck,
        sendBufferChars, sendStallTimeout, idleTimeout);
  }

  public RelayOptions withShutdownGrace(Duration v) {
    return new RelayOptions(healthInterval, stableAfter, v, maxMessageChars, downRecheck,
        sendBufferChars, sendStallTimeout, idleTimeout);
  }

  public RelayOptions withMaxMessageChars(int v) {
    return new RelayOptions(healthInterval, stableAfter, shutdownGrace, v, downRecheck,
        sendBufferChars, sendStallTimeout, idleTimeout);
  }

  /** The WebSocket send buffer and how long it may stall (see the record components). */
  public RelayOptions withSendBuffer(int chars, Duration stallTimeout) {
    return new RelayOptions(healthInterval, stableAfter, shutdownGrace, maxMessageChars,
        downRecheck, chars, stallTimeout, idleTimeout);
  }

  /** How long the control plane may stay silent (see the record component). */
  public RelayOptions withIdleTimeout(Duration v) {
    return new RelayOptions(healthInterval, stableAfter, shutdownGrace, maxMessageChars,
        downRecheck, sendBufferChars, sendStallTimeout, v);
  }

  private static Duration ms(String key, Duration dflt) {
    Long v = Long.getLong("causeflow.relay." + key);
    return v == null ? dflt : Duration.ofMillis(v);
  }
}
