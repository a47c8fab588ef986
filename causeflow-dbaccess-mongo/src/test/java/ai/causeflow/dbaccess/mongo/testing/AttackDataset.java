package ai.causeflow.dbaccess.mongo.testing;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Documents with nested PII for the attack and masking tests: {@code customers} (profile.ssn,
 * addresses[].zip, password, email), {@code orders}, and {@code secrets}, plus a fingerprint of
 * the whole database (collections, indexes, every document) to prove nothing changed.
 *
 * <p>Thread-safety: static helpers.
 */
public final class AttackDataset {
  public static final String SSN = "123-45-6789";
  public static final String PASSWORD = "hunter2-canary-5501";
  public static final String ZIP = "94107-canary";
  public static final String SECRET = "s3cr3t-canary-7731";

  private AttackDataset() {}

  public static void seed(MongoDatabase db) {
    List<Document> customers = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      customers.add(new Document("_id", i)
          .append("name", "customer-" + i)
          .append("email", "c" + i + "@example.com")
          .append("password", PASSWORD + i)
          .append("profile", new Document("ssn", SSN).append("city", "Springfield")
              .append("tier", i % 3))
          .append("addresses", List.of(
              new Document("street", i + " Main St").append("zip", ZIP),
              new Document("street", i + " Side St").append("zip", ZIP)))
          .append("card", "4111 1111 1111 1111"));
    }
    db.getCollection("customers").insertMany(customers);
    db.getCollection("customers").createIndex(Indexes.ascending("email"),
        new IndexOptions().name("email_1"));
    List<Document> orders = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      orders.add(new Document("_id", i).append("customerId", 1 + i % 20)
          .append("total", i * 10).append("status", i % 4 == 0 ? "late" : "ok"));
    }
    db.getCollection("orders").insertMany(orders);
    db.getCollection("secrets").insertOne(new Document("_id", 1).append("value", SECRET));
  }

  /** A digest of every collection name, index and document of {@code db}. */
  public static String fingerprint(MongoDatabase db) {
    TreeMap<String, String> parts = new TreeMap<>();
    for (String name : db.listCollectionNames()) {
      StringBuilder sb = new StringBuilder();
      for (BsonDocument ix : db.getCollection(name).listIndexes(BsonDocument.class)) {
        sb.append(ix.toJson()).append('\n');
      }
      for (BsonDocument d : db.getCollection(name, BsonDocument.class).find()
          .sort(new Document("_id", 1))) {
        sb.append(d.toJson()).append('\n');
      }
      parts.put(name, sb.toString());
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(parts.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return parts.keySet() + ":" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
