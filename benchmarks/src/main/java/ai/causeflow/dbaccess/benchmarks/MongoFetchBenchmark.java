package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.mongo.MongoOptions;
import ai.causeflow.dbaccess.mongo.MongoReadOnlyDataSource;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * MongoDB fetch overhead, same run, same server, same collection, same batch size (1,000):
 * {@value #DOCS} documents of about 330 bytes of JSON (flat fields, a date, a sub-document and an
 * array) read with {@code find}:
 *
 * <ul>
 *   <li>{@code rawDriver}: the sync driver's {@code find().limit(20001).batchSize(1000)} (the
 *       same command the data source sends for a 20,000-row limit) decoding to
 *       {@link Document} (maps), on the calling thread only;
 *   <li>{@code dataSourceUnmasked} / {@code dataSourceMasked}: through
 *       {@link MongoReadOnlyDataSource} without masking / with the default masking. The data
 *       source decodes on its fetch thread while the caller's thread validates, masks and
 *       measures, and (past 1,024 rows) masks on a result thread; the raw side has one thread.
 * </ul>
 *
 * The server is the in-process mongo-java-server (no real MongoDB can be installed here); it
 * serves every variant the same documents. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar MongoFetch -f 2 -wi 3 -i 5 -w 3s -r 3s}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Duser.timezone=UTC"})
public class MongoFetchBenchmark {
  static final int DOCS = 20_000;
  static final int BATCH = 1_000;
  static final String FIND = "{\"find\": \"bench\"}";

  MongoServer server;
  MongoClient client;
  MongoCollection<Document> raw;
  MongoReadOnlyDataSource masked;
  MongoReadOnlyDataSource plain;

  @Setup(Level.Trial)
  public void setUp() {
    server = new MongoServer(new MemoryBackend());
    InetSocketAddress a = server.bind();
    client = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + a.getPort()))
        .build());
    raw = client.getDatabase("bench").getCollection("bench");
    List<Document> docs = new ArrayList<>();
    Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
    String[] status = {"new", "paid", "late", "done"};
    for (int i = 1; i <= DOCS; i++) {
      docs.add(new Document("_id", (long) i)
          .append("name", "customer " + i)
          .append("email", "user" + i + "@example.com")
          .append("note", "order note " + Integer.toHexString(i * 2654435761L > 0 ? i * 31 : i)
              + " lorem ipsum lorem ipsum lorem ipsum lorem ipsum")
          .append("status", status[i % 4])
          .append("amount", (i % 100_000) / 100.0)
          .append("createdAt", Date.from(t0.plusSeconds(60L * i)))
          .append("address", new Document("street", i + " Main St").append("city", "Springfield"))
          .append("tags", List.of("a", "b" + (i % 7))));
      if (docs.size() == 1_000) {
        raw.insertMany(docs);
        docs.clear();
      }
    }
    Policy policy = Policy.builder().maxRowsPerQuery(DOCS).maxResultBytes(Policy.MAX_RESULT_BYTES)
        .statementTimeout(Duration.ofSeconds(60)).build();
    MongoOptions options = MongoOptions.builder().batchSize(BATCH).build();
    masked = MongoReadOnlyDataSource.create(client, "bench", DataSourceSettings.builder("bench")
        .policy(policy).masking(Masking.defaults()).build(), options);
    plain = MongoReadOnlyDataSource.create(client, "bench", DataSourceSettings.builder("bench")
        .policy(policy).build(), options);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    masked.close();
    plain.close();
    client.close();
    server.shutdownNow();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int rawDriver() {
    int n = 0;
    try (MongoCursor<Document> c = raw.find().limit(DOCS + 1).batchSize(BATCH).iterator()) {
      while (c.hasNext()) {
        n += c.next().size();
      }
    }
    if (n != DOCS * 9) {
      throw new IllegalStateException("read " + n + " fields");
    }
    return n;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int dataSourceUnmasked() {
    return fetch(plain);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int dataSourceMasked() {
    return fetch(masked);
  }

  static int fetch(MongoReadOnlyDataSource ds) {
    QueryResult r = ds.execute(QueryRequest.query(FIND).build());
    if (r.rowCount() != DOCS || r.truncated()) {
      throw new IllegalStateException("read " + r.rowCount() + " documents");
    }
    return r.rowCount();
  }
}
