package ai.causeflow.dbaccess.examples.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An embedded PostgreSQL seeded with a checkout outage: a worker session stuck idle in a
 * transaction holding a row lock on the hottest inventory row, checkout requests queued behind it,
 * an order lookup that scans 200,000 rows because {@code orders.customer_id} has no index, and
 * orders charged twice by the retrying payment client. Customers carry emails, CPFs, card numbers
 * and phones, all fake but valid in form, so the masking engine has work to do.
 *
 * <p>Thread-safety: not thread-safe; used by the demo's main thread.
 */
final class StoryDatabase implements AutoCloseable {
  static final String DATABASE = "shop";
  static final String ANALYST = "analyst";
  static final String ANALYST_PASSWORD = "analyst-demo-only";

  /** The seeded personal data; the demo's test proves none of it is ever printed. */
  static final List<String[]> CUSTOMERS = List.of(
      new String[] {"Ana Souza", "ana.souza@example.com", cpf("529982247"), "4111111111111111",
          "+55 11 98765-4321"},
      new String[] {"Bruno Lima", "bruno.lima@example.com", cpf("168995350"), "5555555555554444",
          "+55 21 99876-5432"},
      new String[] {"Carla Dias", "carla.dias@example.org", cpf("391325380"), "4012888888881881",
          "+55 31 97654-3210"},
      new String[] {"Diego Alves", "diego.alves@example.net", cpf("714602380"), "6011111111111117",
          "+55 41 96543-2109"},
      new String[] {"Elisa Rocha", "elisa.rocha@example.com", cpf("248438340"), "5105105105105100",
          "+55 51 95432-1098"},
      new String[] {"Felipe Nunes", "felipe.nunes@example.com", cpf("856193470"),
          "4242424242424242", "+55 61 94321-0987"},
      new String[] {"Gabriela Melo", "gabriela.melo@example.org", cpf("123456789"),
          "378282246310005", "+55 71 93210-9876"},
      new String[] {"Heitor Costa", "heitor.costa@example.net", cpf("987654321"),
          "3530111333300000", "+55 81 92109-8765"});

  static final int ORDERS = 200_000;
  static final String HOT_SKU = "SKU-1042";

  private final EmbeddedPostgres pg;
  private final List<Connection> sessions = new ArrayList<>();
  private final List<Thread> blocked = new ArrayList<>();

  private StoryDatabase(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  static StoryDatabase start() throws IOException, SQLException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setServerConfig("log_min_messages", "fatal")
        .setServerConfig("log_min_error_statement", "panic")
        .start();
    StoryDatabase db = new StoryDatabase(pg);
    db.seed();
    return db;
  }

  int port() {
    return pg.getPort();
  }

