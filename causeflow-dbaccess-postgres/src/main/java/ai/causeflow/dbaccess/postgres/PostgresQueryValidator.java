package ai.causeflow.dbaccess.postgres;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.postgres.internal.AstChecker;
import ai.causeflow.dbaccess.postgres.internal.PgLexer;
import ai.causeflow.dbaccess.postgres.internal.PgjdbcCheck;
import ai.causeflow.dbaccess.postgres.internal.PgLexer.Kind;
import ai.causeflow.dbaccess.postgres.internal.PgLexer.Token;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import org.jspecify.annotations.Nullable;

/**
 * Decides, without touching the database, whether a PostgreSQL statement is a plain read the
 * policy allows. Fail closed: whatever is not understood is refused.
 *
 * <p>Layers, in order: length and nesting limits; {@link PgLexer} (the authority on quotes,
 * comments and statement boundaries: exactly one statement, no JDBC escapes); JSqlParser on a
 * normalised copy of the text (comments dropped, non-standard string forms rewritten as plain
 * strings, so the parser never decides where a string ends); the parsed statement must be a
 * plain query; a reflective walk of the whole tree checks every nested statement, locking/INTO
 * clause, function (deny list), table (policy and system-schema rule) and column (blockedColumns;
 * {@code *} on a table with a blocked column is refused).
 *
 * <pre>{@code
 * PostgresQueryValidator validator = new PostgresQueryValidator("public");
 * try {
 *   ValidatedQuery q = validator.validate("SELECT id, status FROM orders WHERE id = $1", policy);
 *   PreparedStatement ps = connection.prepareStatement(q.jdbc().sql());
 * } catch (DbAccessException e) {
 *   // e.code(): QUERY_BLOCKED, TABLE_NOT_ALLOWED or COLUMN_NOT_ALLOWED; e.getMessage() names
 *   // the rule and the construct, never a literal value
 * }
 * }</pre>
 *
 * <p>Results are cached in a bounded LRU keyed by (statement text, policy); refusals are cached
 * too (as code and message, a fresh exception is thrown each time) so a client repeating a bad
 * statement costs one map lookup. Statements longer than {@link Builder#maxCachedLength} are not
 * cached.
 *
 * <p>Thread-safety: safe for concurrent use; one instance per backend is the intended use.
 */
