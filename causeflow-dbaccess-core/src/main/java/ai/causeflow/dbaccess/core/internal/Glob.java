package ai.causeflow.dbaccess.core.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A case-insensitive glob: {@code *} matches any run of characters (dots included), {@code ?} one
 * character; everything else is literal. Used for table, column and key rules.
 *
 * <p>Case-insensitive on purpose: for a block list, matching more spellings is the safe side.
 *
 * <p>Thread-safety: immutable.
 */
public final class Glob {
  private final String source;
  private final Pattern pattern;

  private Glob(String source) {
    this.source = source;
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.pattern = Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL
        | Pattern.UNICODE_CASE);
  }

  public static Glob of(String glob) {
    Objects.requireNonNull(glob, "glob");
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("empty glob");
    }
    return new Glob(glob);
  }

  public static List<Glob> all(List<String> globs) {
    return globs.stream().map(Glob::of).toList();
  }

  public boolean matches(String name) {
    return pattern.matcher(name).matches();
  }

  /** The first glob in {@code globs} that matches, or null. */
  public static Glob firstMatch(List<Glob> globs, String name) {
    for (Glob g : globs) {
      if (g.matches(name)) {
        return g;
      }
    }
    return null;
  }

  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }

  /** Lower-cases with a fixed locale, for identifier comparisons. */
  public static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
