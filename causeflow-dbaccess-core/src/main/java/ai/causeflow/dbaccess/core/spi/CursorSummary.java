package ai.causeflow.dbaccess.core.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a cursor reports once the pipeline has stopped reading it (see
 * {@link RowCursor#summary(int)}): whether it stopped on a limit of its own (a page or capacity
 * cap) although more rows may exist, facts about the execution for the result's metadata, and
 * where a caller continues. The pipeline puts {@link #details()} into
 * {@link ai.causeflow.dbaccess.core.ResultMetadata#details()}; {@link #resumeAfter()} holds
 * values taken from the data (a DynamoDB {@code LastEvaluatedKey}), so the pipeline removes
 * blocked fields from it and masks it like a row before it becomes {@code details[resumeKey]}.
 *
 * <pre>{@code
 * return new CursorSummary("pages", Map.of("pages", 10, "consumedCapacity", 42.5),
 *     "lastEvaluatedKey", Map.of("pk", "customer#42", "sk", 1017));
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param truncatedBy why the cursor stopped early although more rows may exist (e.g.
 *     {@code "pages"}, {@code "capacity"}), or null; the pipeline's own caps ({@code rows},
 *     {@code bytes}) take precedence
 * @param details values of the value model, none taken from the data (counts, capacity)
 * @param resumeKey the name under which {@link #resumeAfter()} is reported, or null
 * @param resumeAfter a row-shaped map of data values, or null
 */
public record CursorSummary(@Nullable String truncatedBy, Map<String, @Nullable Object> details,
    @Nullable String resumeKey, @Nullable Map<String, @Nullable Object> resumeAfter) {

  /** Nothing to report. */
  public static final CursorSummary NONE = new CursorSummary(null, Map.of(), null, null);

  public CursorSummary {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(details, "details")));
    if (resumeAfter != null && resumeKey == null) {
      throw new IllegalArgumentException("resumeAfter needs a resumeKey");
    }
  }
}
