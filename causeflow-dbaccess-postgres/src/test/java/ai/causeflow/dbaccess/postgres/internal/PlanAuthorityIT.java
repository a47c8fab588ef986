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
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's plan as the second authority: partitions and inheritance children of blocked
 * tables by their own names, blocked columns of a parent through its partitions, generated
 * columns derived from blocked columns, and a validator that "misses" a relation.
 */
class PlanAuthorityIT {
  static final String SECRET = "pa-s3cr3t-zq4471";
  static final String EMAIL = "bob-zq4471@example.com";

  static TestDatabase db;
  static PgPool pool;
  static final AuditSink.InMemory audit = new AuditSink.InMemory();
  static PostgresReadOnlyDataSource blockedParents;
  static PostgresReadOnlyDataSource blockedColumns;
  static PostgresReadOnlyDataSource noRules;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("authority");
    db.execute(
        "CREATE TABLE secrets (id int, kind text, token text) PARTITION BY LIST (kind)",
        "CREATE TABLE secrets_a PARTITION OF secrets FOR VALUES IN ('a')",
        "CREATE TABLE secrets_b PARTITION OF secrets FOR VALUES IN ('b')",
        "INSERT INTO secrets VALUES (1, 'a', '" + SECRET + "'), (2, 'b', '" + SECRET + "')",
        "CREATE TABLE vault (id int, token text)",
        "CREATE TABLE vault_child (extra text) INHERITS (vault)",
        "INSERT INTO vault_child VALUES (1, '" + SECRET + "', 'x')",
        "CREATE TABLE people (id int, kind text, email text, name text) PARTITION BY LIST (kind)",
        "CREATE TABLE people_x PARTITION OF people FOR VALUES IN ('x')",
        "INSERT INTO people VALUES (1, 'x', '" + EMAIL + "', 'bob')",
        "CREATE TABLE accounts (id int, email text,"
            + " email_lower text GENERATED ALWAYS AS (lower(email)) STORED,"
            + " domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED, note text)",
        "INSERT INTO accounts (id, email, note) VALUES (1, '" + EMAIL + "', 'n')",
        "CREATE TABLE orders (id int, total int)",
        "INSERT INTO orders VALUES (1, 10)",
        "CREATE TABLE \"Orders\" (id int, total int)",
        "CREATE TABLE \"K\u212Aeys\" (id int, token text)",
        "CREATE VIEW \"\u00C9V\" AS SELECT token FROM vault");
    blockedParents = ds("parents", Policy.builder()
        .blockedTables(List.of("public.secrets", "public.vault")).build());
    blockedColumns = ds("columns", Policy.builder().blockedColumns(List.of(
        "public.people.email", "public.accounts.email")).build());
    noRules = ds("none", Policy.defaults());
    Properties p = new Properties();
    p.setProperty("user", db.server().user());
    p.setProperty("password", db.server().password());
    pool = new PgPool(db.jdbcUrl(), p, 1);
  }

  @AfterAll
  static void tearDown() {
    for (PostgresReadOnlyDataSource d : List.of(blockedParents, blockedColumns, noRules)) {
      d.close();
    }
    pool.close();
  }

  static PostgresReadOnlyDataSource ds(String id, Policy policy) {
    return PostgresReadOnlyDataSource.create(db.dataSource(),
        DataSourceSettings.builder(id).policy(policy).auditSink(audit).build());
  }

  static QueryResult query(PostgresReadOnlyDataSource d, String sql) {
    return d.execute(QueryRequest.builder(Operation.QUERY).statement(sql).build());
  }

  static DbAccessException refused(PostgresReadOnlyDataSource d, String sql, ErrorCode code) {
    for (Operation op : List.of(Operation.QUERY, Operation.EXPLAIN)) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> d.execute(QueryRequest.builder(op).statement(sql).build()));
      assertThat(e).as(op + " " + sql).isNotNull();
      assertThat(e.code()).as(sql + ": " + e.getMessage()).isEqualTo(code);
      assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(EMAIL).doesNotContain("zq4471");
    }
    assertNoValuesAudited();
    return catchThrowableOfType(DbAccessException.class, () -> query(d, sql));
  }

  static void assertNoValuesAudited() {
    for (AuditEvent ev : audit.events()) {
      assertThat(String.valueOf(ev)).doesNotContain(SECRET).doesNotContain(EMAIL)
          .doesNotContain("zq4471");
    }
  }

  @Test
  void aPartitionOfABlockedTableIsBlockedByItsOwnName() {
    DbAccessException e = refused(blockedParents, "SELECT token FROM secrets_a",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("secrets_a").contains("public.secrets");
    refused(blockedParents, "SELECT count(*) FROM public.secrets_b WHERE token LIKE 'p%'",
        ErrorCode.TABLE_NOT_ALLOWED);
    refused(blockedParents, "SELECT s.id FROM orders o JOIN secrets_b s ON s.id = o.id",
        ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void sizeFunctionsOnAPartitionOfABlockedTableAreRefusedByTheGuard() {
    // no scan: the plan does not name it; the relation guard walks upwards
    long before = RelationGuard.LOOKUPS.get();
    DbAccessException e = refused(blockedParents, "SELECT pg_relation_size('secrets_a')",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("partition or inheritance child of 'public.secrets'");
    refused(blockedParents, "SELECT pg_total_relation_size('vault_child')",
        ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(RelationGuard.LOOKUPS.get()).isGreaterThan(before);
  }

  @Test
  void anAllowListNamingAPartitionWithoutItsParentAdmitsThePartition() {
    PostgresReadOnlyDataSource partitionOnly = ds("partition-only", Policy.builder()
        .allowedTables(List.of("public.people_x")).build());
    try {
      assertThat(query(partitionOnly, "SELECT id, name FROM people_x").rows()).hasSize(1);
      refused(partitionOnly, "SELECT id FROM people", ErrorCode.TABLE_NOT_ALLOWED);
    } finally {
      partitionOnly.close();
    }
  }

  @Test
  void anInheritanceChildOfABlockedTableIsBlocked() {
    refused(blockedParents, "SELECT token FROM vault_child", ErrorCode.TABLE_NOT_ALLOWED);
    refused(blockedParents, "SELECT (SELECT max(token) FROM vault_child)",
        ErrorCode.TABLE_NOT_ALLOWED);
    // a view with a non-ASCII upper-case name over the blocked table (relname compared exactly)
    refused(blockedParents, "SELECT * FROM \"\u00C9V\"", ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void blockedColumnsOfAParentReachItsPartitions() {
    DbAccessException e = refused(blockedColumns, "SELECT email FROM people_x",
        ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.people.email");
    refused(blockedColumns, "SELECT id FROM people_x WHERE email LIKE 'b%'",
        ErrorCode.COLUMN_NOT_ALLOWED);
    refused(blockedColumns, "SELECT p FROM people_x p", ErrorCode.COLUMN_NOT_ALLOWED);
    refused(blockedColumns, "SELECT id FROM people_x ORDER BY email", ErrorCode.COLUMN_NOT_ALLOWED);
    // the other columns of the partition stay readable
    assertThat(query(blockedColumns, "SELECT id, name FROM people_x").rows()).hasSize(1);
  }

  @Test
  void generatedColumnsDerivedFromABlockedColumnAreBlocked() {
    DbAccessException e = refused(blockedColumns, "SELECT email_lower FROM accounts",
        ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.accounts.email");
    refused(blockedColumns, "SELECT domain FROM accounts", ErrorCode.COLUMN_NOT_ALLOWED);
    refused(blockedColumns, "SELECT id FROM accounts WHERE email_lower = 'x'",
        ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(query(blockedColumns, "SELECT id, note FROM accounts").rows()).hasSize(1);
  }

  @Test
  void joinsOnTablesWithBlockedColumnsStayReadable() {
    // the scans under the join list every column (physical target list); only used ones count
    QueryResult r = query(blockedColumns,
        "SELECT a.id, a.note, o.total FROM accounts a JOIN orders o ON o.id = a.id");
    assertThat(r.rows()).hasSize(1);
    assertThat(query(blockedColumns, "SELECT (SELECT max(id) FROM accounts) AS m").rows())
        .hasSize(1);
  }

  @Test
  void catalogUnderCatalogViewsIsAccepted() {
    PostgresReadOnlyDataSource catalog = ds("catalog", Policy.builder()
        .allowedTables(List.of("public.*", "pg_catalog.*")).build());
    try {
      // pg_stat_activity reads pg_authid (role names) and pg_database: accepted
      query(catalog, "SELECT pid, usename, datname FROM pg_stat_activity");
      query(catalog, "SELECT rolname FROM pg_roles");
    } finally {
      catalog.close();
    }
  }

  /** The validator is bypassed on purpose: the server's plan alone must refuse. */
  @Test
  void theServerDisagreesWithAValidatorThatMissedARelation() throws Exception {
    Policy blocked = Policy.builder().blockedTables(List.of("public.secrets", "public.vault"))
        .build();
    // as if the validator had taken secrets_a for a CTE (the red team's case-folding trick)
    DbAccessException e = authorityRefusal("SELECT token FROM secrets_a", Set.of(), blocked);
    assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("validator and server disagree");
    DbAccessException direct = authorityRefusal("SELECT token FROM vault", Set.of(), blocked);
    assertThat(direct.getMessage()).contains("does not name").contains("public.vault");
    // a catalog relation the statement does not name, under a policy without rules
    DbAccessException cat = authorityRefusal("SELECT rolname FROM pg_authid", Set.of(),
        Policy.defaults());
    assertThat(cat.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(cat.getMessage()).contains("pg_catalog.pg_authid").contains("disagree");
    // named, under a catalog view: secret columns of a content relation are refused
    DbAccessException pw = authorityRefusal("SELECT rolpassword FROM pg_authid",
        Set.of("pg_catalog.pg_class"), Policy.builder().allowedTables(List.of("pg_catalog.*"))
            .build());
    assertThat(pw.getMessage()).contains("rolpassword");
    // a table outside the allow list reached by a name the validator read differently
    DbAccessException allow = authorityRefusal("SELECT id FROM \"Orders\"",
        Set.of("public.orders"), Policy.builder().allowedTables(List.of("public.orders")).build());
    assertThat(allow.getMessage()).contains("public.Orders");
    DbAccessException kelvin = authorityRefusal("SELECT token FROM \"K\u212Aeys\"",
        Set.of("public.kkeys"), Policy.builder().allowedTables(List.of("public.kkeys")).build());
    assertThat(kelvin.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void anUnreadablePlanRefuses() {
    for (String bad : List.of("", "{}", "[]", "[{\"Plan\": 1}]", "not json",
        "[{\"Plan\": {\"Relation Name\": \"t\"}}]",
        "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"t\", \"Schema\": \"public\","
            + " \"Alias\": \"t\", \"Filter\": \"(t.a = 'x)\"}}]")) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> PlanAuthority.scans(bad));
      assertThat(e).as(bad).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    }
  }

  @Test
  void withoutRulesNoCatalogLookupIsMade() {
    long before = PlanAuthority.LOOKUPS.get();
    long checks = PlanAuthority.CHECKS.get();
    assertThat(query(noRules, "SELECT id FROM orders").rows()).hasSize(1);
    assertThat(PlanAuthority.LOOKUPS.get()).isEqualTo(before);
    assertThat(PlanAuthority.CHECKS.get()).isEqualTo(checks + 1);
  }

  @Test
  void costPerCheckOnAHeldConnection() throws Exception {
    Policy rules = Policy.builder().blockedColumns(List.of("public.people.email")).build();
    try (PgSession s = open("cost")) {
      for (int i = 0; i < 200; i++) {
        PlanAuthority.check(s, "SELECT id, total FROM orders WHERE id = ?", new int[] {1},
            params(1), Set.of("public.orders"), rules);
      }
      int n = 1000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        PlanAuthority.check(s, "SELECT id, total FROM orders WHERE id = ?", new int[] {1},
            params(1), Set.of("public.orders"), rules);
      }
      long withLookup = (System.nanoTime() - t0) / n / 1000;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        PlanAuthority.check(s, "SELECT id, total FROM orders WHERE id = ?", new int[] {1},
            params(1), Set.of("public.orders"), Policy.defaults());
      }
      long explainOnly = (System.nanoTime() - t0) / n / 1000;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        try (java.sql.PreparedStatement ps = s.connection().prepareStatement(
            "SELECT id, total FROM orders WHERE id = ?")) {
          ps.setInt(1, 1);
          try (java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
        }
      }
      long statement = (System.nanoTime() - t0) / n / 1000;
      System.out.println("PlanAuthority cost on a held connection: " + explainOnly
          + " us (EXPLAIN only, no rules), " + withLookup + " us (with the catalog lookup); the"
          + " statement itself: " + statement + " us");
      assertThat(explainOnly).isLessThan(50_000);
    }
  }

  private static List<@Nullable Object> params(Object... v) {
    return new ArrayList<>(List.of(v));
  }

  private static PgSession open(String id) {
    Duration t = Duration.ofSeconds(10);
    ExecutionContext ctx = new ExecutionContext(id, "pg", Policy.defaults(), t,
        Instant.now().plus(t), 100);
    return PgSession.open(pool, ctx, "public", Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  private static DbAccessException authorityRefusal(String sql, Set<String> named, Policy policy)
      throws Exception {
    try (PgSession s = open("authority")) {
      try {
        PlanAuthority.check(s, sql, new int[0], List.of(), named, policy);
      } catch (DbAccessException e) {
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(EMAIL);
        return e;
      }
    }
    throw new AssertionError("accepted by the plan authority: " + sql);
  }
}
