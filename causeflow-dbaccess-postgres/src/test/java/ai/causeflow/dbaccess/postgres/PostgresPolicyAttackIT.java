package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.Strategy;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code policy-attacks.tsv} (the read-side bypass classes of issue 8: letter case of
 * quoted names in CTEs, aliases and allow lists, non-ASCII names, partitions and inheritance
 * children of blocked tables, generated columns, admin and size functions, server paths and
 * identifiers, masking by output label) through the data source connected as a <b>superuser</b>
 * and as the generated <b>least-privilege role</b>. Every blocked attack must be refused with a
 * policy code (as {@code query} and as {@code explain}); every masked one must answer without
 * the ruled value; no refusal message and no audit event may contain a fixture value. The
 * per-category table is written to {@code target/policy-attack-report.md}.
 */
class PostgresPolicyAttackIT {
  /** Every fixture value shares this marker: it must never be seen in a message or the audit. */
  static final String MARK = "q7marker";
  static final String SECRET = "tok-" + MARK + "-1";
  static final String EMAIL = "eve-" + MARK + "@example.com";
  static final String SSN = "ssn-" + MARK + "-9";
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  static EmbeddedPostgresServer server;
  static String dbName;
  static String role;
  static final AuditSink.InMemory audit = new AuditSink.InMemory();
  static final Map<String, PostgresReadOnlyDataSource> sources = new TreeMap<>();

  @BeforeAll
  static void setUp() throws SQLException {
    server = EmbeddedPostgresServer.shared();
    dbName = server.createDatabase("policyatk").name();
    role = "cf_policy_ro_" + ProcessHandle.current().pid();
    try (Connection c = server.connect(dbName); Statement st = c.createStatement()) {
      for (String s : List.of(
          "CREATE TABLE secrets (id int, token text)",
          "INSERT INTO secrets VALUES (1, '" + SECRET + "')",
          "CREATE VIEW secrets_v AS SELECT * FROM secrets",
          "CREATE VIEW \"\u00C9V\" AS SELECT token FROM secrets",
          "CREATE TABLE orders (id int, note text)",
          "INSERT INTO orders VALUES (1, 'fine')",
          "CREATE TABLE \"ORDERS\" (id int, note text)",
          "INSERT INTO \"ORDERS\" VALUES (1, '" + SECRET + "')",
          "CREATE TABLE \"Orders\" (id int, note text)",
          "INSERT INTO \"Orders\" VALUES (1, '" + SECRET + "')",
          "CREATE TABLE keys (id int, token text)",
          "CREATE TABLE \"\u212Aeys\" (id int, token text)",
          "INSERT INTO \"\u212Aeys\" VALUES (1, '" + SECRET + "')",
          "CREATE TABLE \"KEYS\" (id int, token text)",
          "INSERT INTO \"KEYS\" VALUES (1, '" + SECRET + "')",
          "CREATE TABLE users (id int, name text, email text)",
          "INSERT INTO users VALUES (1, 'eve', '" + EMAIL + "')",
          "CREATE TABLE vault (id int, kind text, token text) PARTITION BY LIST (kind)",
          "CREATE TABLE vault_a PARTITION OF vault FOR VALUES IN ('a')",
          "CREATE TABLE vault_b PARTITION OF vault FOR VALUES IN ('b')",
          "INSERT INTO vault VALUES (1, 'a', '" + SECRET + "'), (2, 'b', '" + SECRET + "')",
          "CREATE TABLE logs (id int, line text)",
          "CREATE TABLE logs_child (extra text) INHERITS (logs)",
          "INSERT INTO logs_child VALUES (1, '" + SECRET + "', 'x')",
          "CREATE TABLE people (id int, kind text, email text, ssn text) PARTITION BY LIST (kind)",
          "CREATE TABLE people_x PARTITION OF people FOR VALUES IN ('x')",
          "INSERT INTO people VALUES (1, 'x', '" + EMAIL + "', '" + SSN + "')",
          "CREATE TABLE accounts (id int, email text,"
              + " email_lower text GENERATED ALWAYS AS (lower(email)) STORED,"
              + " domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED)",
          "INSERT INTO accounts (id, email) VALUES (1, '" + EMAIL + "')",
          "ANALYZE")) {
        st.execute(s);
      }
      for (String s : PostgresRoleSql.statements(role, List.of("public"),
          PostgresRoleSql.Options.builder(dbName).password(Secret.of("ro-pw"))
              .statementTimeout(TIMEOUT).build())) {
        st.execute(s);
      }
    }
    Policy blockList = Policy.builder().statementTimeout(TIMEOUT)
        .blockedTables(List.of("public.secrets", "public.vault", "public.logs"))
        .blockedColumns(List.of("public.users.email", "public.people.email",
            "public.accounts.email"))
        .build();
    Policy allowList = Policy.builder().statementTimeout(TIMEOUT)
        .allowedTables(List.of("public.orders", "public.users", "public.keys")).build();
    Masking masking = Masking.builder().columnRule("public.people.ssn", Strategy.REDACT).build();
    DataSource superuser = server.dataSource(dbName);
    DataSource restricted = server.dataSource(dbName, role, "ro-pw");
    for (Map.Entry<String, DataSource> who : Map.of("superuser", superuser,
        "least-privilege", restricted).entrySet()) {
      sources.put(who.getKey() + "/blocked", PostgresReadOnlyDataSource.create(who.getValue(),
          DataSourceSettings.builder("pa-block").policy(blockList).masking(masking)
              .auditSink(audit).build()));
      sources.put(who.getKey() + "/allow-list", PostgresReadOnlyDataSource.create(
          who.getValue(), DataSourceSettings.builder("pa-allow").policy(allowList)
              .masking(masking).auditSink(audit).build()));
    }
  }

