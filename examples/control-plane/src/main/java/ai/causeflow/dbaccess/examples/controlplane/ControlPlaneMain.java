package ai.causeflow.dbaccess.examples.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the minimal control plane on loopback: prints the {@code controlPlane} section for the
 * relay's config, waits for a relay, lists its resources and describes each, then runs the
 * statement given as the second argument (if any) on the first resource.
 *
 * <pre>
 * java -cp ... ai.causeflow.dbaccess.examples.controlplane.ControlPlaneMain 8765 "SELECT 1"
 * </pre>
 */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8765;
    String token = UUID.randomUUID().toString();
    try (ControlPlane cp = ControlPlane.start(new InetSocketAddress("127.0.0.1", port), token,
        "tenant-local")) {
      System.out.println("controlPlane:");
      System.out.println("  url: " + cp.url());
      System.out.println("  token: ${RELAY_TOKEN}     # export RELAY_TOKEN=" + token);
      System.out.println("  tenantId: tenant-local");
      System.out.println("waiting for a relay ...");
      RelayConnection relay = cp.awaitRelay(Duration.ofMinutes(10));
      System.out.println("relay " + relay.relayId() + " (" + relay.version() + ") connected");
      JsonNode resources = relay.call("list_resources", null, Duration.ofSeconds(10));
      System.out.println("list_resources -> " + resources.toPrettyString());
      for (JsonNode r : resources) {
        String id = r.path("resourceId").asText();
        try {
          JsonNode d = relay.call("describe_resource", Map.of("resourceId", id),
              Duration.ofSeconds(30));
          System.out.println("describe_resource " + id + " -> " + d.toPrettyString());
        } catch (RelayCallException e) {
          System.out.println("describe_resource " + id + " refused: " + e.reason() + ": "
              + e.getMessage());
        }
      }
      if (args.length > 1 && !resources.isEmpty()) {
        String id = resources.get(0).path("resourceId").asText();
        try {
          JsonNode result = relay.call("execute", Map.of("resourceId", id, "operation", "query",
              "statement", args[1], "limit", 20), Duration.ofSeconds(60));
          System.out.println("execute -> " + result.toPrettyString());
        } catch (RelayCallException e) {
          System.out.println("execute refused: " + e.reason() + " (retryable "
              + e.retryable() + "): " + e.getMessage());
        }
      }
    }
  }
}
