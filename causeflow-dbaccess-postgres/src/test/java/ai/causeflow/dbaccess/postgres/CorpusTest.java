package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.postgres.internal.PgLexer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Parser acceptance over the legitimate corpus and refusal of every blocked attack. The report
 * (acceptance rate, which queries fail and why) is written to target/validator-corpus-report.txt.
 */
class CorpusTest {
  static final Policy INVESTIGATOR = Policy.builder()
      .allowedTables(List.of("public.*", "app.*", "pg_catalog.*", "information_schema.*"))
      .build();

  private final PostgresQueryValidator validator =
      PostgresQueryValidator.builder().cacheSize(0).build();

  @Test
  void legitimateQueriesAreAcceptedAtLeast97Percent() throws IOException {
    List<String> corpus = Corpora.legitQueries();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
    Map<String, String> failures = new LinkedHashMap<>();
    for (String sql : corpus) {
      try {
        validator.validate(sql, INVESTIGATOR);
      } catch (DbAccessException e) {
        failures.put(sql, e.code() + ": " + e.getMessage());
      }
    }
    double rate = 100.0 * (corpus.size() - failures.size()) / corpus.size();
    StringBuilder report = new StringBuilder();
    report.append(String.format("legit corpus: %d queries, %d accepted, %d refused, acceptance %.1f%%%n",
        corpus.size(), corpus.size() - failures.size(), failures.size(), rate));
    failures.forEach((sql, why) -> report.append("---\n").append(sql).append("\n=> ").append(why)
        .append('\n'));
    write("validator-corpus-report.txt", report.toString());
    System.out.print(report);
    assertThat(rate).as(report.toString()).isGreaterThanOrEqualTo(97.0);
  }

  @Test
  void everyBlockedAttackIsRefusedWithoutQuotingLiterals() throws IOException {
    List<Corpora.Attack> attacks = Corpora.attacks();
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(120);
    List<String> problems = new ArrayList<>();
    Map<String, int[]> byCategory = new TreeMap<>();
    StringBuilder report = new StringBuilder();
    for (Corpora.Attack a : attacks) {
      int[] counts = byCategory.computeIfAbsent(a.category(), k -> new int[2]);
      counts[a.mustBeBlocked() ? 0 : 1]++;
      String outcome;
      try {
        validator.validate(a.statement(), Policy.defaults());
        outcome = "ACCEPTED";
        if (a.mustBeBlocked()) {
          problems.add(a + " was accepted: " + a.statement());
        }
      } catch (DbAccessException e) {
        outcome = e.code() + ": " + e.getMessage();
        if (!e.code().isPolicyRefusal()) {
          problems.add(a + " refused with a non-policy code " + e.code());
        }
        for (String literal : literals(a.statement())) {
          if (e.getMessage().contains(literal)) {
            problems.add(a + " message quotes the literal '" + literal + "': " + e.getMessage());
          }
        }
      }
      report.append(a).append(' ').append(a.expect()).append(" => ").append(outcome).append('\n');
    }
    StringBuilder head = new StringBuilder("attack corpus: " + attacks.size() + " statements\n");
    byCategory.forEach((k, v) -> head.append(String.format("  %-28s blocked=%d runtime-bounded=%d%n",
        k, v[0], v[1])));
    write("validator-attack-report.txt", head + report.toString());
    assertThat(problems).as(head.toString()).isEmpty();
  }

  @Test
  void runtimeBoundedAttacksAreRealPlainQueries() {
    // they must reach execution (where timeouts and caps stop them); if the validator refused
    // them they would prove nothing about the runtime layer
    for (Corpora.Attack a : Corpora.attacks()) {
      if (!a.mustBeBlocked()) {
        assertThat(validator.validate(a.statement(), Policy.defaults()).sql()).isNotEmpty();
      }
    }
  }

  /** The statement's literal values (string contents and numbers) of 3 characters or more. */
  static List<String> literals(String sql) {
    List<String> out = new ArrayList<>();
    List<PgLexer.Token> toks;
    try {
      toks = PgLexer.tokens(sql);
    } catch (DbAccessException e) {
      // unlexable: treat every quoted run as a literal
      for (String part : sql.split("'")) {
        if (part.length() >= 3) {
          out.add(part);
        }
      }
      return out;
    }
    for (PgLexer.Token t : toks) {
      String text = t.text(sql);
      switch (t.kind()) {
        case STRING, ESCAPE_STRING, UNICODE_STRING -> {
          String body = text.substring(text.indexOf('\'') + 1, text.length() - 1);
          if (body.length() >= 3) {
            out.add(body);
          }
        }
        case DOLLAR_STRING -> {
          int open = text.indexOf('$', 1) + 1;
          String body = text.substring(open, text.length() - open);
          if (body.length() >= 3) {
            out.add(body);
          }
        }
        case NUMBER -> {
          if (text.length() >= 3) {
            out.add(text);
          }
        }
        default -> { }
      }
    }
    return out;
  }

  private static void write(String name, String text) throws IOException {
    Path dir = Path.of("target");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }
}
