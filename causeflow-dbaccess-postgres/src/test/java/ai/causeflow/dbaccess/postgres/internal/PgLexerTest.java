package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.postgres.JdbcStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgLexerTest {

  // --- one statement, with a ';' (and attack text) hidden inside every quoting/comment form ---

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'a; DROP TABLE victim'",
      "SELECT 'it''s; DROP TABLE victim'",
      "SELECT E'a\\'; DROP TABLE victim'",
      "SELECT E'a\\\\'' ; DROP TABLE victim'",
      "SELECT e'x''; DROP TABLE victim'",
      "SELECT U&'d\\0061t; DROP TABLE victim'",
      "SELECT N'x; DROP TABLE victim'",
      "SELECT B'1010', X'1F; DROP TABLE victim'",
      "SELECT \"weird;col\" FROM t",
      "SELECT \"a\"\";DROP TABLE victim\" FROM t",
      "SELECT $$; DROP TABLE victim$$",
      "SELECT $q$it's; DROP TABLE victim$q$",
      "SELECT $q$ $x$; DROP TABLE victim $q$",
      "SELECT $a$ $ab$ ; $a$",
      "SELECT 1 -- ; DROP TABLE victim",
      "SELECT 1 -- x ; DROP TABLE victim\r",
      "SELECT 1 /* ; DROP TABLE victim */",
      "SELECT 1 /* /* nested ; */ still ; comment */",
      "SELECT 1 /* a -- b ; */",
      "SELECT 1 -- /* \n",
      "SELECT 1;",
      "SELECT 1 ;  -- trailing comment",
      "SELECT 1; /* trailing */ ",
  })
  void singleStatements(String sql) {
    assertThat(PgLexer.splitStatements(sql)).hasSize(1);
    assertThat(PgLexer.singleStatementTokens(sql)).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1; DROP TABLE victim",
      "SELECT 1;DROP TABLE victim;",
      "SELECT 'a'; DROP TABLE victim",
      "SELECT 'it''s'; DROP TABLE victim",
      "SELECT E'a\\''; DROP TABLE victim",
      "SELECT U&'x'; DROP TABLE victim",
      "SELECT \"x\"; DROP TABLE victim",
      "SELECT $$x$$; DROP TABLE victim",
      "SELECT $q$it's$q$; DROP TABLE victim",
      "SELECT 1 /* c */; DROP TABLE victim",
      "SELECT 1 /* /* */ */; DROP TABLE victim",
      "SELECT 1 -- c\n; DROP TABLE victim",
      "SELECT 1 -- c\r; DROP TABLE victim",
      "COMMIT; DROP TABLE victim",
      "SELECT x$a$ ; DROP TABLE victim; -- $a$",
      "SELECT 1;;",
      "; SELECT 1",
  })
  void stackedStatementsAreRefused(String sql) {
    assertThatThrownBy(() -> PgLexer.singleStatementTokens(sql))
        .isInstanceOf(DbAccessException.class)
        .satisfies(e -> assertThat(((DbAccessException) e).code()).isEqualTo(ErrorCode.QUERY_BLOCKED))
        .hasMessageContaining("statement")
        .hasMessageNotContaining("victim");
  }

  @Test
  void splitFindsEveryStatement() {
    assertThat(PgLexer.splitStatements("SELECT 1; SELECT ';'; /* c */ ; SELECT $$;$$"))
        .containsExactly("SELECT 1", "SELECT ';'", "SELECT $$;$$");
    assertThat(PgLexer.splitStatements("  -- only a comment\n")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'unterminated",
      "SELECT E'unterminated\\'",
      "SELECT \"unterminated",
      "SELECT $$unterminated",
      "SELECT $q$unterminated$Q$",
      "SELECT 1 /* unterminated",
      "SELECT 1 /* /* nested */ unterminated",
      "SELECT U&'unterminated",
      "",
      "   ",
      "-- nothing",
  })
  void unterminatedOrEmptyIsRefused(String sql) {
    assertThatThrownBy(() -> PgLexer.singleStatementTokens(sql))
        .isInstanceOf(DbAccessException.class)
        .hasMessageNotContaining("unterminated'")
        .satisfies(e -> assertThat(((DbAccessException) e).code()).isEqualTo(
            sql.isBlank() || sql.startsWith("--") ? ErrorCode.QUERY_BLOCKED
                : ErrorCode.QUERY_INVALID));
  }

  @Test
  void dollarInsideIdentifierDoesNotOpenAQuote() {
    // PostgreSQL lexes x$a$ as one identifier, so the ';' is a real separator
    assertThat(PgLexer.splitStatements("SELECT x$a$ ; SELECT 2 AS y$a$")).hasSize(2);
    List<PgLexer.Token> toks = PgLexer.tokens("SELECT a$b FROM t");
    assertThat(toks).extracting(PgLexer.Token::kind).doesNotContain(PgLexer.Kind.DOLLAR_STRING);
  }

  @Test
  void dollarTagMayNotStartWithDigitAndDollarAfterNumberIsRefused() {
    assertThat(PgLexer.tokens("SELECT $1").get(2).kind()).isEqualTo(PgLexer.Kind.PARAM);
    assertThatThrownBy(() -> PgLexer.tokens("SELECT 1$a$ ; DROP TABLE victim $a$"))
        .isInstanceOf(DbAccessException.class);
    assertThatThrownBy(() -> PgLexer.tokens("SELECT $1$a$;$a$"))
        .isInstanceOf(DbAccessException.class);
  }

  @Test
  void dollarTagsAreCaseSensitive() {
    assertThat(PgLexer.splitStatements("SELECT $A$ ; $a$ ; $A$")).hasSize(1);
  }

  @Test
  void backslashAmbiguityBetweenStandardConformingStringsSettingsIsRefused() {
    // SCS on: one string 'x\'' ... ' ; SCS off: 'x\'' ends early and DROP is a second statement
    String attack = "SELECT 'x\\'' ; DROP TABLE victim; -- '";
    assertThat(PgLexer.lex(attack, true).stream()
        .filter(t -> t.kind() == PgLexer.Kind.SEMICOLON)).isEmpty();
    assertThat(PgLexer.lex(attack, false).stream()
        .filter(t -> t.kind() == PgLexer.Kind.SEMICOLON)).isNotEmpty();
    assertThatThrownBy(() -> PgLexer.tokens(attack))
        .isInstanceOf(DbAccessException.class)
        .hasMessageContaining("standard_conforming_strings")
        .hasMessageNotContaining("victim");
    // a backslash that means the same under both settings is fine
    assertThat(PgLexer.splitStatements("SELECT 'C:\\temp' AS p")).hasSize(1);
    assertThat(PgLexer.splitStatements("SELECT E'it\\'s'")).hasSize(1);
  }

  // --- redaction ---

  @Test
  void redactsEveryLiteralFormAndComments() {
    String sql = "SELECT a, 'secret', E'sec\\'ret', U&'s\\0065cret', $t$secret$t$, $$x$$, 42, 3.14,"
        + " 1e-5, 0xFF, B'101', X'FF', N'nat' /* secret comment */ -- secret\n"
        + "  FROM \"Users\" WHERE id = $1 AND note = 'x'";
    String r = PgLexer.redactLiterals(sql);
    assertThat(r).doesNotContain("secret", "sec", "42", "3.14", "0xFF", "101", "nat", "1e");
    assertThat(r).isEqualTo("SELECT a, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM \"Users\" WHERE id = $1"
        + " AND note = ?");
  }

  @Test
  void redactionOfUnlexableTextLeaksNothing() {
    assertThat(PgLexer.redactLiterals("SELECT 'secret")).doesNotContain("secret");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // written by a session with standard_conforming_strings = off; read with it on, the first
      // string ends at the backslash-escaped quote and the address falls outside any string
      "UPDATE users SET note = 'it\\'s' WHERE email = 'alice@corp.com' AND x = 'y\\''",
      "SELECT 'x\\'' , 'alice@corp.com' , 'x\\''",
      "SELECT 'x\\'' , 'alice@corp.com' /* ' */",
      "SELECT 'x\\'' , 'alice@corp.com' , 'x\\'' -- '",
  })
  void redactionDoesNotDependOnStandardConformingStrings(String sql) {
    // activity/locks show other sessions' text, whose setting is unknown
    assertThat(PgLexer.redactLiterals(sql)).doesNotContain("alice", "corp");
  }

  @Test
  void backslashesThatBothReadingsAgreeOnKeepTheShape() {
    assertThat(PgLexer.redactLiterals("SELECT E'a\\'b', 'C:\\temp' FROM t WHERE id = 1"))
        .isEqualTo("SELECT ?, ? FROM t WHERE id = ?");
  }

  @Test
  void identifiersWithDigitsAreNotRedacted() {
    assertThat(PgLexer.redactLiterals("SELECT col1, t2.x3 FROM t2")).isEqualTo(
        "SELECT col1, t2.x3 FROM t2");
  }

  // --- toJdbc ---

  @Test
  void placeholdersBecomeJdbcMarkersInOrderWithRepeats() {
    JdbcStatement j = PgLexer.toJdbc("SELECT * FROM t WHERE a = $2 OR b = $1 OR c = $2");
    assertThat(j.sql()).isEqualTo("SELECT * FROM t WHERE a = ? OR b = ? OR c = ?");
    assertThat(j.parameterIndexes()).containsExactly(2, 1, 2);
    assertThat(j.maxParameter()).isEqualTo(2);
    assertThat(j.markerCount()).isEqualTo(3);
    assertThat(j.parameterFor(2)).isEqualTo(1);
  }

  @Test
  void jsonQuestionOperatorsAreEscapedForPgjdbc() {
    JdbcStatement j = PgLexer.toJdbc(
        "SELECT d ? 'k', d ?| array['a'], d ?& array['b'] FROM t WHERE id = $1");
    assertThat(j.sql()).isEqualTo(
        "SELECT d ?? 'k', d ??| array['a'], d ??& array['b'] FROM t WHERE id = ?");
    assertThat(j.parameterIndexes()).containsExactly(1);
  }

  @Test
  void placeholdersAndQuestionMarksInsideQuotesAndCommentsAreLeftAlone() {
    String sql = "SELECT '$1 ?', E'$2 ?', $$ $3 ? $$, \"col$1?\", x /* $4 ? */ -- $5 ?\n FROM t";
    JdbcStatement j = PgLexer.toJdbc(sql);
    assertThat(j.sql()).isEqualTo(sql);
    assertThat(j.parameterIndexes()).isEmpty();
    assertThat(j.maxParameter()).isZero();
  }

  @Test
  void dollarInsideIdentifierIsNotAPlaceholder() {
    JdbcStatement j = PgLexer.toJdbc("SELECT a$1 FROM t WHERE b = $1");
    assertThat(j.sql()).isEqualTo("SELECT a$1 FROM t WHERE b = ?");
    assertThat(j.parameterIndexes()).containsExactly(1);
  }

  @Test
  void badPlaceholdersAndJdbcEscapesAreRefused() {
    assertThatThrownBy(() -> PgLexer.toJdbc("SELECT $0")).isInstanceOf(DbAccessException.class);
    assertThatThrownBy(() -> PgLexer.toJdbc("SELECT $99999999999")).isInstanceOf(DbAccessException.class);
    assertThatThrownBy(() -> PgLexer.toJdbc("SELECT $1abc")).isInstanceOf(DbAccessException.class);
    assertThatThrownBy(() -> PgLexer.toJdbc("SELECT {fn user()}"))
        .isInstanceOf(DbAccessException.class).hasMessageContaining("JDBC escape");
  }

  @Test
  void nestingDepthIgnoresParenthesesInQuotes() {
    String sql = "SELECT ((1)), '((((((('";
    assertThat(PgLexer.maxNesting(PgLexer.tokens(sql), sql)).isEqualTo(2);
  }

  @Test
  void requireSingleStatementDropsTrailingSemicolon() {
    assertThat(PgLexer.requireSingleStatement("  SELECT 1 ; -- done\n")).isEqualTo("SELECT 1");
    assertThat(PgLexer.requireSingleStatement("/* a */ SELECT 1 -- b\n;")).isEqualTo("/* a */ SELECT 1");
  }
}
