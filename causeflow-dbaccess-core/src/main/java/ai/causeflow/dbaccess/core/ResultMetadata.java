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
 * @param truncatedBy {@code "rows"} or {@code "bytes"} when the result was cut, else null
 */
public record ResultMetadata(
    String resourceId,
    String requestId,
    boolean masked,
    int maskedFieldCount,
    Map<String, Integer> patternsApplied,
    long executionMs,
    int rowLimit,
    @Nullable String truncatedBy) {

  public ResultMetadata {
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(requestId, "requestId");
    patternsApplied = java.util.Collections.unmodifiableMap(new TreeMap<>(patternsApplied));
  }
}
