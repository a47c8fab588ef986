package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code execute}: one operation on one resource through its data source's pipeline (policy,
 * validation, read-only execution, masking, audit). The pipeline audits it once it runs; refusals
 * before that are the relay's.
 */
final class ExecuteHandler implements MethodHandler {
  private static final Set<String> KEYS =
      Set.of("resourceId", "operation", "statement", "parameters", "limit");

  private final Map<String, ResourceState> resources;
  private final Admission admission;
  private final HealthMonitor health;

  ExecuteHandler(Map<String, ResourceState> resources, Admission admission,
      HealthMonitor health) {
    this.resources = resources;
    this.admission = admission;
    this.health = health;
  }

  @Override
  public void handle(RpcRequest req) {
    ObjectNode p = Params.object(req.params(), true);
    Params.onlyKeys(p, KEYS);
    ResourceState r = Params.requiredResource(p, resources);
    String opName = Params.requiredString(p, "operation", null, r.id());
    Operation op;
    try {
      op = Operation.of(opName);
    } catch (DbAccessException e) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, e.getMessage(), r.id(), null);
    }
    if (!r.config().allowedOperations().contains(op)) {
      // Refused here rather than by the pipeline, which would echo the name into its detail and
      // audit event: an operation name is caller text until it is one the operator configured.
      String echoed = Params.echoable(op.name()) ? op.name() : null;
      throw new Refusal(ErrorCode.OPERATION_NOT_ALLOWED, "operation"
          + (echoed == null ? "" : " '" + echoed + "'") + " is not in allowedOperations of "
          + r.id(), r.id(), echoed);
    }
    String statement = Params.statement(p.get("statement"), r.id(), op.name());
    List<@Nullable Object> parameters = Params.parameters(p.get("parameters"), r.id(), op.name());
    Integer limit = Params.limit(p.get("limit"), r.id(), op.name());
    QueryRequest request;
    try {
      request = QueryRequest.builder(op).requestId(req.requestId()).statement(statement)
          .parameters(parameters).limit(limit).build();
    } catch (DbAccessException e) {
      throw new Refusal(e.code(), e.getMessage(), r.id(), op.name());
    }
    if (ResourceState.DOWN.equals(r.status())) {
      health.recheckSoon(r);
      throw new Refusal(ErrorCode.CONNECTION_FAILED, "resource " + r.id()
          + " is down (its last health check failed); the relay rechecks it and will serve it "
          + "again when it answers", r.id(), op.name());
    }
    admission.submit(req, r, op.name(), true, r.config().statementTimeoutMs(), r.id(), () -> {
      QueryResult result;
      try {
        result = r.dataSource().execute(request);
      } catch (DbAccessException e) {
        if (e.code() == ErrorCode.CONNECTION_FAILED) {
          health.recheckSoon(r);
        }
        throw e;
      }
      return g -> Replies.writeExecuteResult(g, result);
    });
  }
}
