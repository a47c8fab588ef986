package ai.causeflow.dbaccess.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the whole demo and checks the story is told without leaking the seeded PII. */
class DemoIT {

  @Test
  void theDemoRunsToTheFindingAndNeverPrintsSeededPersonalData() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int rc = DemoMain.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(rc).as(out).isZero();
    assertThat(seconds).isLessThan(60);
    assertThat(out)
        .contains("[17/17")
        .contains("$facet { $merge }             -> -32001 QUERY_BLOCKED")
        .contains("retried payments")
        .contains("idle in transaction")
        .contains("Seq Scan on orders")
        .contains("customer_id indexed: false")
        .contains("6 orders were charged twice")
        .contains("-32001 QUERY_BLOCKED")
        .contains("masked=true")
        .contains("ROOT CAUSE: session pid")
        .doesNotContain("demo failed");
    if (nodePresent()) {
      assertThat(out).contains("[DynamoDB 5/5]").contains("QUERY_BLOCKED: statement: 'PutItem'")
          .contains("\"started\"").contains("continue after").contains("\"email\":\"***@***.***\"")
          .doesNotContain("DynamoDB chapter failed");
    } else {
      assertThat(out).contains("DynamoDB chapter").contains("skipped: Node.js");
    }
    for (String value : DynamoChapter.SEEDED) {
      assertThat(out).as("seeded value leaked").doesNotContain(value);
    }
    for (String value : StoryEvents.PII) {
      assertThat(out).as("seeded event value leaked").doesNotContain(value);
    }
    for (String[] c : StoryDatabase.CUSTOMERS) {
      for (String value : c) {
        assertThat(out).as("seeded value leaked").doesNotContain(value);
      }
      assertThat(out).doesNotContain(c[2].replaceAll("[.-]", ""));
      assertThat(out).doesNotContain(c[4].replaceAll("[^0-9]", ""));
      assertThat(out).doesNotContain(c[1].substring(0, c[1].indexOf('@')));
    }
  }

  private static boolean nodePresent() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (java.io.IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void cpfCheckDigitsAreValid() {
    assertThat(StoryDatabase.cpf("529982247")).isEqualTo("529.982.247-25");
  }
}
