package ai.causeflow.dbaccess.core.masking;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Per-request masking counters: how many values were changed, and by which detector, pattern or
 * column rule. Names and counts only, never values.
 *
 * <p>They also carry the request's stop signal ({@link #stopWhen}): masking checks it while it
 * works ({@link #checkpoint}, {@link #work}), so a request past its deadline stops in the middle of
 * a large value instead of masking it to the end.
 *
 * <p>Thread-safety: not thread-safe; one instance per request, used by one thread at a time.
 */
public final class MaskingStats {
  /** Units of {@link #work} between two looks at the stop signal. */
  static final int CHECK_EVERY = 4_096;

  private final TreeMap<String, Integer> byName = new TreeMap<>();
  private int maskedFieldCount;
  private @Nullable BooleanSupplier stopped;
  private int untilCheck = CHECK_EVERY;

  /**
   * Makes masking with these stats stop with {@link ErrorCode#CANCELLED} once {@code stopped}
   * answers true (the request was cancelled or ran past its deadline); null never stops. The
   * supplier must be cheap and thread-safe (a volatile read).
   */
  public void stopWhen(@Nullable BooleanSupplier stopped) {
    this.stopped = stopped;
  }

  /**
   * Throws {@link DbAccessException} with {@link ErrorCode#CANCELLED} when the stop signal is
   * set. Masking calls it during long work (every few thousand characters of a large value, every
   * few thousand values); the pipeline reports a request stopped by its timer as {@code TIMEOUT}.
   */
  public void checkpoint() {
    BooleanSupplier s = stopped;
    if (s != null && s.getAsBoolean()) {
      throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled while masking");
    }
  }

  /** Counts {@code units} of work and looks at the stop signal every {@link #CHECK_EVERY}. */
  public void work(int units) {
    if ((untilCheck -= units) <= 0) {
      untilCheck = CHECK_EVERY;
      checkpoint();
    }
  }

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
