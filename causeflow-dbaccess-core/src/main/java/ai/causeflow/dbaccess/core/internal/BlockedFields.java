package ai.causeflow.dbaccess.core.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Removes the fields that {@code blockedColumns} names from document rows
 * ({@link ai.causeflow.dbaccess.core.spi.QueryPlan.ColumnScope#DOCUMENTS}), at any depth: the
 * path of a field is its source table, then its keys joined with dots; elements of lists and sets
 * add no segment, so {@code customers.orders.card} names {@code card} in every element of
 * {@code orders}. Rows and containers are copied only where something is removed.
 *
 * <p>Thread-safety: one instance per result, used by one thread at a time (the path cache is not
 * shared).
 */
public final class BlockedFields {
  private static final int MAX_CACHED_PATHS = 4_096;
  private static final int MAX_DEPTH = 256;

  private final Policy policy;
  private final Map<String, List<String>> prefixesByColumn = new HashMap<>();
  private final List<String> planTables;
  private final Map<String, Boolean> cache = new HashMap<>();

  private BlockedFields(Policy policy, List<Column> columns, Set<String> tables) {
    this.policy = policy;
    this.planTables = List.copyOf(tables);
    for (Column c : columns) {
      if (c.sourceTable() != null) {
        prefixesByColumn.put(c.name(), List.of(c.sourceTable()));
      }
    }
  }

  /** A filter for one result, or null when the policy blocks no column (nothing to do). */
  public static @Nullable BlockedFields of(Policy policy, List<Column> columns,
      Set<String> tables) {
    return policy.blockedColumns().isEmpty() ? null : new BlockedFields(policy, columns, tables);
  }

  /** Whether the top-level field {@code name} is blocked. */
  public boolean isBlocked(String name) {
    return blocked(prefixes(name), name);
  }

  /** The row without its blocked fields: the same instance when none is present. */
  public Map<String, @Nullable Object> apply(Map<String, @Nullable Object> row) {
    Map<String, @Nullable Object> out = null;
    int i = 0;
    for (Map.Entry<String, @Nullable Object> e : row.entrySet()) {
      String key = e.getKey();
      List<String> prefixes = prefixes(key);
      Object v = e.getValue();
      Object kept = blocked(prefixes, key) ? REMOVED : nested(prefixes, key, v, 1);
      if (kept != v && out == null) {
        out = new LinkedHashMap<>(row.size() * 2);
        int j = 0;
        for (Map.Entry<String, @Nullable Object> before : row.entrySet()) {
          if (j++ == i) {
            break;
          }
          out.put(before.getKey(), before.getValue());
        }
      }
      if (out != null && kept != REMOVED) {
        out.put(key, kept);
      }
      i++;
    }
    return out == null ? row : out;
  }

  private static final Object REMOVED = new Object();

  private @Nullable Object nested(List<String> prefixes, String path, @Nullable Object v,
      int depth) {
    if (depth > MAX_DEPTH) {
      throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "a document nests deeper than "
          + MAX_DEPTH + " levels under field '" + path.substring(0, path.indexOf('.') < 0
          ? path.length() : path.indexOf('.')) + "'; blockedColumns cannot be checked");
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, @Nullable Object> out = null;
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = e.getKey();
        String p = path + "." + k;
        Object x = e.getValue();
        Object kept = blocked(prefixes, p) ? REMOVED : nested(prefixes, p, x, depth + 1);
        if (kept != x && out == null) {
          out = new LinkedHashMap<>(m.size() * 2);
          int j = 0;
          for (Map.Entry<?, ?> before : m.entrySet()) {
            if (j++ == i) {
              break;
            }
            out.put(before.getKey(), before.getValue());
          }
        }
        if (out != null && kept != REMOVED) {
          out.put(k, kept);
        }
        i++;
      }
      return out == null ? v : out;
    }
    if (v instanceof List<?> || v instanceof Set<?>) {
      Collection<?> c = (Collection<?>) v;
      List<@Nullable Object> out = null;
      int i = 0;
      for (Object x : c) {
        Object kept = nested(prefixes, path, x, depth + 1);
        if (kept != x && out == null) {
          out = new ArrayList<>(c.size());
          int j = 0;
          for (Object before : c) {
            if (j++ == i) {
              break;
            }
            out.add(before);
          }
        }
        if (out != null) {
          out.add(kept);
        }
        i++;
      }
      return out == null ? v : out;
    }
    return v;
  }

  private List<String> prefixes(String topLevelKey) {
    List<String> p = prefixesByColumn.get(topLevelKey);
    return p != null ? p : planTables;
  }

  private boolean blocked(List<String> prefixes, String path) {
    if (prefixes.isEmpty()) {
      return cached(path);
    }
    for (String prefix : prefixes) {
      if (cached(prefix + "." + path)) {
        return true;
      }
    }
    return false;
  }

  private boolean cached(String qualified) {
    Boolean b = cache.get(qualified);
    if (b == null) {
      b = policy.isColumnBlocked(qualified);
      if (cache.size() < MAX_CACHED_PATHS) {
        cache.put(qualified, b);
      }
    }
    return b;
  }
}
