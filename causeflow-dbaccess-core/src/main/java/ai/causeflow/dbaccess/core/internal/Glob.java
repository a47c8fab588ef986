package ai.causeflow.dbaccess.core.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.regex.Pattern;

/**
 * A glob: {@code *} matches any run of characters (dots included), {@code ?} one character;
 * everything else is literal. Used for table, column and key rules.
 *
 * <p>{@link #of} is case-insensitive, on purpose: for a block list (or a masking rule), matching
 * more spellings is the safe side. {@link #exact} compares characters exactly, for allow lists:
 * PostgreSQL keeps the case of quoted names, so {@code "ORDERS"} is another table than
 * {@code orders} and an allow rule naming one must not admit the other.
 *
 * <p>Thread-safety: immutable.
 */
public final class Glob {
  private final String source;
  private final Pattern pattern;

  private Glob(String source, boolean caseInsensitive) {
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
    this.pattern = Pattern.compile(re.toString(), caseInsensitive
        ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL | Pattern.UNICODE_CASE : Pattern.DOTALL);
  }

  /** A case-insensitive glob (Unicode case folding): for rules that refuse or mask. */
  public static Glob of(String glob) {
    return create(glob, true);
  }

  /** A case-sensitive glob: for rules that admit (allow lists). */
  public static Glob exact(String glob) {
    return create(glob, false);
  }

  private static Glob create(String glob, boolean caseInsensitive) {
    Objects.requireNonNull(glob, "glob");
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("empty glob");
    }
    return new Glob(glob, caseInsensitive);
  }

  public static List<Glob> all(List<String> globs) {
    return globs.stream().map(Glob::of).toList();
  }

  /** {@link #exact} of each. */
  public static List<Glob> allExact(List<String> globs) {
    return globs.stream().map(Glob::exact).toList();
  }

  public boolean matches(String name) {
    return pattern.matcher(name).matches();
  }

  /** The first glob in {@code globs} that matches, or null. */
  public static @Nullable Glob firstMatch(List<Glob> globs, String name) {
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
