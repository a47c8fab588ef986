package ai.causeflow.dbaccess.mongo;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.ReadOnlyDataSource;
import ai.causeflow.dbaccess.core.spi.QueryPlan;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import ai.causeflow.dbaccess.testkit.ReadOnlyDataSourceContract;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite over the user's MongoClient ({@code create}). */
class MongoContractIT extends ReadOnlyDataSourceContract {
  static final MongoTestServer SERVER = MongoTestServer.shared();
  static String db;
  static final List<MongoClient> UNREACHABLE = new ArrayList<>();

  static final String PROJECTION = "\"projection\": {\"_id\": 0, \"id\": 1, \"name\": 1,"
      + " \"email\": 1, \"note\": 1}";

  @BeforeAll
  static void seed() {
    db = SERVER.createDatabase("contract");
    SERVER.seedContract(db);
  }

  @AfterAll
  static void closeClients() {
    UNREACHABLE.forEach(MongoClient::close);
  }

  @Override
  protected ReadOnlyDataSource createDataSource(DataSourceSettings settings) {
    return MongoReadOnlyDataSource.create(SERVER.client(), db, settings);
  }

  @Override
  protected ReadOnlyDataSource createUnreachableDataSource(DataSourceSettings settings) {
    MongoClient c = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + closedPort()))
        .applyToClusterSettings(b -> b.serverSelectionTimeout(2, TimeUnit.SECONDS))
        .applyToSocketSettings(b -> b.connectTimeout(2, TimeUnit.SECONDS))
        .build());
    UNREACHABLE.add(c);
    return MongoReadOnlyDataSource.create(c, "nowhere", settings);
  }

  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected String itemsTable() {
    return "items";
  }

  @Override
  protected String secretsTable() {
    return "secrets";
  }

  @Override
  protected String selectAllItems() {
    return "{\"find\": \"items\", " + PROJECTION + ", \"sort\": {\"id\": 1}}";
  }

  @Override
  protected String selectItemById() {
    return "{\"find\": \"items\", \"filter\": {\"id\": {\"$param\": 1}}, " + PROJECTION + "}";
  }

  @Override
  protected String selectSecrets() {
    return "{\"find\": \"secrets\"}";
  }

  @Override
  protected List<String> writeAttempts() {
    return List.of(
        "{\"insert\": \"items\", \"documents\": [{\"id\": 999}]}",
        "{\"update\": \"items\", \"updates\": [{\"q\": {}, \"u\": {\"$set\": {\"name\": \"x\"}}}]}",
        "{\"delete\": \"items\", \"deletes\": [{\"q\": {}, \"limit\": 0}]}",
        "{\"findAndModify\": \"items\", \"query\": {}, \"remove\": true}",
        "{\"drop\": \"items\"}",
        "{\"aggregate\": \"items\", \"pipeline\": [{\"$out\": \"stolen\"}]}",
        "{\"aggregate\": \"items\", \"pipeline\": [{\"$merge\": {\"into\": \"items\"}}]}",
        "{\"aggregate\": \"items\", \"pipeline\": [{\"$facet\": {\"a\": [{\"$merge\":"
            + " \"stolen\"}]}}]}",
        "{\"find\": \"items\", \"filter\": {\"$where\": \"this.id > 0\"}}",
        "{\"createIndexes\": \"items\", \"indexes\": [{\"key\": {\"x\": 1}, \"name\": \"x\"}]}");
  }

  /**
   * Against a real server: a cross product that maxTimeMS stops at the server. The in-process
   * server ignores maxTimeMS and keeps computing after the client gave up, which starves the
   * contract's follow-up query of its 300 ms; {@link MongoExecutionIT} covers timeout and cancel
   * there instead.
   */
  @Override
  protected @Nullable String slowQuery() {
    return SERVER.inProcess() ? null : MongoExecutionIT.SLOW;
  }

  @Override
  protected String failingQueryQuoting(String secret) {
    // an invalid regular expression: the server's message quotes the pattern
    return "{\"find\": \"items\", \"filter\": {\"name\": {\"$regex\": \"(" + secret + "\"}}}";
  }

  @Override
  protected long countItemsDirectly() {
    return SERVER.database(db).getCollection("items").countDocuments();
  }

  @Override
  protected boolean supportsExplain() {
    return !SERVER.inProcess();
  }

  @Override
  protected QueryPlan.ColumnScope columnScope() {
    return QueryPlan.ColumnScope.DOCUMENTS;
  }

  @Override
  protected String queryWithLiteral(String literal) {
    return "{\"find\": \"items\", \"filter\": {\"name\": \"" + literal + "\"}}";
  }
}