  private Connection admin(String database, String application) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", "");
    p.setProperty("ApplicationName", application);
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/"
        + database, p);
  }

  private void seed() throws SQLException {
    try (Connection c = admin("postgres", "demo-setup"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + DATABASE);
      st.execute("CREATE ROLE " + ANALYST + " LOGIN PASSWORD '" + ANALYST_PASSWORD + "'");
      st.execute("GRANT pg_read_all_stats TO " + ANALYST);
    }
    try (Connection c = admin(DATABASE, "demo-setup"); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION pg_stat_statements");
      st.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL,"
          + " email text NOT NULL, cpf text NOT NULL, card_number text, phone text)");
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY,"
          + " customer_id bigint NOT NULL REFERENCES customers(id), status text NOT NULL,"
          + " total numeric(10,2) NOT NULL, created_at timestamptz NOT NULL)");
      st.execute("CREATE TABLE payments (id bigint PRIMARY KEY,"
          + " order_id bigint NOT NULL REFERENCES orders(id), amount numeric(10,2) NOT NULL,"
          + " status text NOT NULL, provider_ref text NOT NULL, created_at timestamptz NOT NULL)");
      st.execute("CREATE TABLE inventory (sku text PRIMARY KEY, qty int NOT NULL,"
          + " updated_at timestamptz NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < CUSTOMERS.size(); i++) {
          String[] r = CUSTOMERS.get(i);
          ps.setLong(1, i + 1);
          for (int k = 0; k < 5; k++) {
            ps.setString(k + 2, r[k]);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      st.execute("INSERT INTO orders SELECT i, 1 + i % " + CUSTOMERS.size() + ","
          + " CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'paid' END,"
          + " round((19.90 + (i % 37) * 3.5)::numeric, 2),"
          + " now() - make_interval(secs => i * 7) FROM generate_series(1, " + ORDERS + ") i");
      st.execute("INSERT INTO payments SELECT i, i, o.total, 'captured', 'pay_' || md5(i::text),"
          + " o.created_at + interval '2 seconds' FROM generate_series(1, 3000) i"
          + " JOIN orders o ON o.id = i");
      // The retrying payment client charged six orders twice, 1-3 seconds apart.
      st.execute("INSERT INTO payments SELECT 100000 + o.id, o.id, o.total, 'captured',"
          + " 'pay_retry_' || md5(o.id::text), o.created_at + interval '4 seconds'"
          + " FROM orders o WHERE o.id IN (12, 57, 131, 402, 977, 1460)");
      st.execute("INSERT INTO inventory SELECT 'SKU-' || (1000 + i), 50 + i, now()"
          + " FROM generate_series(1, 60) i");
      st.execute("ANALYZE");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + ANALYST);
      st.execute("GRANT pg_read_all_stats TO " + ANALYST);
    }
    try (Connection c = admin(DATABASE, "demo-setup"); Statement st = c.createStatement()) {
      st.execute("SELECT pg_stat_statements_reset()"); // the seed is not part of the story
    }
    // The checkout service's order-history lookup, slow without an index on customer_id.
    try (Connection c = admin(DATABASE, "checkout-api");
        PreparedStatement ps = c.prepareStatement("SELECT id, status, total FROM orders"
            + " WHERE customer_id = ? ORDER BY created_at DESC LIMIT 20")) {
      for (int i = 0; i < 12; i++) {
        ps.setLong(1, 1 + i % CUSTOMERS.size());
        ps.executeQuery().close();
      }
    }
  }

  /** Starts the outage: one stuck worker holding the hot row, two checkouts waiting on it. */
  void startOutage() throws SQLException, InterruptedException {
    Connection worker = admin(DATABASE, "checkout-worker-7");
    sessions.add(worker);
    worker.setAutoCommit(false);
    try (Statement st = worker.createStatement()) {
      st.executeUpdate("UPDATE inventory SET qty = qty - 1, updated_at = now()"
          + " WHERE sku = '" + HOT_SKU + "'");
    }
    // The worker now waits on a remote call that never returns: idle in transaction.
    CountDownLatch waiting = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      Connection checkout = admin(DATABASE, "checkout-api");
      sessions.add(checkout);
      Thread t = new Thread(() -> {
        try (Statement st = checkout.createStatement()) {
          waiting.countDown();
          st.executeUpdate("UPDATE inventory SET qty = qty - 1, updated_at = now()"
              + " WHERE sku = '" + HOT_SKU + "'");
        } catch (SQLException e) {
          // cancelled when the demo ends
        }
      }, "checkout-" + i);
      t.setDaemon(true);
      t.start();
      blocked.add(t);
    }
    waiting.await(5, TimeUnit.SECONDS);
    waitUntilBlocked(2);
  }

  private void waitUntilBlocked(int n) throws SQLException, InterruptedException {
    try (Connection c = admin(DATABASE, "demo-setup"); Statement st = c.createStatement()) {
      for (int i = 0; i < 100; i++) {
        try (var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE cardinality(pg_blocking_pids(pid)) > 0")) {
          rs.next();
          if (rs.getInt(1) >= n) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (Connection c : sessions) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the server is stopping anyway
      }
    }
    pg.close();
  }

  /** A CPF with valid check digits for the given nine digits, formatted 000.000.000-00. */
  static String cpf(String nine) {
    int[] d = new int[11];
    for (int i = 0; i < 9; i++) {
      d[i] = nine.charAt(i) - '0';
    }
    for (int k = 9; k < 11; k++) {
      int sum = 0;
      for (int i = 0; i < k; i++) {
        sum += d[i] * (k + 1 - i);
      }
      int r = (sum * 10) % 11;
      d[k] = r == 10 ? 0 : r;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      s.append(d[i]);
      if (i == 2 || i == 5) {
        s.append('.');
      } else if (i == 8) {
        s.append('-');
      }
    }
    return s.toString();
  }
}
