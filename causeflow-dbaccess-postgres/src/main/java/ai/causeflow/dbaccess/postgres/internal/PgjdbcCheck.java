package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.postgres.JdbcStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * Asks pgjdbc's own SQL parser — the component that splits {@code ;}-separated text and finds
 * {@code ?} markers before anything is sent — how it reads a statement, and refuses the statement
 * unless it agrees with {@link PgLexer}: exactly one statement, as many bind markers as
 * {@link PgLexer#toJdbc} produced. pgjdbc's lexer is an approximation of PostgreSQL's (for
 * example it does not take {@code E'...'} directly after a closing quote for an escape string),
 * so texts exist on which the two disagree; a randomized differential test finds them. Checked
 * for both values of {@code standard_conforming_strings}, which pgjdbc takes from the server.
 *
 * <p>Thread-safety: stateless.
 */
public final class PgjdbcCheck {
  private PgjdbcCheck() {}

  /** Throws {@link ErrorCode#QUERY_BLOCKED} unless pgjdbc sees what the lexer saw. */
  public static void requireSameView(JdbcStatement jdbc) {
    for (boolean standardConformingStrings : new boolean[] {true, false}) {
      List<NativeQuery> queries;
      try {
        queries = Parser.parseJdbcSql(jdbc.sql(), standardConformingStrings, true, true, false,
            false);
      } catch (SQLException e) {
        throw PgLexer.blocked("the JDBC driver cannot parse the statement");
      }
      int statements = 0;
      int binds = 0;
      for (NativeQuery q : queries) {
        if (!q.nativeSql.isBlank()) {
          statements++;
        }
        binds += q.bindPositions.length;
      }
      if (statements != 1 || binds != jdbc.markerCount()) {
        throw PgLexer.blocked("the JDBC driver would read the statement's quotes or comments"
            + " differently (" + statements + " statement(s), " + binds + " parameter marker(s))");
      }
    }
  }
}
