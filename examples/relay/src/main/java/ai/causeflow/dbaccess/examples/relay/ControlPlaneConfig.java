package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.config.ConfigNode;
import ai.causeflow.dbaccess.core.config.Secret;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code controlPlane} block of {@code relay-config.yaml}: where the relay dials out to and
 * how.
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

  /** Reads the block; null when absent (stdio mode); errors name the key path. */
  static @Nullable ControlPlaneConfig parse(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.requireMapping("url", "token", "tenantId", "heartbeatIntervalSeconds", "reconnect");
    ConfigNode urlNode = n.child("url");
    URI url = urlNode.uri(true);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("ws")) {
      if (!ConfigNode.isLoopback(url.getHost())) {
        throw urlNode.error(
            "ws:// is allowed only to a loopback host (127.0.0.0/8, ::1, localhost); use wss://");
      }
    } else if (!scheme.equals("wss")) {
      throw urlNode.error("must be a wss:// URL");
    }
    Secret token = n.child("token").secret(true);
    String tenantId = n.child("tenantId").string(true, null);
    int hb = (int) n.child("heartbeatIntervalSeconds").integer(30, 1, 3600);
    ConfigNode rc = n.child("reconnect");
    ReconnectConfig reconnect = ReconnectConfig.DEFAULTS;
    if (rc.present()) {
      rc.requireMapping("initialDelayMs", "maxDelayMs");
      long initial = rc.child("initialDelayMs").integer(1_000, 10, 600_000);
      long max = rc.child("maxDelayMs").integer(Math.max(60_000, initial), initial, 3_600_000);
      reconnect = new ReconnectConfig(initial, max);
    }
    return new ControlPlaneConfig(url, token, tenantId, hb, reconnect);
  }
}
