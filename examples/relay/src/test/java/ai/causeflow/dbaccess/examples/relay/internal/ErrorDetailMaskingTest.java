package ai.causeflow.dbaccess.examples.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An error detail leaves the process, on the wire and in the relay's audit events, only after the
 * masking the pipeline gives the details of its own audit events. Details are data-free by
 * construction; this is the net under an identifier quoted from a statement that carries a value.
 */
class ErrorDetailMaskingTest {
  private static final String EMAIL = "ana.silva@example.com";
  private static final String CARD = "4111111111111111";
  private static final String DETAIL =
      "relation \"" + EMAIL + "\" does not exist; nor does \"" + CARD + "\"";

  @Test
  void theWireAndTheAuditGetTheSameMaskedDetail() throws Exception {
    DetailMasking masking = new DetailMasking(List.of(Masking.defaults()));
    List<AuditEvent> events = new ArrayList<>();
    RelayAudit audit = new RelayAudit(events::add, Clock.systemUTC(), true, masking);
    Replies replies = new Replies(masking);

    String answer = replies.error(TextNode.valueOf("a-1"), "a-1", ErrorCode.QUERY_FAILED, DETAIL);
    audit.failed("a-1", "main-pg", "query", ErrorCode.QUERY_FAILED, DETAIL, System.nanoTime());

    assertThat(answer).doesNotContain(EMAIL).doesNotContain(CARD);
    JsonNode error = Json.parse(answer).get("error");
    assertThat(error.get("data").get("reason").asText()).isEqualTo("QUERY_FAILED");
    String wireDetail = error.get("data").get("detail").asText();
    assertThat(wireDetail).startsWith("relation \"").endsWith("\"");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).detail()).isEqualTo(wireDetail);
    assertThat(events.get(0).toString()).doesNotContain(EMAIL).doesNotContain(CARD);
  }

  @Test
  void withMaskingOffTheDetailIsWrittenAsBuilt() throws Exception {
    DetailMasking masking = new DetailMasking(List.<MaskingStage>of(Masking.none()));
    String answer = new Replies(masking).error(null, null, ErrorCode.INVALID_REQUEST, DETAIL);
    assertThat(Json.parse(answer).get("error").get("data").get("detail").asText())
        .isEqualTo(DETAIL);
  }
}
