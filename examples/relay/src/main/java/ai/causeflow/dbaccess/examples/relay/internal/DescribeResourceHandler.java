package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.TableInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code describe_resource}: the resource's tables (a {@code LIST_TABLES} through the pipeline,
 * which audits it) and their fingerprint, which it also records on the resource.
 */
final class DescribeResourceHandler implements MethodHandler {
  private final Map<String, ResourceState> resources;
  private final Admission admission;
  private final HealthMonitor health;

  DescribeResourceHandler(Map<String, ResourceState> resources, Admission admission,
      HealthMonitor health) {
    this.resources = resources;
    this.admission = admission;
    this.health = health;
  }

  @Override
  public void handle(RpcRequest req) {
    ObjectNode p = Params.object(req.params(), true);
    Params.onlyKeys(p, Set.of("resourceId"));
    ResourceState r = Params.requiredResource(p, resources);
    if (ResourceState.DOWN.equals(r.status())) {
      health.recheckSoon(r);
      throw new Refusal(ErrorCode.CONNECTION_FAILED, "resource " + r.id()
          + " is down (its last health check failed)", r.id(), "describe_resource");
    }
    QueryRequest request =
        QueryRequest.builder(Operation.LIST_TABLES).requestId(req.requestId()).build();
    admission.submit(req, r, "describe_resource", true, r.config().statementTimeoutMs(), r.id(),
        () -> {
          QueryResult result = r.dataSource().execute(request);
          List<TableInfo> tables = TableInfo.listFrom(result);
          String fp = TableInfo.fingerprint(tables);
          r.fingerprint(fp);
          return g -> {
            g.writeStartObject();
            g.writeStringField("resourceId", r.id());
            g.writeStringField("type", r.config().type());
            g.writeArrayFieldStart("tables");
            for (TableInfo t : tables) {
              g.writeStartObject();
              g.writeStringField("schema", t.schema());
              g.writeStringField("name", t.name());
              g.writeStringField("kind", t.kind());
              g.writeFieldName("estimatedRows");
              Json.writeValue(g, t.estimatedRows());
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("fingerprint", fp);
            if (result.truncated()) {
              g.writeBooleanField("truncated", true); // (ext) maxRowsPerQuery cut the list
            }
            g.writeEndObject();
          };
        });
  }
}