public final class PostgresQueryValidator {
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z_0-9]{0,62}");
  private static final Pattern NUMBER = Pattern.compile(
      "(?:\\d[\\d_]*(?:\\.[\\d_]*)?|\\.\\d[\\d_]*)(?:[eE][+-]?\\d[\\d_]*)?"
          + "|0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+");
  private static final ScheduledExecutorService WATCHDOG = watchdog();
  private static final int COMPLEX_PARSE_MAX_NESTING = 6;
  private static final String TIME_BUDGET =
      "statement refused: the statement could not be parsed within the time budget";

  private final String defaultSchema;
  private final int maxLength;
  private final int maxNesting;
  private final long parseTimeoutMillis;
  private final int maxCachedLength;
  private final @Nullable Map<Key, Object> cache;

  /** A validator resolving unqualified tables to {@code public}, with the default limits. */
  public PostgresQueryValidator() {
    this(builder().checked());
  }

  /** A validator resolving unqualified tables to {@code defaultSchema}, default limits. */
  public PostgresQueryValidator(String defaultSchema) {
    this(builder().defaultSchema(defaultSchema).checked());
  }

  private PostgresQueryValidator(Builder b) {
    // an unquoted identifier to PostgreSQL: ASCII letters fold, nothing else does
    this.defaultSchema = ai.causeflow.dbaccess.postgres.internal.PgIdentifiers.foldAscii(
        b.defaultSchema);
    this.maxLength = b.maxLength;
    this.maxNesting = b.maxNesting;
    this.parseTimeoutMillis = b.parseTimeout.toMillis();
    this.maxCachedLength = b.maxCachedLength;
    int size = b.cacheSize;
    this.cache = size <= 0 ? null : new LinkedHashMap<>(Math.min(size, 1024) * 2, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
        return size() > size;
      }
    };
  }

  /** Builder with the defaults: schema {@code public}, 1024 cached results, 2 s parse budget. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema unqualified table names resolve to. */
  public String defaultSchema() {
    return defaultSchema;
  }

  /**
   * Validates one statement against {@code policy}.
   *
   * @throws DbAccessException {@link ErrorCode#QUERY_BLOCKED}, {@link ErrorCode#TABLE_NOT_ALLOWED}
   *     or {@link ErrorCode#COLUMN_NOT_ALLOWED}, naming the rule and the offending construct
   */
  public ValidatedQuery validate(String sql, Policy policy) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(policy, "policy");
    Key key = null;
    if (cache != null && sql.length() <= maxCachedLength) {
      key = new Key(sql, policy);
      Object hit;
      synchronized (cache) {
        hit = cache.get(key);
      }
      if (hit != null) {
        if (hit instanceof ValidatedQuery q) {
          return q;
        }
        Refusal r = (Refusal) hit;
        throw new DbAccessException(r.code, r.message);
      }
    }
    Object result;
    try {
      result = validateUncached(sql, policy);
    } catch (DbAccessException e) {
      if (!e.code().isPolicyRefusal() || e.getMessage().equals(TIME_BUDGET)) {
        throw e; // not cached: internal failures and timeouts may not recur (load, a fix)
      }
      result = new Refusal(e.code(), e.getMessage());
    }
    Map<Key, Object> c = cache;
    if (key != null && c != null) {
      synchronized (c) {
        c.put(key, result);
      }
    }
    if (result instanceof Refusal r) {
      throw new DbAccessException(r.code, r.message);
    }
    return (ValidatedQuery) result;
  }

  /** Number of cached results (for tests and metrics). */
  public int cachedResults() {
    if (cache == null) {
      return 0;
    }
    synchronized (cache) {
      return cache.size();
    }
  }

  private ValidatedQuery validateUncached(String sql, Policy policy) {
    if (sql.length() > maxLength) {
      throw blocked("statement longer than " + maxLength + " characters");
    }
    List<Token> toks = PgLexer.singleStatementTokens(sql);
    for (Token t : toks) {
      if (t.kind() == Kind.UNICODE_IDENT) {
        throw blocked("Unicode-escaped identifiers (U&\"...\") are not accepted");
      }
      if (t.kind() == Kind.BRACE) {
        throw blocked("JDBC escape syntax ('{' or '}' outside quotes) is not accepted");
      }
      if (t.kind() == Kind.NUMBER && !NUMBER.matcher(t.text(sql)).matches()) {
        throw blocked("malformed numeric literal (letters glued to a number)");
      }
      if (t.kind() == Kind.OTHER && sql.charAt(t.start()) == '`') {
        throw blocked("backquotes are not PostgreSQL syntax");
      }
      if (t.kind() == Kind.OTHER && sql.charAt(t.start()) == '/' && t.end() < sql.length()
          && sql.charAt(t.end()) == '/') {
        // JSqlParser takes "//" for a comment; PostgreSQL for an operator
        throw blocked("'//' is not accepted (the parser would read it as a comment)");
      }
    }
    checkLeadingKeyword(sql, toks);
    int nesting = PgLexer.maxNesting(toks, sql);
    if (nesting > maxNesting) {
      throw blocked("statement nested deeper than " + maxNesting + " parentheses");
    }
    // The statement ends at its last significant token: a trailing "-- comment" would swallow
    // whatever an executor appends or wraps around the text.
    int first = 0;
    while (toks.get(first).kind() == Kind.WHITESPACE) {
      first++;
    }
    int last = toks.size() - 1;
    while (toks.get(last).kind() == Kind.WHITESPACE || toks.get(last).kind() == Kind.COMMENT) {
      last--;
    }
    int offset = toks.get(first).start();
    String single = sql.substring(offset, toks.get(last).end());
    List<Token> singleToks = shift(toks.subList(first, last + 1), offset);
    JdbcStatement jdbc = PgLexer.toJdbc(single, singleToks);
    PgjdbcCheck.requireSameView(jdbc);

    String parserText = parserText(sql, toks);
    Statements parsed = parse(parserText, nesting);
    if (parsed.size() != 1) {
      throw blocked("the parser found " + parsed.size() + " statements; exactly one is accepted");
    }
    requireNothingDropped(parserText, parsed.get(0));
    AstChecker checker = new AstChecker(policy, defaultSchema);
    checker.stringsApproximate(hasApproximateString(sql, toks));
    try {
      checker.check(parsed.get(0));
    } catch (StackOverflowError e) {
      throw blocked("statement nested too deeply");
    } catch (DbAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      // e.g. InaccessibleObjectException when JSqlParser runs as a named module without
      // "--add-opens net.sf.jsqlparser/...=ALL-UNNAMED": fail closed, never guess
      throw new DbAccessException(ErrorCode.INTERNAL, "the validator could not inspect the parsed"
          + " statement (" + e.getClass().getSimpleName() + "); nothing was executed", null, e);
    }
    return new ValidatedQuery(single, checker.tables(), checker.functions(), jdbc,
        checker.columns(), PgLexer.redactLiterals(single));
  }

  /**
   * JSqlParser can accept text and silently leave part of it out of the tree (5.3 drops
   * {@code -> setval('s', 1)::int} after a parenthesised JSON expression), and a walk of the tree
   * cannot check what is not in it. Every identifier and keyword of the text must therefore
   * appear in the parser's own rendering of the tree at least as often as in the input.
   */
  private static void requireNothingDropped(String parserText, Statement statement) {
    Map<String, Integer> rendered;
    try {
      rendered = words(statement.toString());
    } catch (StackOverflowError e) {
      throw blocked("statement nested too deeply");
    } catch (RuntimeException e) {
      throw blocked("the parsed statement could not be cross-checked");
    }
    for (Map.Entry<String, Integer> w : words(parserText).entrySet()) {
      if (rendered.getOrDefault(w.getKey(), 0) < w.getValue()) {
        throw blocked("part of the statement was not understood by the parser"
            + (WORD.matcher(w.getKey()).matches() ? " (near '" + w.getKey() + "')" : ""));
      }
    }
  }

  /** Identifiers and keywords of {@code text} (unquoted, lower-case) with their counts. */
  private static Map<String, Integer> words(String text) {
    Map<String, Integer> out = new java.util.HashMap<>();
    for (Token t : PgLexer.tokens(text)) {
      if (t.kind() == Kind.WORD) {
        String w = t.text(text).toLowerCase(Locale.ROOT);
        if (!w.equals("all")) { // the rendering drops the noise word of SELECT ALL
          out.merge(w, 1, Integer::sum);
        }
      } else if (t.kind() == Kind.QUOTED_IDENT) {
        String q = t.text(text);
        out.merge(q.substring(1, q.length() - 1).replace("\"\"", "\"").toLowerCase(Locale.ROOT), 1,
            Integer::sum);
      }
    }
    return out;
  }

  /**
   * A plain query starts with SELECT, WITH, VALUES, TABLE or a parenthesis. Anything else is
   * refused here with a clear message, before the parser is even asked.
   */
  private static void checkLeadingKeyword(String sql, List<Token> toks) {
    for (Token t : toks) {
      if (t.kind() == Kind.WHITESPACE || t.kind() == Kind.COMMENT) {
        continue;
      }
      if (t.kind() == Kind.OTHER && sql.charAt(t.start()) == '(') {
        return;
      }
      String word = t.kind() == Kind.WORD ? t.text(sql).toLowerCase(Locale.ROOT) : "";
      switch (word) {
        case "select", "with", "values", "table" -> {
          return;
        }
        case "explain" -> throw blocked("EXPLAIN is not accepted as query text; use the explain"
            + " operation, which validates the inner statement and never runs ANALYZE");
        default -> throw blocked("only plain queries (SELECT, VALUES, TABLE, WITH of queries) are"
            + " accepted" + (word.isEmpty() || !WORD.matcher(word).matches() ? ""
            : "; this statement starts with '" + word.toUpperCase(Locale.ROOT) + "'"));
      }
    }
  }

  private static List<Token> shift(List<Token> toks, int offset) {
    if (offset == 0) {
      return toks;
    }
    return toks.stream()
        .map(t -> new Token(t.kind(), t.start() - offset, t.end() - offset))
        .toList();
  }

  /**
   * The text the parser sees: comments become spaces and every string that is not a plain
   * backslash-free {@code '...'} becomes one, so that string boundaries are the lexer's, not the
   * parser's. Identifiers, keywords, operators and placeholders are kept as written.
   */
  static String parserText(String sql, List<Token> toks) {
    StringBuilder out = new StringBuilder(sql.length());
    for (Token t : toks) {
      switch (t.kind()) {
        case WHITESPACE, COMMENT -> out.append(' ');
        case STRING -> {
          int bs = sql.indexOf('\\', t.start());
          if (sql.charAt(t.start()) == '\'' && (bs < 0 || bs >= t.end())) {
            out.append(sql, t.start(), t.end());
          } else {
            plain(out, sql, t);
          }
        }
        case ESCAPE_STRING, UNICODE_STRING, DOLLAR_STRING -> plain(out, sql, t);
        default -> {
          // PostgreSQL ends an identifier or number at any operator character; JSqlParser
          // reads some of them (# @ :) as part of an identifier, so "x#setval(...)" would hide
          // the call from the deny list. Space them apart where the lexer saw a boundary.
          if (out.length() > 0 && needsSpace(out.charAt(out.length() - 1), sql.charAt(t.start()),
              t.kind())) {
            out.append(' ');
          }
          out.append(sql, t.start(), t.end());
        }
      }
    }
    return out.toString();
  }

  /** Whether some string reaches the parser only approximately (see {@link #parserText}). */
  private static boolean hasApproximateString(String sql, List<Token> toks) {
    for (Token t : toks) {
      switch (t.kind()) {
        case STRING -> {
          int bs = sql.indexOf('\\', t.start());
          if (sql.charAt(t.start()) != '\'' || (bs >= 0 && bs < t.end())) {
            return true;
          }
        }
        case ESCAPE_STRING, UNICODE_STRING, DOLLAR_STRING -> {
          return true;
        }
        default -> { }
      }
    }
    return false;
  }

  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?:";

  private static boolean needsSpace(char before, char first, Kind kind) {
    boolean wordish = kind == Kind.WORD || kind == Kind.NUMBER || kind == Kind.PARAM
        || kind == Kind.QUOTED_IDENT;
    if (wordish) {
      return OPERATOR_CHARS.indexOf(before) >= 0;
    }
    boolean beforeWordish = Character.isLetterOrDigit(before) || before == '_' || before == '$'
        || before == '"' || before >= 0x80;
    return beforeWordish && OPERATOR_CHARS.indexOf(first) >= 0;
  }

  /** Appends a plain string literal with the token's characters minus quotes and backslashes. */
  private static void plain(StringBuilder out, String sql, Token t) {
    out.append(' ').append('\'');
    for (int i = t.start(); i < t.end(); i++) {
      char c = sql.charAt(i);
      if (c != '\'' && c != '\\' && c != '$') {
        out.append(c);
      }
    }
    out.append('\'');
  }

  /**
   * JSqlParser's fast mode first; its "complex parsing" mode (needed for e.g.
   * {@code substring(x FROM 1 FOR 2)} or named arguments) only for shallow statements, because
   * that mode is exponential in parenthesis depth (measured on 5.3: 2.6 s at depth 10, 17 s at 12).
   */
  private Statements parse(String text, int nesting) {
    try {
      return parseOnce(text, false);
    } catch (DbAccessException first) {
      if (first.getMessage().equals(TIME_BUDGET) || nesting > COMPLEX_PARSE_MAX_NESTING) {
        throw first;
      }
      return parseOnce(text, true);
    }
  }

  private Statements parseOnce(String text, boolean complex) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(text).withAllowComplexParsing(complex);
    ScheduledFuture<?> timer = WATCHDOG.schedule(() -> {
      parser.interrupted = true;
    }, parseTimeoutMillis, TimeUnit.MILLISECONDS);
    try {
      return parser.Statements();
    } catch (ParseException e) {
      if (parser.interrupted) {
        throw new DbAccessException(ErrorCode.QUERY_BLOCKED, TIME_BUDGET);
      }
      throw invalid("the statement is not understood" + near(e) + "; only plain PostgreSQL"
          + " queries the validator can parse are accepted");
    } catch (StackOverflowError e) {
      throw blocked("statement nested too deeply");
    } catch (RuntimeException | Error e) {
      // TokenMgrException (lexical errors) and parser bugs: refused without repeating any text
      if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
        throw (Error) e;
      }
      if (parser.interrupted) {
        throw new DbAccessException(ErrorCode.QUERY_BLOCKED, TIME_BUDGET);
      }
      throw invalid("the statement is not understood (lexical error); only plain PostgreSQL"
          + " queries the validator can parse are accepted");
    } finally {
      timer.cancel(false);
    }
  }

  /**
   * " near 'X'" when the offending token is a word (a keyword or identifier). Literals, symbols
   * and positions are never quoted: a position's digits could coincide with a literal value.
   */
  private static String near(ParseException e) {
    net.sf.jsqlparser.parser.Token t = e.currentToken == null ? null : e.currentToken.next;
    if (t == null || t.image == null || !WORD.matcher(t.image).matches()) {
      return "";
    }
    return " near '" + t.image + "'";
  }

  /** The statement does not parse: {@link ErrorCode#QUERY_INVALID}, the caller must fix it. */
  private static DbAccessException invalid(String why) {
    return new DbAccessException(ErrorCode.QUERY_INVALID, "statement does not parse: " + why);
  }

  private static DbAccessException blocked(String why) {
    return new DbAccessException(ErrorCode.QUERY_BLOCKED, "statement refused: " + why);
  }

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "causeflow-pg-parse-watchdog");
      t.setDaemon(true);
      return t;
    });
    ex.setRemoveOnCancelPolicy(true);
    return ex;
  }

  private record Key(String sql, Policy policy) {}

  private record Refusal(ErrorCode code, String message) {}

  /** Builder for {@link PostgresQueryValidator}; not thread-safe. */
  public static final class Builder {
    private String defaultSchema = "public";
    private int cacheSize = 1024;
    private int maxLength = 100_000;
    private int maxNesting = 100;
    private int maxCachedLength = 16 * 1024;
    private Duration parseTimeout = Duration.ofSeconds(2);

    private Builder() {}

    /** Schema unqualified table names resolve to (the search path's first schema). */
    public Builder defaultSchema(String v) {
      this.defaultSchema = Objects.requireNonNull(v);
      return this;
    }

    /** Entries in the result cache; 0 disables it. */
    public Builder cacheSize(int v) {
      this.cacheSize = v;
      return this;
    }

    /** Longest statement accepted at all, in characters. */
    public Builder maxLength(int v) {
      this.maxLength = v;
      return this;
    }

    /** Deepest parenthesis/bracket nesting accepted (deep input can exhaust the parser's stack). */
    public Builder maxNesting(int v) {
      this.maxNesting = v;
      return this;
    }

    /** Longest statement whose result is cached. */
    public Builder maxCachedLength(int v) {
      this.maxCachedLength = v;
      return this;
    }

    /** Time budget for parsing one statement. */
    public Builder parseTimeout(Duration v) {
      this.parseTimeout = Objects.requireNonNull(v);
      return this;
    }

    /** @throws DbAccessException with {@link ErrorCode#CONFIG_INVALID} naming the bad value */
    public PostgresQueryValidator build() {
      return new PostgresQueryValidator(checked());
    }

    private Builder checked() {
      if (defaultSchema.isBlank()) {
        throw invalid("defaultSchema: must not be blank");
      }
      if (cacheSize < 0 || maxLength < 1 || maxNesting < 1 || maxCachedLength < 0) {
        throw invalid("cacheSize and maxCachedLength must be >= 0, maxLength and maxNesting >= 1");
      }
      if (parseTimeout.isNegative() || parseTimeout.isZero()) {
        throw invalid("parseTimeout: must be positive");
      }
      return this;
    }

    private static DbAccessException invalid(String message) {
      return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
    }
  }
}
