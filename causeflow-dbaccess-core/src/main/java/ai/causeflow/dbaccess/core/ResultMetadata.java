package ai.causeflow.dbaccess.core;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the pipeline did to produce a {@link QueryResult}.
 *
 * <pre>{@code
 * ResultMetadata m = result.metadata();
 * if (m.masked() && m.maskedFieldCount() > 0) {
 *   log.info("masked {} values: {}", m.maskedFieldCount(), m.patternsApplied()); // {email=3}
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param resourceId the resource that answered
 * @param requestId the request's id, as in the audit trail
 * @param masked true whenever masking is enabled for the resource
 * @param maskedFieldCount how many values masking changed or removed
 * @param patternsApplied how many values each detector, pattern or column rule changed, by name
 * @param executionMs wall time from request to result, in milliseconds
 * @param rowLimit the effective row limit ({@code min(limit, maxRowsPerQuery)})
 * @param truncatedBy {@code "rows"} or {@code "bytes"} when the result was cut by the pipeline's
 *     caps, a backend's own reason ({@code "pages"}, {@code "capacity"}, {@code "limit"} for
 *     DynamoDB) when it stopped reading early, else null
 * @param details backend-specific facts (DynamoDB: consumed capacity, pages, where to continue),
 *     values of the value model, masked like data where taken from it; empty for most backends
 */
public record ResultMetadata(
    String resourceId,
    String requestId,
    boolean masked,
    int maskedFieldCount,
    Map<String, Integer> patternsApplied,
    long executionMs,
    int rowLimit,
    @Nullable String truncatedBy,
    Map<String, @Nullable Object> details) {

  public ResultMetadata {
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(requestId, "requestId");
    patternsApplied = java.util.Collections.unmodifiableMap(new TreeMap<>(patternsApplied));
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
        Objects.requireNonNull(details, "details")));
  }

  /** Metadata without backend details. */
  public ResultMetadata(String resourceId, String requestId, boolean masked, int maskedFieldCount,
      Map<String, Integer> patternsApplied, long executionMs, int rowLimit,
      @Nullable String truncatedBy) {
    this(resourceId, requestId, masked, maskedFieldCount, patternsApplied, executionMs, rowLimit,
        truncatedBy, Map.of());
  }
}
