package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ResultMetadata;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the answers: a result around the method's own writer, the {@code execute} result, and
 * the error object ({@code code}, {@code message}, {@code data.reason/detail/retryable/requestId}).
 * An error detail goes out only after {@link DetailMasking}, the masking its audit event gets.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Replies {
  private final DetailMasking masking;

  Replies(DetailMasking masking) {
    this.masking = masking;
  }

  /** {@code {"jsonrpc":"2.0","id":…,"result":…}} with the result written by {@code result}. */
  static String result(JsonNode id, Json.IoConsumer<JsonGenerator> result) {
    return Json.message(g -> {
      Json.writeId(g, id);
      g.writeFieldName("result");
      result.accept(g);
    });
  }

  /** The error answer; {@code detail} is masked here, whoever built it. */
  String error(@Nullable JsonNode id, @Nullable String requestId, ErrorCode code,
      String detail) {
    String masked = masking.mask(detail);
    return Json.message(g -> {
      Json.writeId(g, id);
      g.writeObjectFieldStart("error");
      g.writeNumberField("code", code.jsonRpcCode());
      g.writeStringField("message", messageOf(code));
      g.writeObjectFieldStart("data");
      g.writeStringField("reason", code.name());
      g.writeStringField("detail", masked);
      g.writeBooleanField("retryable", code.retryable());
      g.writeStringField("requestId", requestId);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** CONFIG_INVALID never goes on the wire (docs/protocol.md); it would be a relay bug here. */
  static ErrorCode wireCode(ErrorCode c) {
    return c == ErrorCode.CONFIG_INVALID ? ErrorCode.INTERNAL : c;
  }

  private static String messageOf(ErrorCode code) {
    return switch (code.jsonRpcCode()) {
      case -32700 -> "Parse error";
      case -32600 -> "Invalid Request";
      case -32601 -> "Method not found";
      case -32602 -> "Invalid params";
      case -32001 -> "Refused by policy";
      case -32002 -> "Database error";
      case -32003 -> "Relay busy";
      default -> "Internal error";
    };
  }

  /** The {@code execute} result: rows, rowCount, truncated, columns, metadata. */
  static void writeExecuteResult(JsonGenerator g, QueryResult r) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("rows");
    for (Map<String, @Nullable Object> row : r.rows()) {
      Json.writeRow(g, row);
    }
    g.writeEndArray();
    g.writeNumberField("rowCount", r.rowCount());
    g.writeBooleanField("truncated", r.truncated());
    g.writeArrayFieldStart("columns");
    for (Column c : r.columns()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      g.writeStringField("type", c.type());
      g.writeEndObject();
    }
    g.writeEndArray();
    ResultMetadata m = r.metadata();
    g.writeObjectFieldStart("metadata");
    g.writeStringField("resourceId", m.resourceId());
    g.writeBooleanField("masked", m.masked());
    g.writeNumberField("maskedFieldCount", m.maskedFieldCount());
    g.writeObjectFieldStart("patternsApplied");
    for (Map.Entry<String, Integer> e : m.patternsApplied().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeNumberField("executionMs", m.executionMs());
    g.writeNumberField("rowLimit", m.rowLimit());
    g.writeStringField("requestId", m.requestId()); // (ext)
    if (m.truncatedBy() != null) {
      g.writeStringField("truncatedBy", m.truncatedBy()); // (ext)
    }
    if (!m.details().isEmpty()) {
      g.writeFieldName("details"); // (ext) e.g. DynamoDB capacity and lastEvaluatedKey
      Json.writeValue(g, m.details());
    }
    g.writeEndObject();
    g.writeEndObject();
  }
}
