package ai.causeflow.dbaccess.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class QuickstartIT {

  @Test
  void theReadmeQuickstartRunsAndMasks() throws Exception {
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
    ByteArrayOutputStream audit = new ByteArrayOutputStream();
    Object out = Quickstart.recentCustomers(db.dataSource(), audit);

    assertThat(out).isInstanceOf(QueryResult.class);
    QueryResult r = (QueryResult) out;
    assertThat(r.rowCount()).isEqualTo(2);
    assertThat(r.rows().get(0)).containsEntry("email", "***@***.***").containsEntry("status",
        "blocked");
    assertThat(r.metadata().patternsApplied()).containsEntry("email", 2);
    assertThat(r.toString() + r.rows()).doesNotContain("ana.souza");
    String auditLine = audit.toString(StandardCharsets.UTF_8);
    assertThat(auditLine).contains("\"outcome\":\"OK\"").doesNotContain("1 hour")
        .doesNotContain("ana.souza");
  }

  @Test
  void theReadmeShowsTheQuickstartVerbatim() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent().getParent();
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(Path.of(System.getProperty("user.dir"),
        "src/main/java/ai/causeflow/dbaccess/examples/quickstart/Quickstart.java"));
    String body = source.substring(source.indexOf("// README-BEGIN") + "// README-BEGIN".length(),
        source.indexOf("// README-END"));
    String dedented = body.lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .reduce((a, b) -> a + "\n" + b).orElseThrow().strip();
    assertThat(readme).contains(dedented);
  }
}
