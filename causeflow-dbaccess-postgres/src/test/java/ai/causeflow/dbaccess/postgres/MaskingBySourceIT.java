package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.Strategy;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A masking column rule ({@code public.people.ssn}) follows the source column: an alias, an
 * expression, an aggregate, a JSON or row wrapper, a subquery or CTE around it returns the value
 * masked, not in clear. The value below matches no content detector on purpose: only the column
 * rule can mask it.
 */
class MaskingBySourceIT {
  static final String SSN = "zq-77123-mask";
  static final String NAME = "plainname-5512";
  static TestDatabase db;
  static PostgresReadOnlyDataSource ds;
  static PostgresReadOnlyDataSource withRules;
  static final AuditSink.InMemory audit = new AuditSink.InMemory();

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("masksource");
    db.execute("CREATE TABLE people (id int, name text, ssn text,"
            + " ssn_upper text GENERATED ALWAYS AS (upper(ssn)) STORED)",
        "INSERT INTO people (id, name, ssn) VALUES (1, '" + NAME + "', '" + SSN + "')",
        "CREATE TABLE orders (id int, person_id int)",
        "INSERT INTO orders VALUES (10, 1)",
        "CREATE VIEW people_v AS SELECT id, ssn AS code FROM people");
    ds = PostgresReadOnlyDataSource.create(db.dataSource(), DataSourceSettings.builder("mask")
        .policy(Policy.defaults())
        .masking(Masking.builder().columnRule("public.people.ssn", Strategy.REDACT).build())
        .auditSink(audit).build());
    withRules = PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder("maskrules")
        .policy(Policy.builder().blockedTables(List.of("public.nothing_here")).build())
        .masking(Masking.builder().columnRule("public.people.ssn", Strategy.REDACT).build())
        .auditSink(audit).build());
  }

  @AfterAll
  static void tearDown() {
    ds.close();
    withRules.close();
  }

  static String rows(String sql) {
    QueryResult r = ds.execute(QueryRequest.builder(Operation.QUERY).statement(sql).build());
    return String.valueOf(r.rows());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT ssn FROM people",
      "SELECT ssn AS x FROM people",
      "SELECT p.ssn AS name FROM people p",
      "SELECT upper(ssn) FROM people",
      "SELECT lower(ssn) AS id FROM people",
      "SELECT ssn || '' AS x FROM people",
      "SELECT substr(ssn, 1, 20) FROM people",
      "SELECT string_agg(ssn, ',') FROM people",
      "SELECT array_agg(ssn) FROM people",
      "SELECT max(ssn) FROM people",
      "SELECT json_build_object('a', ssn) FROM people",
      "SELECT jsonb_build_object('a', p.ssn) AS j FROM people p",
      "SELECT row(ssn) FROM people",
      "SELECT row(id, ssn)::text FROM people",
      "SELECT to_jsonb(p) FROM people p",
      "SELECT to_json(p.*) FROM people p",
      "SELECT row_to_json(p) FROM people p",
      "SELECT p FROM people p",
      "SELECT p::text FROM people p",
      "SELECT x FROM (SELECT ssn AS x FROM people) s",
      "SELECT x FROM (SELECT upper(ssn) AS x FROM people OFFSET 0) s",
      "WITH c AS (SELECT ssn AS x FROM people) SELECT x FROM c",
      "WITH c AS MATERIALIZED (SELECT ssn AS x FROM people) SELECT x AS y FROM c",
      "SELECT ssn FROM people UNION ALL SELECT 'a'",
      "SELECT 'a' UNION SELECT ssn FROM people",
      "SELECT (SELECT ssn FROM people LIMIT 1) AS x",
      "SELECT o.id, p.ssn AS x FROM orders o JOIN people p ON p.id = o.person_id",
      "SELECT o.id, upper(p.ssn) AS x FROM orders o JOIN people p ON p.id = o.person_id",
      "SELECT code FROM people_v",
      "SELECT CASE WHEN id = 1 THEN ssn END AS x FROM people",
      "SELECT coalesce(ssn, 'n') AS x FROM people",
      "SELECT format('%s', ssn) AS x FROM people",
      "SELECT concat(p.name, p.ssn) AS x FROM people p",
  })
  void derivedValuesOfARuledColumnAreMasked(String sql) {
    String out = rows(sql);
    assertThat(out).as(sql).doesNotContain("77123").doesNotContainIgnoringCase("zq-");
    for (AuditEvent e : audit.events()) {
      // the fields that can carry data (a random request id or a timestamp could hold the digits)
      assertThat(e.detail() + " " + e.statement()).doesNotContain("77123");
    }
  }

  @Test
  void aGeneratedColumnFollowsItsSourcesWhenTheCatalogIsConsulted() {
    // with table or column rules the plan authority looks up generated columns' sources
    QueryResult r = withRules.execute(QueryRequest.builder(Operation.QUERY)
        .statement("SELECT ssn_upper FROM people").build());
    assertThat(String.valueOf(r.rows())).doesNotContain("77123");
  }

  @Test
  void otherColumnsStayReadable() {
    assertThat(rows("SELECT name AS n, id FROM people")).contains(NAME);
    assertThat(rows("SELECT upper(name) AS x FROM people"))
        .contains(NAME.toUpperCase(java.util.Locale.ROOT));
    assertThat(rows("SELECT o.id, p.name FROM orders o JOIN people p ON p.id = o.person_id"))
        .contains(NAME);
  }
}
