package ai.causeflow.dbaccess.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

class QuickstartIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent().getParent();

  @Test
  void theReadmeQuickstartRunsMasksAndAudits() throws Exception {
    TestDatabase db = EmbeddedPostgresServer.shared().createDatabase("quickstart");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE customers (id int PRIMARY KEY, email text, status text,"
          + " password_hash text, created_at timestamptz DEFAULT now())");
      st.execute("INSERT INTO customers (id, email, status, password_hash) VALUES"
          + " (7, 'ana.souza@example.com', 'blocked', 'bcrypt$2b$hash'),"
          + " (8, 'joe@example.org', 'active', 'bcrypt$2b$hash2')");
      st.execute("INSERT INTO customers (id, email, status, created_at) VALUES"
          + " (9, 'old@example.com', 'active', now() - interval '3 days')");
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    Object out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      out = Quickstart.recentCustomers(db.dataSource());
    } finally {
      System.setErr(old);
    }

    assertThat(out).isInstanceOf(QueryResult.class);
    QueryResult r = (QueryResult) out;
    assertThat(r.rowCount()).isEqualTo(2);
    assertThat(r.metadata().masked()).isTrue();
    assertThat(r.rows().get(0)).containsEntry("email", "***@***.***").containsEntry("status",
        "blocked");
    assertThat(r.metadata().patternsApplied()).containsEntry("email", 2);
    assertThat(r.toString() + r.rows()).doesNotContain("ana.souza");
    // the default audit: one JSON line on stderr, without the data or the parameter
    String auditLine = err.toString(StandardCharsets.UTF_8);
    assertThat(auditLine.lines().filter(l -> l.startsWith("{")).toList()).hasSize(1);
    assertThat(auditLine).contains("\"outcome\":\"OK\"").contains("\"masked\":true")
        .doesNotContain("1 hour").doesNotContain("ana.souza");
  }

  /** The README's Java block is the source file, verbatim from its first import to its end. */
  @Test
  void theReadmeShowsTheQuickstartVerbatim() throws Exception {
    String source = Files.readString(Path.of(System.getProperty("user.dir"),
        "src/main/java/ai/causeflow/dbaccess/examples/quickstart/Quickstart.java"));
    String body = source.substring(source.indexOf("// README-BEGIN") + "// README-BEGIN".length(),
        source.indexOf("// README-END")).strip();
    assertThat(readmeJava()).isEqualTo(body);
  }

  /** Pasted into an empty project with the library on the classpath, the block compiles. */
  @Test
  void theReadmeQuickstartCompilesWhenPasted() throws Exception {
    Path dir = Files.createTempDirectory("quickstart-paste");
    Path file = Files.writeString(dir.resolve("Quickstart.java"), readmeJava());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-d",
        dir.resolve("classes").toString(), "-cp", System.getProperty("java.class.path"),
        file.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(dir.resolve("classes/Quickstart.class")).exists();
  }

  /** The first {@code ```java} block after the Quickstart heading. */
  private static String readmeJava() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int section = readme.indexOf("## Quickstart");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    int end = readme.indexOf("\n```", start);
    return readme.substring(start, end).strip();
  }
}
