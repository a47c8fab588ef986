package ai.causeflow.dbaccess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {

  @Test
  void defaultsAreTheFourReadOperationsAndSaneLimits() {
    Policy p = Policy.defaults();
    assertThat(p.allowedOperations()).containsExactlyInAnyOrder(Operation.QUERY,
        Operation.EXPLAIN, Operation.LIST_TABLES, Operation.DESCRIBE_TABLE);
    assertThat(p.maxRowsPerQuery()).isEqualTo(1000);
    assertThat(p.maxResultBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(p.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.isTableAllowed("anything.at_all")).isTrue();
  }

  @Test
  void rangesAreValidatedWithTheKeyAndTheRange() {
    assertThatThrownBy(() -> Policy.builder().maxRowsPerQuery(0).build())
        .hasMessage("maxRowsPerQuery: must be between 1 and 100000, was 0")
        .extracting(e -> ((DbAccessException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThatThrownBy(() -> Policy.builder().maxRowsPerQuery(100_001).build())
        .hasMessageContaining("maxRowsPerQuery");
    assertThatThrownBy(() -> Policy.builder().maxResultBytes(10).build())
        .hasMessageContaining("maxResultBytes: must be between 1024");
    assertThatThrownBy(() -> Policy.builder().statementTimeout(Duration.ZERO).build())
        .hasMessageContaining("statementTimeout");
    assertThatThrownBy(() -> Policy.builder().statementTimeout(Duration.ofHours(2)).build())
        .hasMessageContaining("statementTimeout");
    assertThatThrownBy(() -> Policy.builder().blockedTables(List.of(" ")).build())
        .hasMessage("blockedTables[0]: must be a non-empty glob");
  }

  @Test
  void denyWinsOverAllow() {
    Policy p = Policy.builder().allowedTables(List.of("public.*"))
        .blockedTables(List.of("public.secrets", "*.audit_*")).build();
    assertThat(p.isTableAllowed("public.orders")).isTrue();
    assertThat(p.isTableAllowed("public.secrets")).isFalse();
    assertThat(p.isTableAllowed("public.audit_log")).isFalse();
    assertThat(p.isTableAllowed("billing.invoices")).isFalse();
    assertThatThrownBy(() -> p.checkTable("public.secrets"))
        .hasMessage("table 'public.secrets' matches blockedTables rule 'public.secrets'")
        .extracting(e -> ((DbAccessException) e).code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThatThrownBy(() -> p.checkTable("billing.invoices"))
        .hasMessage("table 'billing.invoices' matches no allowedTables rule");
  }

  @Test
  void globsAreCaseInsensitiveSoSpellingCannotDodgeABlock() {
    Policy p = Policy.builder().blockedTables(List.of("public.secrets"))
        .blockedColumns(List.of("public.users.password_*")).build();
    assertThat(p.isTableAllowed("PUBLIC.Secrets")).isFalse();
    assertThat(p.isColumnBlocked("public.USERS.password_hash")).isTrue();
    assertThat(p.isColumnBlocked("public.users.email")).isFalse();
    assertThatThrownBy(() -> p.checkColumn("public.users.password_hash"))
        .extracting(e -> ((DbAccessException) e).code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
  }

  @Test
  void allowRulesAreExactBlockRulesIgnoreCase() {
    Policy p = Policy.builder().allowedTables(List.of("public.orders", "public.K*"))
        .blockedTables(List.of("public.secrets")).blockedColumns(List.of("public.users.ssn"))
        .build();
    assertThat(p.isTableAllowed("public.orders")).isTrue();
    // a quoted "ORDERS" is another table: the allow rule names only the one it spells
    assertThat(p.isTableAllowed("public.ORDERS")).isFalse();
    assertThat(p.isTableAllowed("PUBLIC.orders")).isFalse();
    assertThat(p.isTableAllowed("public.Keys")).isTrue();
    // the Kelvin sign is not K to PostgreSQL: an allow rule does not fold it
    assertThat(p.isTableAllowed("public.\u212Aeys")).isFalse();
    assertThat(p.isTableAllowed("public.keys")).isFalse();
    // block rules refuse every spelling (Unicode case folding)
    assertThat(p.isTableAllowed("public.SECRETS")).isFalse();
    assertThat(p.isColumnBlocked("public.users.SSN")).isTrue();
    assertThat(p.isColumnBlocked("Public.Users.Ssn")).isTrue();
  }

  @Test
  void globMetacharactersOtherThanStarAndQuestionAreLiteral() {
    Policy p = Policy.builder().allowedTables(List.of("public.order(s)+")).build();
    assertThat(p.isTableAllowed("public.order(s)+")).isTrue();
    assertThat(p.isTableAllowed("public.orderss")).isFalse();
    Policy q = Policy.builder().allowedTables(List.of("public.t?")).build();
    assertThat(q.isTableAllowed("public.t1")).isTrue();
    assertThat(q.isTableAllowed("public.t12")).isFalse();
  }

  @Test
  void operationsAreCheckedByName() {
    Policy p = Policy.builder().allowedOperations(Set.of(Operation.QUERY, Operation.of("locks")))
        .build();
    assertThat(p.allows(Operation.of("locks"))).isTrue();
    assertThat(p.allows(Operation.EXPLAIN)).isFalse();
    assertThatThrownBy(() -> p.checkOperation(Operation.EXPLAIN))
        .hasMessage("operation 'explain' is not in allowedOperations");
  }

  @Test
  void toBuilderCopiesAndIsImmutable() {
    Policy p = Policy.builder().maxRowsPerQuery(50).blockedTables(List.of("a.b")).build();
    Policy q = p.toBuilder().maxRowsPerQuery(10).build();
    assertThat(p.maxRowsPerQuery()).isEqualTo(50);
    assertThat(q.maxRowsPerQuery()).isEqualTo(10);
    assertThat(q.blockedTables()).containsExactly("a.b");
    assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    assertThatThrownBy(() -> p.blockedTables().add("x")).isInstanceOf(
        UnsupportedOperationException.class);
  }
}
