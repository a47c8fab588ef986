package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names are compared as PostgreSQL resolves them: unquoted names fold ASCII A-Z only, quoted
 * names are exact. Before this rule the validator lower-cased quoted names (and used Java's
 * Unicode folding), so a CTE named {@code "Secrets"} hid the real table {@code secrets}, and two
 * aliases {@code u} and {@code "U"} were one.
 */
class IdentifierExactnessTest {
  private final PostgresQueryValidator validator = new PostgresQueryValidator();
  private final Policy blockedSecrets = Policy.builder()
      .blockedTables(List.of("public.secrets")).build();
  private final Policy allowOrders = Policy.builder()
      .allowedTables(List.of("public.orders", "public.users")).build();
  private final Policy blockedEmail = Policy.builder()
      .blockedColumns(List.of("public.users.email")).build();

  private void refused(String sql, Policy policy, ErrorCode code) {
    assertThatThrownBy(() -> validator.validate(sql, policy))
        .isInstanceOf(DbAccessException.class)
        .satisfies(e -> assertThat(((DbAccessException) e).code()).isEqualTo(code));
  }

  // --- CTE shadowing: the red team's trick, in every position ---

  @ParameterizedTest
  @ValueSource(strings = {
      "WITH \"Secrets\" AS (SELECT 1 AS x) SELECT * FROM secrets",
      "WITH \"Secrets\" AS (SELECT 1 AS x) SELECT * FROM SECRETS",
      "WITH \"SECRETS\" AS (SELECT 1 AS x) SELECT * FROM Secrets",
      "WITH \"Secrets\" AS (SELECT 1 AS x) SELECT * FROM public.secrets",
      "WITH \"Secrets\" AS (SELECT 1) SELECT (SELECT count(*) FROM secrets)",
      "WITH \"Secrets\" AS (SELECT 1) SELECT 1 WHERE EXISTS (SELECT 1 FROM secrets)",
      "WITH \"Secrets\" AS (SELECT 1) SELECT * FROM (SELECT * FROM secrets) s",
      "WITH \"Secrets\" AS (SELECT 1) SELECT * FROM orders o JOIN secrets s ON true",
      "WITH RECURSIVE \"Secrets\"(n) AS (SELECT 1 UNION ALL SELECT n FROM \"Secrets\" WHERE false)"
          + " SELECT * FROM secrets",
      "WITH \"Secrets\" AS (SELECT 1), b AS (SELECT * FROM secrets) SELECT * FROM b",
      "WITH \"secretS\" AS (SELECT 1) SELECT * FROM secrets",
      "SELECT * FROM orders WHERE id IN (WITH \"Secrets\" AS (SELECT 1) SELECT id FROM secrets)",
      // a quoted reference to a CTE named with an unquoted name: PostgreSQL folds the CTE's name
      "WITH secrets AS (SELECT 1) SELECT * FROM \"Secrets\" x, secrets y",
  })
  void quotedCteNameDoesNotShadowTheTable(String sql) {
    refused(sql, blockedSecrets, ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void sameCteNameStillShadows() {
    // PostgreSQL folds unquoted Secrets to secrets: this really is the CTE
    validator.validate("WITH Secrets AS (SELECT 1 AS x) SELECT x FROM secrets", blockedSecrets);
    validator.validate("WITH \"secrets\" AS (SELECT 1 AS x) SELECT x FROM SECRETS", blockedSecrets);
  }

  @Test
  void cteShadowOfCatalogRelationIsRefused() {
    refused("WITH \"Pg_authid\" AS (SELECT 1) SELECT rolpassword FROM pg_authid",
        Policy.defaults(), ErrorCode.TABLE_NOT_ALLOWED);
    refused("WITH \"PG_STAT_ACTIVITY\" AS (SELECT 1) SELECT query FROM pg_stat_activity",
        Policy.defaults(), ErrorCode.TABLE_NOT_ALLOWED);
    refused("WITH \"Pg_statistic\" AS (SELECT 1) SELECT * FROM pg_catalog.pg_statistic",
        Policy.builder().allowedTables(List.of("pg_catalog.*", "public.*")).build(),
        ErrorCode.TABLE_NOT_ALLOWED);
  }

  // --- the allow list admits only the exact name ---

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM \"ORDERS\"",
      "SELECT * FROM \"Orders\"",
      "SELECT * FROM public.\"Orders\"",
      "SELECT * FROM \"PUBLIC\".orders",
      "SELECT o.id FROM orders o JOIN \"Users\" u ON true",
      // Kelvin sign and dotted capital I: Java lower-cases them to k / i, PostgreSQL does not
      "SELECT * FROM \"\u212Aeys\"",
      "SELECT * FROM \u212Aeys",
      "SELECT * FROM \u0130tems",
      "SELECT * FROM \"ordErs\"",
  })
  void allowListIsExact(String sql) {
    Policy p = Policy.builder().allowedTables(List.of("public.orders", "public.users",
        "public.keys", "public.items")).build();
    refused(sql, p, ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void unquotedNamesFoldAsciiOnly() {
    ValidatedQuery q = validator.validate("SELECT * FROM ORDERS, Public.Users", allowOrders);
    assertThat(q.tables()).containsExactlyInAnyOrder("public.orders", "public.users");
    // non-ASCII letters keep their case: the name is read as PostgreSQL stores it
    ValidatedQuery k = validator.validate("SELECT * FROM \u212AEYS", Policy.defaults());
    assertThat(k.tables()).containsExactly("public.\u212Aeys");
    ValidatedQuery quoted = validator.validate("SELECT * FROM \"MiXed\"", Policy.defaults());
    assertThat(quoted.tables()).containsExactly("public.MiXed");
  }

  @Test
  void allowRuleInUpperCaseAdmitsOnlyTheQuotedTable() {
    Policy p = Policy.builder().allowedTables(List.of("public.ORDERS")).build();
    validator.validate("SELECT * FROM \"ORDERS\"", p);
    refused("SELECT * FROM ORDERS", p, ErrorCode.TABLE_NOT_ALLOWED);
  }

  // --- block lists stay case-insensitive (widening a refusal) ---

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM \"Secrets\"",
      "SELECT * FROM \"SECRETS\"",
      "SELECT * FROM public.\"secrets\"",
      "SELECT * FROM \"PUBLIC\".\"SECRETS\"",
  })
  void blockListMatchesEverySpelling(String sql) {
    refused(sql, blockedSecrets, ErrorCode.TABLE_NOT_ALLOWED);
  }

