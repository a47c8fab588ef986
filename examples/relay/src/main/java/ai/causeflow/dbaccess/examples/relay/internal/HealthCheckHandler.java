package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.HealthStatus;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code health_check}: checks one resource, or all, now (on a worker, through the
 * {@link HealthMonitor}, so a change is announced as the periodic check would).
 */
final class HealthCheckHandler implements MethodHandler {
  /** How long a health check may wait in the queue. */
  private static final long DEADLINE_MS = 30_000;

  private final Map<String, ResourceState> resources;
  private final Admission admission;
  private final HealthMonitor health;

  HealthCheckHandler(Map<String, ResourceState> resources, Admission admission,
      HealthMonitor health) {
    this.resources = resources;
    this.admission = admission;
    this.health = health;
  }

  @Override
  public void handle(RpcRequest req) {
    List<ResourceState> targets;
    if (req.params() == null || (req.params().isArray() && req.params().isEmpty())) {
      targets = List.copyOf(resources.values());
    } else {
      ObjectNode p = Params.object(req.params(), false);
      Params.onlyKeys(p, Set.of("resourceId"));
      ResourceState r = Params.resource(p, false, resources);
      targets = r == null ? List.copyOf(resources.values()) : List.of(r);
    }
    String auditResource = targets.size() == 1 ? targets.get(0).id() : null;
    admission.submit(req, null, "health_check", false, DEADLINE_MS, auditResource, () -> {
      List<HealthStatus> results = new ArrayList<>();
      for (ResourceState r : targets) {
        results.add(health.check(r));
      }
      return g -> {
        g.writeStartArray();
        for (int i = 0; i < targets.size(); i++) {
          ResourceState r = targets.get(i);
          HealthStatus h = results.get(i);
          g.writeStartObject();
          g.writeStringField("resourceId", r.id());
          g.writeStringField("type", r.config().type());
          g.writeBooleanField("healthy", h.healthy());
          g.writeNumberField("latencyMs", h.latencyMs());
          if (!h.healthy() && h.error() != null) {
            g.writeStringField("error", h.error().name());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      };
    });
  }
}
