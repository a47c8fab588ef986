package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.postgres.JdbcStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * Differential test against the component that actually splits statements: pgjdbc's own SQL
 * parser. Random texts are assembled (seeded, reproducible) from the fragments that make lexers
 * disagree — every quote form, dollar tags, nested and line comments, backslashes, semicolons,
 * placeholders and question marks. Whenever {@link PgLexer} accepts a text as one statement, pgjdbc
 * must see exactly one statement in its JDBC form, with as many bind positions as
 * {@link PgLexer#toJdbc} produced markers, or {@link PgjdbcCheck} must refuse the text (it
 * does: pgjdbc really disagrees on some texts, e.g. {@code E'...'} right after a closing quote).
 */
class PgLexerDifferentialTest {
  private static final String[] FRAGMENTS = {
      "SELECT ", "1", " ", "\n", "\r", "\t", ";", ";", "'", "''", "'a;b'", "E'", "e'", "\\", "\\'",
      "\\\\", "U&'", "\"", "\"\"", "\"x;\"", "$$", "$a$", "$A$", "$ab$", "$1", "$2", "$", "x$",
      "a$b$", "--", "-- c;\n", "/*", "*/", "/* ; */", "/* /* ; */ */", "?", "?|", "?&", "??",
      "->>", "::", "(", ")", "x", "N'", "B'", "X'", "0x1F", "1.5e-3", "{", "#", "//", "-", "*",
      "/", ",", "'x'", "E'\\''", "$q$it's;$q$", "$_$", "$1a", "1$",
  };

  @Test
  void pgjdbcNeverSeesMoreThanTheOneStatementThatPgLexerAccepted() throws SQLException {
    Random random = new Random(20_261_129L);
    int accepted = 0;
    int disagreements = 0;
    List<String> missed = new ArrayList<>();
    List<String> falseRefusals = new ArrayList<>();
    for (int n = 0; n < 30_000; n++) {
      StringBuilder sb = new StringBuilder("SELECT ");
      int parts = 1 + random.nextInt(12);
      for (int i = 0; i < parts; i++) {
        sb.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
      }
      String sql = sb.toString();
      JdbcStatement jdbc;
      try {
        jdbc = PgLexer.toJdbc(PgLexer.requireSingleStatement(sql)); // what the validator hands on
      } catch (DbAccessException refused) {
        continue;
      }
      accepted++;
      List<NativeQuery> queries;
      try {
        queries = Parser.parseJdbcSql(jdbc.sql(), true, true, true, false, false);
      } catch (SQLException e) {
        continue; // pgjdbc refuses to parse it: nothing is sent
      }
      long nonEmpty = queries.stream().filter(q -> !q.nativeSql.isBlank()).count();
      int binds = queries.stream().mapToInt(q -> q.bindPositions.length).sum();
      boolean agree = nonEmpty == 1 && binds == jdbc.markerCount();
      boolean guardRefuses;
      try {
        PgjdbcCheck.requireSameView(jdbc);
        guardRefuses = false;
      } catch (DbAccessException e) {
        guardRefuses = true;
      }
      if (!agree) {
        disagreements++;
        if (!guardRefuses) {
          missed.add(sql.replace("\n", "\\n").replace("\r", "\\r") + "  => pgjdbc "
              + nonEmpty + " statements, " + binds + " binds; ours " + jdbc.markerCount());
        }
      } else if (guardRefuses && sql.indexOf('\\') < 0) {
        // without backslashes both standard_conforming_strings settings read alike
        falseRefusals.add(sql);
      }
    }
    assertThat(accepted).as("enough texts were accepted to mean something").isGreaterThan(3_000);
    // pgjdbc's lexer does disagree with PostgreSQL's on some texts (see PgjdbcCheck): every such
    // text must be refused by the guard, and agreeing texts must pass it
    System.out.println("pgjdbc disagreed on " + disagreements + " of " + accepted
        + " texts the lexer accepted; all refused by PgjdbcCheck");
    assertThat(missed).isEmpty();
    assertThat(falseRefusals).isEmpty();
  }
}
