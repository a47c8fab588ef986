package ai.causeflow.dbaccess.testkit;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately simple masking stage for pipeline tests: every string value containing {@code @}
 * becomes {@value #MASK}, counted under {@value #NAME}. It tests that the pipeline masks every
 * row, not how well detectors detect (that is the masking module's own suite).
 *
 * <pre>{@code
 * DataSourceSettings s = DataSourceSettings.builder("t").masking(new TestMasking()).build();
 * }</pre>
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
public final class TestMasking implements MaskingStage {
  public static final String NAME = "test_at_sign";
  public static final String MASK = "[masked]";

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Map<String, @Nullable Object> maskRow(
      List<Column> columns, Map<String, @Nullable Object> row, MaskingStats stats) {
    Map<String, @Nullable Object> out = null;
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      if (e.getValue() instanceof String s && s.indexOf('@') >= 0) {
        if (out == null) {
          out = new LinkedHashMap<>(row);
        }
        out.put(e.getKey(), MASK);
        stats.fieldMasked();
        stats.applied(NAME);
      }
    }
    return out == null ? row : out;
  }

  @Override
  public String maskText(String text, MaskingStats stats) {
    return text.replaceAll("\\S*@\\S*", MASK);
  }
}
