package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every template of call-positions.txt with (a) a harmless call: when accepted, the walk must
 * have recorded the function; (b) a denied call, (c) a subquery on a blocked table and (d) one
 * reading a blocked column: all refused, whatever syntax surrounds them.
 */
class CallPositionsTest {
  private final PostgresQueryValidator validator =
      PostgresQueryValidator.builder().cacheSize(0).build();
  private final Policy policy = Policy.builder().blockedTables(List.of("public.secrets"))
      .blockedColumns(List.of("public.users.ssn")).build();

  @Test
  void everyPositionIsWalked() throws IOException {
    List<String> templates = templates();
    assertThat(templates).hasSizeGreaterThanOrEqualTo(90);
    int parsed = 0;
    List<String> problems = new ArrayList<>();
    for (String t : templates) {
      try {
        ValidatedQuery q = validator.validate(t.replace("{c}", "abs(1)"), policy);
        parsed++;
        if (!q.functions().contains("abs")) {
          problems.add("call not recorded: " + t);
        }
      } catch (DbAccessException e) {
        // not understood: refused, which is fine
      }
      for (String bad : List.of("setval('s', 1)", "pg_catalog.\"pg_sleep\"(1)",
          "(SELECT max(id) FROM secrets)", "(SELECT max(ssn) FROM users)")) {
        String sql = t.replace("{c}", bad);
        try {
          validator.validate(sql, policy);
          problems.add("accepted: " + sql);
        } catch (DbAccessException e) {
          if (!e.code().isPolicyRefusal()) {
            problems.add("non-policy code " + e.code() + ": " + sql);
          }
        }
      }
    }
    // enough templates parse for the walk (not only the parser) to be what refuses them
    assertThat(parsed).isGreaterThanOrEqualTo(70);
    assertThat(problems).isEmpty();
  }

  private static List<String> templates() throws IOException {
    try (InputStream in = CallPositionsTest.class.getResourceAsStream("/call-positions.txt")) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
      return out;
    }
  }
}
