package ai.causeflow.dbaccess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryRequestTest {

  @Test
  void toStringNeverShowsParameterValuesOrTheStatement() {
    QueryRequest r = QueryRequest.query("SELECT * FROM users WHERE email = $1")
        .parameters(List.of("ana@example.com")).limit(5).requestId("r-1").build();
    assertThat(r.toString()).doesNotContain("ana@example.com").doesNotContain("users")
        .contains("parameters=1").contains("r-1");
  }

  @Test
  void generatesARequestIdWhenNoneIsGiven() {
    assertThat(QueryRequest.query("x").build().requestId()).hasSize(36);
  }

  @Test
  void invalidValuesAreInvalidParamsNamingTheKeyButNotTheValue() {
    assertThatThrownBy(() -> QueryRequest.query("x").requestId("bad id; DROP").build())
        .hasMessageStartingWith("requestId:").hasMessageNotContaining("DROP")
        .extracting(e -> ((DbAccessException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThatThrownBy(() -> QueryRequest.query("x").limit(0).build())
        .hasMessage("limit: must be at least 1, was 0");
    assertThatThrownBy(() -> QueryRequest.query("x".repeat(QueryRequest.MAX_STATEMENT_CHARS + 1))
        .build()).hasMessageStartingWith("statement: must be at most");
    List<Object> many = new ArrayList<>(Collections.nCopies(1_001, 1));
    assertThatThrownBy(() -> QueryRequest.query("x").parameters(many).build())
        .hasMessageStartingWith("parameters: at most 1000");
    assertThatThrownBy(() -> QueryRequest.query("x").parameters(List.of(new Object())).build())
        .hasMessage("parameters[0]: must be null, boolean, number, string, array or object, was Object");
    assertThatThrownBy(() -> QueryRequest.query("x").parameters(List.of(Map.of(1, "secret")))
        .build()).hasMessageNotContaining("secret");
  }

  @Test
  void nestedJsonParametersAreAcceptedButNotTooDeep() {
    Object deep = "leaf";
    for (int i = 0; i < 40; i++) {
      deep = List.of(deep);
    }
    Object finalDeep = deep;
    assertThatThrownBy(() -> QueryRequest.query("x").parameters(List.of(finalDeep)).build())
        .hasMessageContaining("nested deeper than 32");
    assertThat(QueryRequest.query("x").parameters(List.of(Map.of("a", List.of(1, "b", true))))
        .build().parameters()).hasSize(1);
  }

  @Test
  void nullParametersAreAllowed() {
    List<Object> withNull = new ArrayList<>();
    withNull.add(null);
    assertThat(QueryRequest.query("x").parameters(withNull).build().parameters()).hasSize(1);
  }

  @Test
  void operationNamesAreValidated() {
    assertThat(Operation.of("top_statements").name()).isEqualTo("top_statements");
    assertThatThrownBy(() -> Operation.of("DROP TABLE"))
        .extracting(e -> ((DbAccessException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
  }
}
