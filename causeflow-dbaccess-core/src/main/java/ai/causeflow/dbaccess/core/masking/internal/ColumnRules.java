package ai.causeflow.dbaccess.core.masking.internal;

import ai.causeflow.dbaccess.core.internal.Glob;
import ai.causeflow.dbaccess.core.masking.Strategy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Whole-value rules by name ({@code masking.columns}): the first rule whose glob matches a column
 * name, a {@code schema.table.column}, a JSON key or a key path wins.
 *
 * <p>Thread-safety: thread-safe; decisions are cached per name in a bounded concurrent map.
 */
public final class ColumnRules {
  /** One rule. {@link #statName()} is what the per-name counts show. */
  public record Rule(Glob glob, Strategy action) {
    public String statName() {
      return "column:" + glob.source();
    }
  }

  private static final int CACHE_LIMIT = 4096;
  private static final Object NO_RULE = new Object();
  private final List<Rule> rules;
  private final Map<String, Object> cache = new ConcurrentHashMap<>();

  public ColumnRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The first rule matching any of the names (nulls ignored), or null. */
  public @Nullable Rule match(String name, @Nullable String path, @Nullable String qualified) {
    if (rules.isEmpty()) {
      return null;
    }
    Rule r = lookup(name);
    if (r == null && path != null && !path.equals(name)) {
      r = lookup(path);
    }
    if (r == null && qualified != null) {
      r = lookup(qualified);
    }
    return r;
  }

  private @Nullable Rule lookup(String name) {
    Object hit = cache.get(name);
    if (hit == null) {
      Rule found = null;
      for (Rule r : rules) {
        if (r.glob().matches(name)) {
          found = r;
          break;
        }
      }
      hit = found == null ? NO_RULE : found;
      if (cache.size() < CACHE_LIMIT) {
        cache.put(name, hit);
      }
    }
    return hit == NO_RULE ? null : (Rule) hit;
  }
}
