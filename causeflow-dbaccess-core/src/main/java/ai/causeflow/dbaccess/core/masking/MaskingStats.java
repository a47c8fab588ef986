package ai.causeflow.dbaccess.core.masking;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-request masking counters: how many values were changed, and by which detector, pattern or
 * column rule. Names and counts only, never values.
 *
 * <p>Thread-safety: not thread-safe; one instance per request, used by the request's thread.
 */
public final class MaskingStats {
  private final TreeMap<String, Integer> byName = new TreeMap<>();
  private int maskedFieldCount;

  /** Records that one value was changed by the named rule(s). Call once per changed value. */
  public void fieldMasked() {
    maskedFieldCount++;
  }

  /** Records one application of the named detector, pattern or column rule. */
  public void applied(String name) {
    byName.merge(name, 1, Integer::sum);
  }

  /** Adds {@code count} applications of {@code name}. */
  public void applied(String name, int count) {
    if (count > 0) {
      byName.merge(name, count, Integer::sum);
    }
  }

  public int maskedFieldCount() {
    return maskedFieldCount;
  }

  /** Applications per rule name, sorted by name. */
  public Map<String, Integer> patternsApplied() {
    return Map.copyOf(byName);
  }

  /** Adds another stats object's counts to this one. */
  public void addAll(MaskingStats other) {
    maskedFieldCount += other.maskedFieldCount;
    other.byName.forEach((k, v) -> byName.merge(k, v, Integer::sum));
  }
}