  @AfterAll
  static void tearDown() {
    sources.values().forEach(PostgresReadOnlyDataSource::close);
    try (Connection c = server.connect(dbName); Statement st = c.createStatement()) {
      st.execute("DROP OWNED BY " + role);
      st.execute("DROP ROLE " + role);
    } catch (SQLException ignored) {
      // best effort
    }
  }

  @Test
  void everyPolicyAttackIsStoppedAsBothRoles() throws Exception {
    List<Corpora.Attack> attacks = Corpora.policyAttacks();
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(80);
    List<String> failures = new ArrayList<>();
    Map<String, int[]> table = new TreeMap<>();
    StringBuilder detail = new StringBuilder();
    for (Corpora.Attack a : attacks) {
      int[] row = table.computeIfAbsent(a.category(), k -> new int[3]);
      row[0]++;
      for (String who : List.of("superuser", "least-privilege")) {
        String outcome = run(who, a, failures);
        if (outcome.startsWith("refused") || outcome.startsWith("masked")) {
          row[who.equals("superuser") ? 1 : 2]++;
        }
        detail.append("| ").append(a.line()).append(" | ").append(a.category()).append(" | ")
            .append(who).append(" | ").append(outcome).append(" |\n");
      }
      for (AuditEvent e : audit.events()) {
        if (String.valueOf(e).contains(MARK)) {
          failures.add(a + ": the audit holds a fixture value: " + e.requestId());
        }
      }
    }
    String report = report(attacks.size(), table, detail);
    Path out = Path.of("target", "policy-attack-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    assertThat(failures).as(report).isEmpty();
    assertThat(audit.events()).hasSizeGreaterThanOrEqualTo(attacks.size() * 2);
  }

  private static String run(String who, Corpora.Attack a, List<String> failures) {
    String policy = a.expect().equals("allow-list") ? "allow-list" : "blocked";
    PostgresReadOnlyDataSource ds = sources.get(who + "/" + policy);
    if (a.expect().equals("masked")) {
      try {
        QueryResult r = ds.execute(QueryRequest.builder(Operation.QUERY)
            .statement(a.statement()).build());
        if (String.valueOf(r.rows()).contains(MARK)) {
          failures.add(who + " " + a + ": the ruled value came back in clear");
          return "LEAKED";
        }
        return "masked (" + r.rowCount() + " rows)";
      } catch (DbAccessException e) {
        checkMessage(who, a, e, failures);
        if (!e.code().isPolicyRefusal()) {
          failures.add(who + " " + a + ": expected masked rows, got " + e.code());
        }
        return "refused " + e.code();
      }
    }
    String outcome = null;
    for (Operation op : List.of(Operation.QUERY, Operation.EXPLAIN)) {
      try {
        ds.execute(QueryRequest.builder(op).statement(a.statement()).build());
        failures.add(who + " " + a + ": " + op + " was answered");
        outcome = "ANSWERED (" + op + ")";
      } catch (DbAccessException e) {
        checkMessage(who, a, e, failures);
        if (!e.code().isPolicyRefusal()) {
          failures.add(who + " " + a + ": " + op + " expected a policy refusal, got " + e.code()
              + ": " + e.getMessage());
          outcome = "not a policy refusal: " + e.code();
        } else if (outcome == null) {
          outcome = "refused " + e.code();
        }
      }
    }
    return outcome;
  }

  private static void checkMessage(String who, Corpora.Attack a, DbAccessException e,
      List<String> failures) {
    if (e.getMessage().contains(MARK)) {
      failures.add(who + " " + a + ": the message holds a fixture value");
    }
  }

  private static String report(int n, Map<String, int[]> table, StringBuilder detail)
      throws SQLException {
    StringBuilder r = new StringBuilder("# Policy attack report\n\nGenerated by"
        + " PostgresPolicyAttackIT on PostgreSQL " + version() + ", " + n
        + " statements from policy-attacks.tsv, each as a superuser and as the least-privilege"
        + " role; blocked ones as both `query` and `explain`.\n\n"
        + "| category | attacks | stopped as superuser | stopped as least-privilege role |\n"
        + "|---|---|---|---|\n");
    int[] total = new int[3];
    table.forEach((k, x) -> {
      r.append("| ").append(k).append(" | ").append(x[0]).append(" | ").append(x[1])
          .append(" | ").append(x[2]).append(" |\n");
      for (int i = 0; i < 3; i++) {
        total[i] += x[i];
      }
    });
    r.append("| **total** | **").append(total[0]).append("** | **").append(total[1])
        .append("** | **").append(total[2]).append("** |\n\n## Every statement\n\n")
        .append("| line | category | role | outcome |\n|---|---|---|---|\n").append(detail);
    return r.toString();
  }

  private static String version() throws SQLException {
    try (Connection c = server.connect(dbName); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
