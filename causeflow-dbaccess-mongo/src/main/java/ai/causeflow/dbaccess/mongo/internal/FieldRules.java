package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The policy's {@code blockedColumns} applied to document field paths: a rule such as
 * {@code customers.profile.ssn} or {@code *.password} is a case-insensitive glob over
 * {@code collection.dotted.path}. Array positions are transparent ({@code addresses.0.zip} is
 * checked as {@code addresses.zip} too).
 *
 * <p>Two kinds of rule behave differently when a statement renames data. A rule starting with
 * {@code *} matches a key wherever it ends up, so removing matching keys from every returned
 * document (the last wall) holds even after {@code $project} moved a sub-document. Any other rule
 * names a place in the stored document; a statement that may move what is there under another name
 * must be refused, which {@link #descendantMayBeBlocked} decides.
 *
 * <p>Thread-safety: immutable apart from a bounded decision cache.
 */
public final class FieldRules {
  private static final int CACHE_LIMIT = 8192;
  private static final FieldRules NONE = new FieldRules(List.of());

  private record Rule(String source, Pattern pattern, boolean leadingStar) {}

  private final List<Rule> rules;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  private FieldRules(List<String> globs) {
    List<Rule> r = new ArrayList<>();
    for (String g : globs) {
      r.add(new Rule(g, compile(g), g.startsWith("*")));
    }
    this.rules = List.copyOf(r);
  }

  public static FieldRules of(List<String> blockedColumns) {
    return blockedColumns.isEmpty() ? NONE : new FieldRules(blockedColumns);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The rule that blocks {@code collection.path} itself, or null. */
  public @Nullable String ruleFor(String collection, String path) {
    if (rules.isEmpty()) {
      return null;
    }
    String key = collection + "." + path;
    String hit = cache.get(key);
    if (hit == null) {
      hit = "";
      for (Rule r : rules) {
        if (r.pattern.matcher(key).matches()) {
          hit = r.source;
          break;
        }
      }
      if (cache.size() < CACHE_LIMIT) {
        cache.put(key, hit);
      }
    }
    return hit.isEmpty() ? null : hit;
  }

  /**
   * Throws {@code COLUMN_NOT_ALLOWED} if {@code path}, one of its ancestors, or (when
   * {@code movable}) a possible descendant under a place-naming rule is blocked.
   */
  public void check(String collection, String path, boolean movable) {
    if (rules.isEmpty()) {
      return;
    }
    for (String variant : variants(path)) {
      int from = 0;
      while (true) {
        int dot = variant.indexOf('.', from);
        String prefix = dot < 0 ? variant : variant.substring(0, dot);
        String rule = ruleFor(collection, prefix);
        if (rule != null) {
          throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "field '" + collection + "."
              + prefix + "' matches blockedColumns rule '" + rule + "'");
        }
        if (dot < 0) {
          break;
        }
        from = dot + 1;
      }
      if (movable) {
        String rule = descendantMayBeBlocked(collection, variant);
        if (rule != null) {
          throw new DbAccessException(ErrorCode.COLUMN_NOT_ALLOWED, "field '" + collection + "."
              + variant + "' may contain fields blocked by blockedColumns rule '" + rule
              + "'; name the sub-fields you need instead");
        }
      }
    }
  }

  /** A place-naming rule that could match something below {@code collection.path}, or null. */
  public @Nullable String descendantMayBeBlocked(String collection, String path) {
    String prefix = collection + "." + path + ".";
    for (Rule r : rules) {
      if (!r.leadingStar && couldExtend(r.pattern, prefix)) {
        return r.source;
      }
    }
    return null;
  }

  /** A rule of any kind that could match some field of {@code collection}, or null. */
  public @Nullable String anyRuleFor(String collection) {
    for (Rule r : rules) {
      if (couldExtend(r.pattern, collection + ".")) {
        return r.source;
      }
    }
    return null;
  }

  /** A place-naming rule that could match some field of {@code collection}, or null. */
  public @Nullable String placeRuleFor(String collection) {
    for (Rule r : rules) {
      if (!r.leadingStar && couldExtend(r.pattern, collection + ".")) {
        return r.source;
      }
    }
    return null;
  }

  /** Whether some input starting with {@code prefix} could match (conservative: may say yes). */
  private static boolean couldExtend(Pattern p, String prefix) {
    Matcher m = p.matcher(prefix);
    return m.matches() || m.hitEnd();
  }

  /** The path as written and, if it has array positions, without them. */
  static List<String> variants(String path) {
    boolean numeric = false;
    StringBuilder sb = new StringBuilder(path.length());
    for (String part : path.split("\\.", -1)) {
      if (!part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        numeric = true;
        continue;
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(part);
    }
    return numeric && sb.length() > 0 ? List.of(path, sb.toString()) : List.of(path);
  }

  private static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL
        | Pattern.UNICODE_CASE);
  }
}
