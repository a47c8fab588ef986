package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Views, materialized views, partitioned tables and inheritance parents over blocked tables and
 * columns, on a real PostgreSQL: the names pass the validator, the relations under them must not.
 */
class RelationGuardIT {
  /** Row values that must never appear in a refusal. */
  static final String SECRET = "s3cr3t-value-8812";
  static final String EMAIL = "alice-8812@example.com";

  static TestDatabase db;
  static PostgresReadOnlyDataSource guarded;
  static PostgresReadOnlyDataSource columnGuarded;
  static PostgresReadOnlyDataSource allowListed;
  static PostgresReadOnlyDataSource noRules;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("views");
    db.execute(
        "CREATE TABLE secrets (id int, token text)",
        "INSERT INTO secrets VALUES (1, '" + SECRET + "')",
        "CREATE TABLE users (id int, name text, email text)",
        "INSERT INTO users VALUES (1, 'alice', '" + EMAIL + "')",
        "CREATE TABLE orders (id int, total int)",
        "INSERT INTO orders VALUES (1, 10), (2, 20)",
        "CREATE VIEW secrets_v AS SELECT * FROM secrets",
        "CREATE VIEW secrets_vv AS SELECT id, token FROM secrets_v",
        "CREATE MATERIALIZED VIEW secrets_mv AS SELECT * FROM secrets",
        "CREATE VIEW users_v AS SELECT id, email FROM users",
        "CREATE VIEW users_names AS SELECT id, name FROM users",
        "CREATE VIEW users_filtered AS SELECT id FROM users WHERE email LIKE '%@example.com'",
        "CREATE VIEW orders_v AS SELECT id, total FROM orders",
        "CREATE VIEW orders_vv AS SELECT o.id, o.total FROM orders_v o JOIN orders p USING (id)",
        "CREATE TABLE ev (id int, kind text, payload text) PARTITION BY LIST (kind)",
        "CREATE TABLE ev_public PARTITION OF ev FOR VALUES IN ('public')",
        "CREATE TABLE ev_secret PARTITION OF ev FOR VALUES IN ('secret')",
        "INSERT INTO ev VALUES (1, 'public', 'hello'), (2, 'secret', '" + SECRET + "')",
        "CREATE TABLE logs (id int, line text)",
        "CREATE TABLE logs_private (extra text) INHERITS (logs)",
        "INSERT INTO logs VALUES (1, 'ok')",
        "INSERT INTO logs_private VALUES (2, '" + SECRET + "', 'x')",
        "CREATE VIEW \"Leak\" AS SELECT token FROM secrets",
        "CREATE VIEW ev_summary AS SELECT kind, count(*) AS n FROM ev GROUP BY kind",
        "CREATE VIEW ev_summary_v AS SELECT * FROM ev_summary",
        "CREATE VIEW roles_v AS SELECT rolname, rolpassword FROM pg_catalog.pg_authid",
        "CREATE RULE orders_audit AS ON INSERT TO orders DO ALSO INSERT INTO secrets"
            + " VALUES (NEW.id, 'x')",
        "CREATE SEQUENCE counter",
        "CREATE VIEW counter_v AS SELECT nextval('counter') AS n");
    Policy blocked = Policy.builder()
        .blockedTables(List.of("public.secrets", "public.ev_secret", "public.logs_private"))
        .build();
    guarded = ds("guarded", blocked);
    columnGuarded = ds("columns", Policy.builder()
        .blockedColumns(List.of("public.users.email")).build());
    allowListed = ds("allow", Policy.builder()
        .allowedTables(List.of("public.orders*", "public.users_v", "public.counter_v")).build());
    noRules = ds("none", Policy.defaults());
  }

  @AfterAll
  static void tearDown() {
    for (PostgresReadOnlyDataSource d : List.of(guarded, columnGuarded, allowListed, noRules)) {
      d.close();
    }
  }

  static PostgresReadOnlyDataSource ds(String id, Policy policy) {
    return PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder(id).policy(policy).build());
  }

  static QueryResult query(PostgresReadOnlyDataSource d, String sql) {
    return d.execute(QueryRequest.builder(Operation.QUERY).statement(sql).build());
  }

  static DbAccessException refused(PostgresReadOnlyDataSource d, String sql, ErrorCode code) {
    DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> query(d, sql));
    assertThat(e).as(sql).isNotNull();
    assertThat(e.code()).as(sql + ": " + e.getMessage()).isEqualTo(code);
    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(EMAIL)
        .doesNotContain("8812");
    return e;
  }

  @Test
  void aViewOverABlockedTableIsRefusedNamingBoth() {
    DbAccessException e = refused(guarded, "SELECT * FROM secrets_v", ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.secrets_v").contains("'public.secrets'")
        .contains("blockedTables rule 'public.secrets'");
    // the table itself, as before
    refused(guarded, "SELECT * FROM secrets", ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void aViewOfAViewIsRefused() {
    DbAccessException e = refused(guarded, "SELECT token FROM secrets_vv WHERE id = 1",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.secrets_vv").contains("'public.secrets'");
  }

  @Test
  void aMaterializedViewOverABlockedTableIsRefused() {
    DbAccessException e = refused(guarded, "SELECT * FROM secrets_mv",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.secrets_mv").contains("'public.secrets'");
  }

  @Test
  void aViewInASubqueryOrExplainIsRefusedToo() {
    refused(guarded, "SELECT 1 FROM orders WHERE EXISTS (SELECT 1 FROM secrets_v)",
        ErrorCode.TABLE_NOT_ALLOWED);
    DbAccessException e = catchThrowableOfType(DbAccessException.class, () -> guarded.execute(
        QueryRequest.builder(Operation.EXPLAIN).statement("SELECT * FROM secrets_v").build()));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void aQuotedMixedCaseViewIsFoundThoughTheValidatorLowerCasesIt() {
    DbAccessException e = refused(guarded, "SELECT * FROM \"Leak\"", ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("'public.secrets'");
  }

  @Test
  void viewsOverAPartitionedTableReachItsPartitions() {
    DbAccessException e = refused(guarded, "SELECT * FROM ev_summary_v",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.ev_summary_v").contains("'public.ev_secret'");
  }

  @Test
  void aUserViewOverTheCatalogFollowsTheCatalogRule() {
    DbAccessException e = refused(guarded, "SELECT rolname FROM roles_v",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("'pg_catalog.pg_authid'").contains("system schema");
  }

  @Test
  void aPartitionedTableWithABlockedPartitionIsRefused() {
    DbAccessException e = refused(guarded, "SELECT * FROM ev", ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.ev'").contains("'public.ev_secret'");
    refused(guarded, "SELECT * FROM ev_secret", ErrorCode.TABLE_NOT_ALLOWED);
    // the allowed partition queried directly still works
    assertThat(query(guarded, "SELECT payload FROM ev_public").rows())
        .extracting(r -> r.get("payload")).containsExactly("hello");
  }

  @Test
  void anInheritanceParentWithABlockedChildIsRefused() {
    DbAccessException e = refused(guarded, "SELECT * FROM logs", ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("'public.logs_private'");
    // ONLY reads the parent alone, but the name is the same: refused conservatively
    refused(guarded, "SELECT * FROM ONLY logs", ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void aViewExposingABlockedColumnIsRefusedNamingTheRule() {
    DbAccessException e = refused(columnGuarded, "SELECT email FROM users_v",
        ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.users_v").contains("public.users.email")
        .contains("blockedColumns rule 'public.users.email'");
    refused(columnGuarded, "SELECT id FROM users_v", ErrorCode.COLUMN_NOT_ALLOWED);
    // referenced only in the view's WHERE: its value can still be probed, so refused too
    refused(columnGuarded, "SELECT id FROM users_filtered", ErrorCode.COLUMN_NOT_ALLOWED);
  }

  @Test
  void aViewThatDoesNotReferenceTheBlockedColumnWorks() {
    assertThat(query(columnGuarded, "SELECT name FROM users_names").rows())
        .extracting(r -> r.get("name")).containsExactly("alice");
  }

  @Test
  void allowedViewsOverAllowedTablesReturnRows() {
    assertThat(query(guarded, "SELECT total FROM orders_vv ORDER BY id").rows())
        .extracting(r -> r.get("total")).containsExactly(10, 20);
    assertThat(query(allowListed, "SELECT total FROM orders_vv ORDER BY id").rows())
        .hasSize(2);
  }

  @Test
  void aWriteRuleOnATableIsNotWhatReadingItReads() {
    // orders has an ON INSERT rule that writes to the blocked secrets; a read never runs it
    assertThat(query(guarded, "SELECT id FROM orders ORDER BY id").rows()).hasSize(2);
  }

  @Test
  void anAllowListCoversTheRelationsUnderAView() {
    // users_v is allowed by name, but it reads public.users, which no allowedTables rule names
    DbAccessException e = refused(allowListed, "SELECT id FROM users_v",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("'public.users'").contains("no allowedTables rule");
  }

  @Test
  void aViewCallingNextvalIsStoppedByTheReadOnlyTransaction() {
    // with rules: the sequence under the view is not in the allow-list
    refused(allowListed, "SELECT n FROM counter_v", ErrorCode.TABLE_NOT_ALLOWED);
    // without rules the view runs, and nextval fails in the read-only transaction (25006)
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> query(noRules, "SELECT n FROM counter_v"));
    assertThat(e).isNotNull();
    assertThat(e.driverCode()).contains("25006");
    assertThat(db.queryLong("SELECT last_value FROM counter")).isEqualTo(1);
    assertThat(db.queryString("SELECT is_called::text FROM counter")).isEqualTo("false");
  }

  @Test
  void aPolicyWithoutTableOrColumnRulesMakesNoLookup() {
    long before = RelationGuard.LOOKUPS.get();
    assertThat(query(noRules, "SELECT * FROM orders_v").rows()).hasSize(2);
    assertThat(RelationGuard.LOOKUPS.get()).isEqualTo(before);
    assertThat(query(guarded, "SELECT * FROM orders_v").rows()).hasSize(2);
    assertThat(RelationGuard.LOOKUPS.get()).isEqualTo(before + 1);
    assertThat(RelationGuard.needed(Policy.defaults())).isFalse();
    assertThat(RelationGuard.needed(Policy.builder().allowedOperations(Set.of(Operation.QUERY))
        .build())).isFalse();
  }

  @Test
  void aRelationThatDoesNotExistIsReportedByPostgres() {
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> query(guarded, "SELECT * FROM nowhere_v"));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    assertThat(e.driverCode()).contains("42P01");
  }

  @Test
  void describeAndListTablesAreUnchanged() {
    QueryResult r = guarded.execute(QueryRequest.builder(Operation.DESCRIBE_TABLE)
        .statement("secrets_v").build());
    assertThat(r.rows()).hasSize(1);
    QueryResult list = guarded.execute(QueryRequest.builder(Operation.LIST_TABLES).build());
    assertThat(list.rows()).extracting(x -> x.get("name")).contains("secrets_v", "orders")
        .doesNotContain("secrets");
  }
}
