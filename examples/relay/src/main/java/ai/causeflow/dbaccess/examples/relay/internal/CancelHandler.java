package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * {@code cancel}: cancels a request of the same session (before it starts, or at the database),
 * answered at once with whether there was something to cancel. The cancelled request still gets
 * its own answer ({@code CANCELLED}). The notification form is {@link #notified}.
 */
final class CancelHandler implements MethodHandler {
  private final Admission admission;
  private final RelayAudit audit;

  CancelHandler(Admission admission, RelayAudit audit) {
    this.admission = admission;
    this.audit = audit;
  }

  @Override
  public void handle(RpcRequest req) {
    ObjectNode p = Params.object(req.params(), true);
    Params.onlyKeys(p, Set.of("requestId"));
    JsonNode target = p.get("requestId");
    if (target == null || !target.isTextual()
        || !Params.REQUEST_ID.matcher(target.textValue()).matches()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "requestId: required, a string matching [A-Za-z0-9._:-]{1,128}", null, "cancel");
    }
    Admission.Ticket t = admission.active(target.textValue());
    boolean cancelled = t != null && t.session() == req.session() && t.cancel();
    audit.ok(req.requestId(), t == null ? null : t.resourceId(), "cancel", req.receivedNanos());
    req.session().send(Replies.result(req.answerId(), g -> {
      g.writeStartObject();
      g.writeBooleanField("cancelled", cancelled);
      g.writeEndObject();
    }));
  }

  /**
   * {@code cancel} sent as a notification: acts when {@code params.requestId} names a request of
   * the same session; never answered.
   *
   * @return whether it was a well-formed cancel notification (audited here)
   */
  boolean notified(RpcRequest req) {
    JsonNode params = req.params();
    if (!req.method().equals("cancel") || params == null || !params.isObject()
        || !params.path("requestId").isTextual()) {
      return false;
    }
    Admission.Ticket t = admission.active(params.get("requestId").textValue());
    if (t != null && t.session() == req.session()) {
      t.cancel();
    }
    audit.ok(null, null, "cancel", req.receivedNanos());
    return true;
  }
}
