package ai.causeflow.dbaccess.examples.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The demo's MongoDB side: an in-process mongo-java-server holding the checkout service's event
 * log, one document per checkout attempt, with the customer's contact details nested inside (the
 * kind of document that leaks PII when read naively).
 *
 * <p>Thread-safety: start, read through the relay, close; one instance per demo run.
 */
final class StoryEvents implements AutoCloseable {
  static final String DATABASE = "checkout";
  /** Seeded values that must never appear in the demo's output. */
  static final List<String> PII = List.of("lucia.ferreira@example.com", "+55 11 98765-4321",
      "4916 3385 0126 7891", "lucia-pw-2024");

  private final MongoServer server;
  private final String uri;

  private StoryEvents(MongoServer server, String uri) {
    this.server = server;
    this.uri = uri;
  }

  static StoryEvents start() {
    MongoServer server = new MongoServer(new MemoryBackend());
    InetSocketAddress a = server.bind();
    String uri = "mongodb://127.0.0.1:" + a.getPort();
    try (MongoClient c = MongoClients.create(uri)) {
      List<Document> events = new ArrayList<>();
      Instant t0 = Instant.parse("2026-12-04T09:00:00Z");
      for (int i = 1; i <= 30; i++) {
        boolean retried = i % 7 == 0;
        events.add(new Document("_id", i)
            .append("orderId", i * 3)
            .append("at", Date.from(t0.plusSeconds(i * 40L)))
            .append("outcome", retried ? "payment_retried" : i % 5 == 0 ? "lock_timeout" : "ok")
            .append("customer", new Document("email", i == 1 ? PII.get(0)
                : "customer" + i + "@example.org")
                .append("phone", i == 1 ? PII.get(1) : "+55 11 90000-" + (1000 + i))
                .append("password", i == 1 ? PII.get(3) : "pw-" + i))
            .append("payment", new Document("card", i == 1 ? PII.get(2) : "4111 1111 1111 1111")
                .append("attempts", retried ? 2 : 1)));
      }
      c.getDatabase(DATABASE).getCollection("events").insertMany(events);
    }
    return new StoryEvents(server, uri);
  }

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
