package ai.causeflow.dbaccess.mongo.testing;

import ai.causeflow.dbaccess.testkit.ContractDataset;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The MongoDB server the tests run against: an in-process {@code mongo-java-server} (memory
 * backend) started on first use, or, when {@code CAUSEFLOW_TEST_MONGO_URI} is set, that real
 * server (the same tests then cover what mongo-java-server lacks). Each test class takes its own
 * database from {@link #createDatabase}.
 *
 * <p>Thread-safety: thread-safe; one shared instance per JVM.
 */
public final class MongoTestServer {
  /** Environment variable naming a real server's URI. */
  public static final String URI_ENV = "CAUSEFLOW_TEST_MONGO_URI";

  private static @Nullable MongoTestServer shared;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final @Nullable MongoServer server;
  private final String uri;
  private final MongoClient client;

  private MongoTestServer() {
    String env = System.getenv(URI_ENV);
    if (env != null && !env.isBlank()) {
      server = null;
      uri = env;
    } else {
      server = new MongoServer(new MemoryBackend());
      InetSocketAddress a = server.bind();
      uri = "mongodb://127.0.0.1:" + a.getPort();
    }
    client = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(uri))
        .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS))
        .build());
  }

  /** The shared server, started on first use and stopped when the JVM exits. */
  public static synchronized MongoTestServer shared() {
    if (shared == null) {
      MongoTestServer s = new MongoTestServer();
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "mongo-test-server-stop"));
      shared = s;
    }
    return shared;
  }

  /** Whether this is the in-process mongo-java-server (not a real MongoDB server). */
  public boolean inProcess() {
    return server != null;
  }

  public String uri() {
    return uri;
  }

  /** A client shared by the tests (never close it). */
  public MongoClient client() {
    return client;
  }

  /** A fresh, uniquely named database. */
  public String createDatabase(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
  }

  public MongoDatabase database(String name) {
    return client.getDatabase(name);
  }

  /** Seeds the contract data set: {@code items} (ids 1..50) and {@code secrets}. */
  public void seedContract(String database) {
    MongoDatabase db = database(database);
    insert(db.getCollection("items"), ContractDataset.items());
    insert(db.getCollection("secrets"), ContractDataset.secrets());
  }

  private static void insert(MongoCollection<Document> c,
      List<Map<String, @Nullable Object>> rows) {
    List<Document> docs = new ArrayList<>();
    for (Map<String, @Nullable Object> r : rows) {
      docs.add(new Document(r));
    }
    c.insertMany(docs);
  }

  private void stop() {
    try {
      client.close();
    } finally {
      if (server != null) {
        server.shutdownNow();
      }
    }
  }
}
