package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator's corpora against a real PostgreSQL 17: every legitimate corpus entry is real
 * PostgreSQL (the server PREPAREs it), every accepted entry runs through pgjdbc in the form
 * {@link ValidatedQuery#jdbc()} gives (placeholders and {@code ?} operators rewritten), and pgjdbc
 * really does run every part of a {@code ;}-separated prepared statement, which is why the lexer
 * refuses more than one statement.
 */
class ValidatorCorpusIT {
  /** A database on the one shared server of this test JVM. */
  private static TestDatabase db;

  @BeforeAll
  static void start() throws Exception {
    db = EmbeddedPostgresServer.shared().createDatabase("corpus");
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(resource("legit-schema.sql"));
    }
  }

  @Test
  void everyLegitimateCorpusEntryIsRealPostgresql() throws SQLException {
    List<String> failures = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = '5s'");
      for (String sql : Corpora.legitQueries()) {
        String body = sql.strip();
        if (body.endsWith(";")) {
          body = body.substring(0, body.length() - 1);
        }
        try {
          s.execute("PREPARE corpus_entry AS " + body);
          s.execute("DEALLOCATE corpus_entry");
        } catch (SQLException e) {
          failures.add(e.getSQLState() + " " + e.getMessage() + "\n   in: " + sql);
        }
      }
    }
    assertThat(failures).as("corpus entries PostgreSQL rejects").isEmpty();
  }

  @Test
  void acceptedEntriesRunThroughPgjdbcInTheirJdbcForm() throws SQLException {
    PostgresQueryValidator validator = new PostgresQueryValidator();
    List<String> failures = new ArrayList<>();
    int ran = 0;
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      for (String sql : Corpora.legitQueries()) {
        ValidatedQuery q;
        try {
          q = validator.validate(sql, CorpusTest.INVESTIGATOR);
        } catch (DbAccessException refused) {
          continue; // counted by CorpusTest's acceptance rate
        }
        try (Statement s = c.createStatement()) {
          s.execute("SET TRANSACTION READ ONLY");
          s.execute("SET LOCAL statement_timeout = '5s'");
        }
        try (PreparedStatement ps = c.prepareStatement(q.jdbc().sql())) {
          for (int i = 1; i <= q.jdbc().markerCount(); i++) {
            ps.setNull(i, Types.OTHER); // untyped: the server infers each $n from its context
          }
          ps.execute();
          ran++;
        } catch (SQLException e) {
          failures.add(e.getSQLState() + " " + e.getMessage() + "\n   in: " + q.jdbc().sql());
        } finally {
          c.rollback();
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(ran).isGreaterThanOrEqualTo(200);
  }

  /**
   * The server's plan as a second authority refuses none of the legitimate entries the validator
   * accepts (no false disagreement), with block rules present so that its catalog lookup runs.
   */
  @Test
  void acceptedEntriesPassTheServersPlan() {
    Policy p = CorpusTest.INVESTIGATOR.toBuilder()
        .blockedTables(List.of("public.no_such_table"))
        .blockedColumns(List.of("public.no_such_table.secret")).build();
    PostgresQueryValidator validator = new PostgresQueryValidator();
    List<String> failures = new ArrayList<>();
    int answered = 0;
    try (PostgresReadOnlyDataSource ds = PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder("corpus").policy(p).build())) {
      for (String sql : Corpora.legitQueries()) {
        ValidatedQuery q;
        try {
          q = validator.validate(sql, p);
        } catch (DbAccessException refused) {
          continue;
        }
        List<@Nullable Object> params = new ArrayList<>();
        for (int i = 0; i < q.jdbc().maxParameter(); i++) {
          params.add(null);
        }
        try {
          ds.execute(QueryRequest.query(sql).parameters(params).build());
          answered++;
        } catch (DbAccessException e) {
          if (e.code().isPolicyRefusal()) {
            failures.add(e.code() + " " + e.getMessage() + "\n   in: " + sql);
          }
        }
      }
    }
    assertThat(failures).as("legitimate entries the server's plan refused").isEmpty();
    assertThat(answered).isGreaterThanOrEqualTo(200);
  }

  @Test
  void pgjdbcRunsEveryPartOfASemicolonSeparatedPreparedStatement() throws SQLException {
    // The driver splits "a; b" and runs both, even in a PreparedStatement: nothing below the
    // validator stops a stacked statement, so the lexer must refuse it.
    try (Connection c = db.dataSource().getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1; CREATE TABLE pgjdbc_split_proof (id int)")) {
        ps.execute();
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT to_regclass('public.pgjdbc_split_proof') IS NOT NULL")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).as("second statement ran").isTrue();
      }
    }
    assertThatThrownBy(() -> new PostgresQueryValidator().validate(
        "SELECT 1; CREATE TABLE pgjdbc_split_proof (id int)", Policy.defaults()))
        .isInstanceOf(DbAccessException.class).hasMessageContaining("more than one statement");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ValidatorCorpusIT.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
