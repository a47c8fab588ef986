package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.TableDescription;
import ai.causeflow.dbaccess.core.TableInfo;
import ai.causeflow.dbaccess.mongo.testing.AttackDataset;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema and DBA operations. What the in-process test server lacks (explain, currentOp) is tested
 * as "not supported by this server" there, and for real when {@code CAUSEFLOW_TEST_MONGO_URI}
 * points at a MongoDB server.
 */
class MongoOperationsIT {
  static final MongoTestServer SERVER = MongoTestServer.shared();
  static String dbName;
  static MongoReadOnlyDataSource ds;

  @BeforeAll
  static void seed() {
    dbName = SERVER.createDatabase("ops");
    AttackDataset.seed(SERVER.database(dbName));
    Policy p = Policy.builder()
        .allowedOperations(MongoOperations.ALL)
        .blockedTables(List.of("secrets"))
        .blockedColumns(List.of("customers.profile.ssn", "*.password"))
        .build();
    ds = MongoReadOnlyDataSource.create(SERVER.client(), dbName,
        DataSourceSettings.builder("ops").policy(p).build(),
        MongoOptions.builder().sampleSize(10).build());
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  static QueryResult run(Operation op, String statement) {
    return ds.execute(QueryRequest.builder(op).statement(statement).build());
  }

  @Test
  void listTablesShowsAllowedCollectionsWithEstimatedCounts() {
    QueryResult r = ds.listTables();
    assertThat(r.rows()).extracting(row -> row.get("name"))
        .containsExactly("customers", "orders");
    List<TableInfo> infos = ds.tableInfos();
    // collections are named as the policy names them: no database prefix
    assertThat(infos).extracting(TableInfo::qualifiedName).containsExactly("customers", "orders");
    assertThat(infos.get(1).estimatedRows()).isEqualTo(40L);
    assertThat(infos.get(1).kind()).isEqualTo("collection");
  }

  @Test
  void describeTableInfersASchemaFromABoundedSampleWithoutBlockedFields() {
    QueryResult r = ds.describeTable("customers");
    assertThat(r.rows().get(0).get("sample_size")).isEqualTo(10);
    TableDescription d = ds.tableDescription("customers");
    assertThat(d.qualifiedName()).isEqualTo("customers");
    assertThat(d.kind()).isEqualTo("collection");
    assertThat(d.estimatedRows()).isEqualTo(20L);
    assertThat(d.primaryKey()).containsExactly("_id");
    assertThat(d.columns()).extracting(TableDescription.Field::name).contains("name", "profile",
        "profile.city", "addresses", "addresses.street", "addresses.zip", "password",
        "profile.ssn");
    assertThat(d.columns()).filteredOn(TableDescription.Field::blocked)
        .extracting(TableDescription.Field::name).containsExactlyInAnyOrder("password",
            "profile.ssn");
    TableDescription.Field street = d.columns().stream()
        .filter(f -> f.name().equals("addresses.street")).findFirst().orElseThrow();
    assertThat(street.type()).isEqualTo("string");
    assertThat(street.frequency()).isEqualTo(1.0);
    assertThat(street.nullable()).isFalse();
    assertThat(r.rows().toString()).doesNotContain(AttackDataset.SSN)
        .doesNotContain("hunter2").doesNotContain("Main St");
    assertThat(d.indexes()).extracting(TableDescription.Index::name).contains("_id_",
        "email_1");
    assertThat(d.indexes()).filteredOn(i -> i.name().equals("email_1"))
        .extracting(TableDescription.Index::columns).containsExactly(List.of("email"));
    assertThat(catchThrowableOfType(DbAccessException.class, () -> ds.describeTable("secrets"))
        .code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> ds.describeTable("system.users")).code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void sampleSizeIsBounded() {
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> MongoOptions.builder().sampleSize(1001).build()).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(MongoOptions.defaults().sampleSize()).isEqualTo(100);
  }

  @Test
  void collectionStats() {
    QueryResult r = run(MongoOperations.COLLECTION_STATS, "orders");
    assertThat(r.rows().get(0).get("count")).isEqualTo(40);
    assertThat(((Number) r.rows().get(0).get("size")).longValue()).isPositive();
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> run(MongoOperations.COLLECTION_STATS, "secrets")).code())
        .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
  }

  @Test
  void indexStatsFlagUnusedIndexes() {
    QueryResult r = run(MongoOperations.INDEX_STATS, "customers");
    assertThat(r.rows()).extracting(row -> row.get("name")).contains("_id_", "email_1");
    assertThat(r.rows()).allSatisfy(row -> assertThat(row).containsKeys("ops", "unused"));
  }

  @Test
  void serverStatusReportsConnections() {
    QueryResult r = run(MongoOperations.SERVER_STATUS, "");
    assertThat(r.rowCount()).isEqualTo(1);
    assertThat(r.rows().get(0).get("connections")).isInstanceOf(Map.class);
  }

  @Test
  void currentOpsIsNotSupportedByTheInProcessServer() {
    assumeTrue(SERVER.inProcess(), "a real server answers currentOp");
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> run(MongoOperations.CURRENT_OPS, ""));
    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    assertThat(e.getMessage()).contains("not supported by this server");
    assertThat(e.driverCode()).contains("59");
  }

  @Test
  void currentOpsOnARealServer() {
    assumeFalse(SERVER.inProcess(), "set CAUSEFLOW_TEST_MONGO_URI to run against a real server");
    QueryResult r = run(MongoOperations.CURRENT_OPS, "");
    assertThat(r.columns()).extracting(c -> c.name()).contains("opid", "secs_running",
        "waiting_for_lock", "command");
  }

  @Test
  void explainIsNotSupportedByTheInProcessServer() {
    assumeTrue(SERVER.inProcess(), "a real server answers explain");
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.explain("{\"find\": \"orders\", \"filter\": {\"status\": \"late\"}}"));
    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FAILED);
    assertThat(e.getMessage()).contains("not supported by this server");
  }

  @Test
  void explainOnARealServerIsQueryPlannerOnly() {
    assumeFalse(SERVER.inProcess(), "set CAUSEFLOW_TEST_MONGO_URI to run against a real server");
    QueryResult r = ds.explain("{\"find\": \"orders\", \"filter\": {\"status\": \"late\"}}");
    assertThat(r.rows().get(0)).containsKey("queryPlanner");
    assertThat(r.rows().toString()).doesNotContain("executionStats");
  }

  @Test
  void explainIsValidatedLikeAQuery() {
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> ds.explain("{\"aggregate\": \"orders\", \"pipeline\": [{\"$out\": \"x\"}]}"))
        .code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
  }

  @Test
  void countAndDistinct() {
    QueryResult c = ds.execute(QueryRequest.query("{\"count\": \"orders\", \"query\":"
        + " {\"status\": \"late\"}}").build());
    assertThat(c.rows().get(0).get("count")).isEqualTo(10L);
    QueryResult d = ds.execute(QueryRequest.query("{\"distinct\": \"orders\", \"key\":"
        + " \"status\"}").build());
    assertThat(d.rows()).extracting(r -> r.get("value")).containsExactlyInAnyOrder("ok",
        "late");
    QueryResult capped = ds.execute(QueryRequest.query("{\"distinct\": \"orders\", \"key\":"
        + " \"total\"}").limit(5).build());
    assertThat(capped.rowCount()).isEqualTo(5);
    assertThat(capped.truncated()).isTrue();
  }

  @Test
  void closingTheDataSourceLeavesTheUsersClientOpen() {
    MongoReadOnlyDataSource.create(SERVER.client(), dbName,
        DataSourceSettings.builder("closing").build()).close();
    assertThat(SERVER.database(dbName).runCommand(new org.bson.Document("ping", 1))
        .get("ok")).isNotNull();
  }

  @Test
  void dbaReadsTakeACollectionOrNothing() {
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> run(MongoOperations.SERVER_STATUS, "orders")).code())
        .isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> run(MongoOperations.INDEX_STATS, "")).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
  }
}
