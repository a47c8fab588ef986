package ai.causeflow.dbaccess.core.config;

import java.net.URI;

/**
 * The {@code controlPlane} block: where the relay dials out to and how.
 *
 * <p>Thread-safety: immutable value; the token prints as {@code ****}.
 *
 * @param url {@code wss://...}, or {@code ws://} to a loopback host only
 * @param token bearer token sent in the handshake
 * @param tenantId sent as {@code X-Tenant-Id}
 * @param heartbeatIntervalSeconds 1..3600, default 30
 * @param reconnect backoff bounds
 */
public record ControlPlaneConfig(
    URI url, Secret token, String tenantId, int heartbeatIntervalSeconds,
    ReconnectConfig reconnect) {

  /** @param initialDelayMs 10..600000, default 1000; @param maxDelayMs initial..3600000, default 60000 */
  public record ReconnectConfig(long initialDelayMs, long maxDelayMs) {
    public static final ReconnectConfig DEFAULTS = new ReconnectConfig(1_000, 60_000);
  }
}
