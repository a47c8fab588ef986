package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.Operation;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeSet;

/** {@code list_resources}: the configured resources, answered at once from memory. */
final class ListResourcesHandler implements MethodHandler {
  private final Map<String, ResourceState> resources;
  private final RelayAudit audit;

  ListResourcesHandler(Map<String, ResourceState> resources, RelayAudit audit) {
    this.resources = resources;
    this.audit = audit;
  }

  @Override
  public void handle(RpcRequest req) {
    Params.none(req.params());
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ResourceState r : resources.values()) {
      ObjectNode o = out.addObject();
      o.put("resourceId", r.id());
      o.put("type", r.config().type());
      o.put("name", r.config().name());
      o.put("status", r.status());
      ArrayNode ops = o.putArray("allowedOperations");
      new TreeSet<>(r.config().allowedOperations().stream().map(Operation::name).toList())
          .forEach(ops::add);
      o.put("maxRowsPerQuery", r.config().maxRowsPerQuery());
    }
    audit.ok(req.requestId(), null, "list_resources", req.receivedNanos());
    req.session().send(Replies.result(req.answerId(), g -> g.writeTree(out)));
  }
}