  // --- aliases differing only in case are two aliases ---

  @ParameterizedTest
  @ValueSource(strings = {
      // "U" is orders, u is users: u.email is the blocked column
      "SELECT u.email FROM orders \"U\", users u",
      "SELECT \"U\".id FROM orders \"U\", users u WHERE u.email = 'x'",
      "SELECT \"U\".id FROM orders \"U\", users u ORDER BY u.email",
      "SELECT \"U\".id FROM users u, orders \"U\" GROUP BY u.email, \"U\".id",
      "SELECT u.email FROM users u JOIN orders \"U\" ON true",
      "SELECT (SELECT u.email) FROM users u, orders \"U\"",
      "SELECT u.to_json FROM orders \"U\", users u",
      "SELECT row_to_json(u) FROM orders \"U\", users u",
      "SELECT u.* FROM orders \"U\", users u",
      "SELECT \"U\".email FROM orders u, users \"U\"",
      "SELECT x.email FROM orders \"X\", users x",
      "SELECT * FROM orders \"U\" WHERE EXISTS (SELECT 1 FROM users u WHERE u.email = 'a')",
  })
  void aliasesDifferingInCaseAreDistinct(String sql) {
    refused(sql, blockedEmail, ErrorCode.COLUMN_NOT_ALLOWED);
  }

  @Test
  void aliasesDifferingInCaseResolveToTheirOwnTable() {
    // "U".email is orders.email (not blocked); u.id is users.id
    ValidatedQuery q = validator.validate(
        "SELECT \"U\".email, u.id FROM orders \"U\", users u", blockedEmail);
    assertThat(q.columns()).contains("public.orders.email", "public.users.id");
  }

  @Test
  void blockedColumnRuleMatchesMixedCaseColumnNames() {
    refused("SELECT \"EMAIL\" FROM users", blockedEmail, ErrorCode.COLUMN_NOT_ALLOWED);
    refused("SELECT u.\"Email\" FROM users u", blockedEmail, ErrorCode.COLUMN_NOT_ALLOWED);
    refused("SELECT * FROM \"Users\"", blockedEmail, ErrorCode.COLUMN_NOT_ALLOWED);
  }

  @Test
  void longIdentifiersAreTruncatedLikePostgres() {
    // PostgreSQL truncates identifiers to 63 bytes: this is the table "secrets" + 56 x's
    String base = "secrets" + "x".repeat(56);
    Policy p = Policy.builder().blockedTables(List.of("public." + base)).build();
    refused("SELECT * FROM " + base + "yyyy", p, ErrorCode.TABLE_NOT_ALLOWED);
    // and a CTE of the long name shadows the truncated one, as on the server
    validator.validate("WITH " + base + "zz AS (SELECT 1 AS a) SELECT a FROM " + base + "yy", p);
  }
}
