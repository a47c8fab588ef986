package ai.causeflow.dbaccess.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the test corpora (formats documented in the files' headers): {@code legit-queries.sql}
 * and {@code attacks.tsv}. Shared by the validator's unit tests and the integration tests that
 * replay the same files against a real PostgreSQL.
 */
public final class Corpora {
  private Corpora() {}

  /** One attack: its 1-based line in attacks.tsv, category, expectation and decoded statement. */
  public record Attack(int line, String category, String expect, String statement) {
    public boolean mustBeBlocked() {
      return expect.equals("blocked");
    }

    @Override
    public String toString() {
      return "attacks.tsv:" + line + " [" + category + "]";
    }
  }

  public static List<String> legitQueries() {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : read("legit-queries.sql").split("\n", -1)) {
      if (line.strip().equals(";;")) {
        add(out, cur);
        cur.setLength(0);
      } else if (cur.length() == 0 && (line.startsWith("--") || line.isBlank())) {
        continue; // corpus comment before the entry's first line
      } else {
        cur.append(line).append('\n');
      }
    }
    add(out, cur);
    return out;
  }

  private static void add(List<String> out, StringBuilder cur) {
    String s = cur.toString().strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  public static List<Attack> attacks() {
    List<Attack> out = new ArrayList<>();
    String[] lines = read("attacks.tsv").split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split("\t", 3);
      if (cols.length != 3 || !(cols[1].equals("blocked") || cols[1].equals("runtime-bounded"))) {
        throw new IllegalStateException("attacks.tsv:" + (i + 1) + " malformed");
      }
      out.add(new Attack(i + 1, cols[0], cols[1], unescape(cols[2], i + 1)));
    }
    return out;
  }

  /** {@code policy-attacks.tsv}: expect is blocked, allow-list or masked. */
  public static List<Attack> policyAttacks() {
    List<Attack> out = new ArrayList<>();
    String[] lines = read("policy-attacks.tsv").split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split("\t", 3);
      if (cols.length != 3 || !List.of("blocked", "allow-list", "masked").contains(cols[1])) {
        throw new IllegalStateException("policy-attacks.tsv:" + (i + 1) + " malformed");
      }
      out.add(new Attack(i + 1, cols[0], cols[1], unescape(cols[2], i + 1)));
    }
    return out;
  }

  static String unescape(String s, int line) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char n = i + 1 < s.length() ? s.charAt(++i) : '?';
      switch (n) {
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case '\\' -> b.append('\\');
        default -> throw new IllegalStateException("attacks.tsv:" + line + " bad escape \\" + n);
      }
    }
    return b.toString();
  }

  private static String read(String resource) {
    try (InputStream in = Corpora.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
