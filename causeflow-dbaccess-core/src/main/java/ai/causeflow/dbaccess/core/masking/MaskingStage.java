package ai.causeflow.dbaccess.core.masking;

import ai.causeflow.dbaccess.core.Column;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The masking step of the pipeline. Every row a backend yields passes through
 * {@link #maskRow} before it is counted against the byte cap or returned, and the statement text
 * written to the audit log passes through {@link #maskText}. There is no other way out for data.
 *
 * <pre>{@code
 * MaskingStage stage = MaskingStage.none();   // pass-through: nothing masked, masked=false
 * }</pre>
 *
 * <p>Thread-safety: implementations are shared by all requests and must be thread-safe; per-request
 * state lives in the {@link MaskingStats} passed in.
 */
public interface MaskingStage {

  /** Whether masking is on; reported as {@code metadata.masked}. */
  boolean enabled();

  /**
   * The row as it may leave the process. May return {@code row} itself when nothing changed, or a
   * new map; a column dropped by a rule is absent from the returned map. Counts every changed or
   * removed value in {@code stats}.
   */
  Map<String, @Nullable Object> maskRow(
      List<Column> columns, Map<String, @Nullable Object> row, MaskingStats stats);

  /**
   * The columns as the caller will see them (dropped columns removed). Default: unchanged.
   */
  default List<Column> visibleColumns(List<Column> columns) {
    return columns;
  }

  /** Masks free text (statement text for the audit log, error-free descriptions). */
  String maskText(String text, MaskingStats stats);

  /** A stage that changes nothing and reports {@code masked=false}. */
  static MaskingStage none() {
    return NoMasking.INSTANCE;
  }

  /** The pass-through stage. */
  enum NoMasking implements MaskingStage {
    INSTANCE;

    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public Map<String, @Nullable Object> maskRow(
        List<Column> columns, Map<String, @Nullable Object> row, MaskingStats stats) {
      return row;
    }

    @Override
    public String maskText(String text, MaskingStats stats) {
      return text;
    }
  }
}
