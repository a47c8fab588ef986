package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.postgres.JdbcStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL-aware lexer: the authority on where strings, quoted identifiers, comments and
 * statements begin and end. The SQL parser is not trusted with statement boundaries (JSqlParser
 * 5.4 mis-lexes {@code $q$it's$q$}), so everything that decides "one statement or several" and
 * "is this {@code ?} an operator or a placeholder" is decided here.
 *
 * <p>Rules follow PostgreSQL's own scanner ({@code scan.l}): {@code '...'} with {@code ''},
 * {@code E'...'} with backslash escapes, {@code U&'...'}, {@code B'...'}, {@code X'...'},
 * {@code N'...'}, {@code "..."} with {@code ""}, dollar quotes {@code $tag$...$tag$} (a tag is an
 * identifier without {@code $}; {@code $1} is a parameter; a {@code $} inside an identifier does
 * not open a quote), {@code --} comments to end of line and nested {@code /* ... *}{@code /}
 * comments. Anything unterminated is refused.
 *
 * <p>When the text contains a backslash it is lexed twice, once as with
 * {@code standard_conforming_strings = on} and once with it off, and refused unless both agree:
 * the server's setting is not known here, and {@code 'x\'' ; DROP ... '} means one statement
 * to one setting and two to the other.
 *
 * <p>Thread-safety: stateless; all methods are static and pure.
 */
public final class PgLexer {
  private PgLexer() {}

  /** Token kinds. */
  public enum Kind {
    WHITESPACE, COMMENT,
    /** {@code '...'} (also N'', B'', X''): content has no backslash escapes when SCS is on. */
    STRING,
    /** {@code E'...'}. */
    ESCAPE_STRING,
    /** {@code U&'...'}. */
    UNICODE_STRING,
    /** {@code $tag$...$tag$}. */
    DOLLAR_STRING,
    /** {@code "..."}. */
    QUOTED_IDENT,
    /** {@code U&"..."}. */
    UNICODE_IDENT,
    WORD, NUMBER,
    /** {@code $n}. */
    PARAM,
    SEMICOLON, QUESTION, BRACE, OTHER
  }

  /** One token: {@code sql.substring(start, end)}. */
  public record Token(Kind kind, int start, int end) {
    public String text(String sql) {
      return sql.substring(start, end);
    }

    boolean insignificant() {
      return kind == Kind.WHITESPACE || kind == Kind.COMMENT;
    }
  }

  /**
   * Tokens of {@code sql}; refuses ({@link ErrorCode#QUERY_BLOCKED}) unterminated quotes and
   * comments and text whose boundaries depend on {@code standard_conforming_strings}.
   */
  public static List<Token> tokens(String sql) {
    List<Token> on = lex(sql, true);
    if (sql.indexOf('\\') >= 0) {
      List<Token> off = lex(sql, false);
      if (!on.equals(off)) {
        throw blocked("a backslash inside a '...' string makes the statement mean different things"
            + " depending on standard_conforming_strings; use E'...' or a dollar-quoted string");
      }
    }
    return on;
  }

  /**
   * The statements of {@code sql}, split at top-level {@code ;}, each without its terminator and
   * trimmed; segments holding only white space and comments are dropped. Callers that accept one
   * statement use {@link #requireSingleStatement(String)}.
   */
  public static List<String> splitStatements(String sql) {
    List<Token> toks = tokens(sql);
    List<String> out = new ArrayList<>();
    int segStart = 0;
    boolean significant = false;
    for (Token t : toks) {
      if (t.kind == Kind.SEMICOLON) {
        if (significant) {
          out.add(sql.substring(segStart, t.start).strip());
        }
        segStart = t.end;
        significant = false;
      } else if (!t.insignificant()) {
        significant = true;
      }
    }
    if (significant) {
      out.add(sql.substring(segStart).strip());
    }
    return out;
  }

  /**
   * The tokens of exactly one statement: refuses an empty text, more than one statement, and any
   * {@code ;} other than a single trailing one (followed only by white space and comments). The
   * returned list excludes the trailing {@code ;} and what follows it.
   */
  public static List<Token> singleStatementTokens(String sql) {
    List<Token> toks = tokens(sql);
    int semi = -1;
    boolean before = false;
    for (int i = 0; i < toks.size(); i++) {
      Token t = toks.get(i);
      if (t.kind == Kind.SEMICOLON) {
        if (semi >= 0 || !before) {
          throw blocked("more than one statement (or an empty one): only a single statement, with"
              + " at most one trailing ';', is accepted");
        }
        semi = i;
      } else if (!t.insignificant()) {
        if (semi >= 0) {
          throw blocked("more than one statement: only a single statement, with at most one"
              + " trailing ';', is accepted");
        }
        before = true;
      }
    }
    if (!before) {
      throw blocked("empty statement");
    }
    return semi >= 0 ? List.copyOf(toks.subList(0, semi)) : toks;
  }

  /**
   * The single statement of {@code sql} from its first to its last significant token: leading
   * white space, trailing comments and the trailing {@code ;} removed (a trailing {@code --}
   * comment would otherwise swallow whatever an executor appends).
   */
  public static String requireSingleStatement(String sql) {
    List<Token> toks = singleStatementTokens(sql);
    int first = 0;
    while (toks.get(first).kind == Kind.WHITESPACE) {
      first++;
    }
    int last = toks.size() - 1;
    while (toks.get(last).insignificant()) {
      last--;
    }
    return sql.substring(toks.get(first).start, toks.get(last).end);
  }

  /**
   * Audit/fingerprint text: every literal (all string forms, numbers) becomes {@code ?}, comments
   * are removed, runs of white space become one space. Identifiers and {@code $n} stay. Text that
   * does not lex (unterminated quote or comment) is reduced to a fixed marker: nothing of it can
   * be told apart from data. Text with a backslash is redacted under both readings of
   * {@code standard_conforming_strings} (another session's text may have been written with it
   * off: {@code 'it\'s', 'alice@corp.com'} read with it on leaves the address outside any string);
   * when the two differ, nothing of it is kept either.
   */
  public static String redactLiterals(String sql) {
    String on = redactLiterals(sql, true);
    if (sql.indexOf('\\') < 0) {
      return on;
    }
    String off = redactLiterals(sql, false);
    return on.equals(off) ? on : "<statement ambiguous: redacted>";
  }

  private static String redactLiterals(String sql, boolean standardConformingStrings) {
    List<Token> toks;
    try {
      toks = lex(sql, standardConformingStrings);
    } catch (DbAccessException e) {
      return "<statement not lexable: redacted>";
    }
    StringBuilder out = new StringBuilder(Math.min(sql.length(), 4096));
    boolean pendingSpace = false;
    for (Token t : toks) {
      switch (t.kind) {
        case WHITESPACE, COMMENT -> pendingSpace = out.length() > 0;
        default -> {
          if (pendingSpace) {
            out.append(' ');
            pendingSpace = false;
          }
          switch (t.kind) {
            case STRING, ESCAPE_STRING, UNICODE_STRING, DOLLAR_STRING, NUMBER -> out.append('?');
            default -> out.append(sql, t.start, t.end);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Rewrites a single statement for pgjdbc: {@code $n} outside quotes and comments becomes
   * {@code ?}; a {@code ?} operator character becomes {@code ??}. Refuses JDBC escape braces
   * (pgjdbc would rewrite {@code {fn ...}} / {@code {call ...}} behind our back) and
   * {@code $0}.
   */
  public static JdbcStatement toJdbc(String sql) {
    return toJdbc(sql, tokens(sql));
  }

  /** {@link #toJdbc(String)} over already computed tokens of {@code sql}. */
  public static JdbcStatement toJdbc(String sql, List<Token> toks) {
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int[] idx = new int[8];
    int count = 0;
    int max = 0;
    int copied = 0;
    for (Token t : toks) {
      if (t.kind == Kind.PARAM) {
        int n = paramNumber(sql, t);
        out.append(sql, copied, t.start).append('?');
        copied = t.end;
        if (count == idx.length) {
          idx = java.util.Arrays.copyOf(idx, count * 2);
        }
        idx[count++] = n;
        max = Math.max(max, n);
      } else if (t.kind == Kind.QUESTION) {
        out.append(sql, copied, t.start).append("??");
        copied = t.end;
      } else if (t.kind == Kind.BRACE) {
        throw blocked("JDBC escape syntax ('{' or '}' outside quotes) is not accepted");
      }
    }
    out.append(sql, copied, sql.length());
    return new JdbcStatement(out.toString(), java.util.Arrays.copyOf(idx, count), max);
  }

  /** The value of a {@link Kind#PARAM} token; refuses {@code $0} and absurd numbers. */
  public static int paramNumber(String sql, Token t) {
    String digits = sql.substring(t.start + 1, t.end);
    if (digits.length() > 5) {
      throw blocked("parameter number out of range (at most $65535)");
    }
    int n = Integer.parseInt(digits);
    if (n < 1 || n > 65_535) {
      throw blocked("parameter number out of range ($1 to $65535)");
    }
    return n;
  }

  /** Greatest paren/bracket nesting depth outside quotes and comments. */
  public static int maxNesting(List<Token> toks, String sql) {
    int depth = 0;
    int max = 0;
    for (Token t : toks) {
      if (t.kind == Kind.OTHER) {
        char c = sql.charAt(t.start);
        if (c == '(' || c == '[') {
          max = Math.max(max, ++depth);
        } else if (c == ')' || c == ']') {
          depth--;
        }
      }
    }
    return max;
  }

  // ---------------------------------------------------------------------------------------------

  static List<Token> lex(String s, boolean standardConformingStrings) {
    List<Token> out = new ArrayList<>(Math.max(16, s.length() / 4));
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int start = i;
      Kind kind;
      if (isSpace(c)) {
        while (i < n && isSpace(s.charAt(i))) {
          i++;
        }
        kind = Kind.WHITESPACE;
      } else if (c == '-' && at(s, i + 1) == '-') {
        while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
          i++;
        }
        kind = Kind.COMMENT;
      } else if (c == '/' && at(s, i + 1) == '*') {
        i = blockCommentEnd(s, i);
        kind = Kind.COMMENT;
      } else if (c == '\'') {
        i = quoteEnd(s, i + 1, !standardConformingStrings);
        kind = Kind.STRING;
      } else if ((c == 'e' || c == 'E') && at(s, i + 1) == '\'') {
        i = quoteEnd(s, i + 2, true);
        kind = Kind.ESCAPE_STRING;
      } else if ((c == 'u' || c == 'U') && at(s, i + 1) == '&' && at(s, i + 2) == '\'') {
        i = quoteEnd(s, i + 3, false);
        kind = Kind.UNICODE_STRING;
      } else if ((c == 'u' || c == 'U') && at(s, i + 1) == '&' && at(s, i + 2) == '"') {
        i = identEnd(s, i + 3);
        kind = Kind.UNICODE_IDENT;
      } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N')
          && at(s, i + 1) == '\'') {
        // B'' and X'' have no escapes; N'' is a plain string. All honour '' like plain strings.
        i = quoteEnd(s, i + 2, !standardConformingStrings);
        kind = Kind.STRING;
      } else if (c == '"') {
        i = identEnd(s, i + 1);
        kind = Kind.QUOTED_IDENT;
      } else if (c == '$') {
        Token prev = out.isEmpty() ? null : out.get(out.size() - 1);
        if (prev != null && prev.end == i && (prev.kind == Kind.NUMBER || prev.kind == Kind.PARAM)) {
          throw blocked("'$' directly after a number or parameter is ambiguous");
        }
        if (isDigit(at(s, i + 1))) {
          i++;
          while (i < n && isDigit(s.charAt(i))) {
            i++;
          }
          if (i < n && (isIdentCont(s.charAt(i)))) {
            throw blocked("malformed parameter placeholder (trailing characters after $n)");
          }
          kind = Kind.PARAM;
        } else {
          int tagEnd = dollarTagEnd(s, i);
          if (tagEnd < 0) {
            i++;
            kind = Kind.OTHER;
          } else {
            String delim = s.substring(i, tagEnd);
            int close = s.indexOf(delim, tagEnd);
            if (close < 0) {
              throw invalid("unterminated dollar-quoted string");
            }
            i = close + delim.length();
            kind = Kind.DOLLAR_STRING;
          }
        }
      } else if (isIdentStart(c)) {
        while (i < n && isIdentCont(s.charAt(i))) {
          i++;
        }
        kind = Kind.WORD;
      } else if (isDigit(c) || (c == '.' && isDigit(at(s, i + 1)))) {
        i = numberEnd(s, i);
        kind = Kind.NUMBER;
      } else if (c == ';') {
        i++;
        kind = Kind.SEMICOLON;
      } else if (c == '?') {
        i++;
        kind = Kind.QUESTION;
      } else if (c == '{' || c == '}') {
        i++;
        kind = Kind.BRACE;
      } else {
        i++;
        kind = Kind.OTHER;
      }
      out.add(new Token(kind, start, i));
    }
    return out;
  }

  private static int blockCommentEnd(String s, int i) {
    int n = s.length();
    int depth = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '/' && at(s, i + 1) == '*') {
        depth++;
        i += 2;
      } else if (c == '*' && at(s, i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    throw invalid("unterminated /* comment");
  }

  /** End (exclusive) of a single-quoted body starting at {@code i}, after the opening quote. */
  private static int quoteEnd(String s, int i, boolean backslashEscapes) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (at(s, i + 1) == '\'') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw invalid("unterminated quoted string");
  }

  private static int identEnd(String s, int i) {
    int n = s.length();
    while (i < n) {
      if (s.charAt(i) == '"') {
        if (at(s, i + 1) == '"') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw invalid("unterminated quoted identifier");
  }

  /** End of {@code $tag$} starting at {@code i}, or -1 when it is not a dollar-quote opener. */
  private static int dollarTagEnd(String s, int i) {
    int j = i + 1;
    if (at(s, j) == '$') {
      return j + 1;
    }
    if (!isIdentStart(at(s, j))) {
      return -1;
    }
    j++;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '$') {
        return j + 1;
      }
      if (!(isIdentStart(c) || isDigit(c))) {
        return -1;
      }
      j++;
    }
    return -1;
  }

  private static int numberEnd(String s, int i) {
    int n = s.length();
    boolean hex = s.charAt(i) == '0' && (at(s, i + 1) == 'x' || at(s, i + 1) == 'X');
    while (i < n) {
      char c = s.charAt(i);
      if (isDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        i++;
        if (!hex && (c == 'e' || c == 'E') && (at(s, i) == '+' || at(s, i) == '-')
            && isDigit(at(s, i + 1))) {
          i++;
        }
      } else if (c == '.' && at(s, i + 1) != '.') {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  private static char at(String s, int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  static boolean isIdentCont(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  /** A statement that does not lex: {@link ErrorCode#QUERY_INVALID}, the caller must fix it. */
  static DbAccessException invalid(String why) {
    return new DbAccessException(ErrorCode.QUERY_INVALID, "statement does not parse: " + why);
  }

  static DbAccessException blocked(String why) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement refused: " + why);
  }
}
