package ai.causeflow.dbaccess.mongo;

import static ai.causeflow.dbaccess.core.ErrorCode.COLUMN_NOT_ALLOWED;
import static ai.causeflow.dbaccess.core.ErrorCode.INVALID_PARAMS;
import static ai.causeflow.dbaccess.core.ErrorCode.QUERY_BLOCKED;
import static ai.causeflow.dbaccess.core.ErrorCode.TABLE_NOT_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.core.ValueJson;
import ai.causeflow.dbaccess.core.audit.AuditEvent;
import ai.causeflow.dbaccess.core.audit.AuditOutcome;
import ai.causeflow.dbaccess.core.audit.AuditSink;
import ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink;
import ai.causeflow.dbaccess.mongo.testing.AttackDataset;
import ai.causeflow.dbaccess.mongo.testing.MongoTestServer;
import com.mongodb.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Command documents that try to write, run JavaScript, reach other collections or databases, read
 * blocked fields under another name, inject operators through parameters, or exhaust the server.
 * Each must be refused with its code, with no canary value in the message or the audit log, and
 * after each the database (collections, indexes, documents) must be unchanged.
 */
class MongoAttackIT {
  static final MongoTestServer SERVER = MongoTestServer.shared();
  static String dbName;
  static MongoDatabase db;
  static String before;
  static MongoReadOnlyDataSource ds;
  static final AuditSink.InMemory AUDIT = AuditSink.inMemory();

  static final Policy POLICY = Policy.builder()
      .allowedTables(List.of("customers", "orders"))
      .blockedColumns(List.of("customers.profile.ssn", "*.password", "customers.addresses.zip"))
      .build();

  /** {@code code} null: the statement runs, and no canary value may be in its result. */
  record Case(String name, String statement, List<@Nullable Object> params,
      @Nullable ErrorCode code) {}

  static final List<Case> CASES = new ArrayList<>();

  static void strip(String name, String statement) {
    CASES.add(new Case(name, statement.replace('\'', '"'), List.of(), null));
  }

  static void refuse(String name, ErrorCode code, String statement, Object... params) {
    CASES.add(new Case(name, statement.replace('\'', '"'), List.of(params), code));
  }

  static String nested(int levels) {
    return "{'a':".repeat(levels) + "1" + "}".repeat(levels);
  }

  static {
    // ---- other commands ----
    refuse("insert", QUERY_BLOCKED, "{'insert': 'customers', 'documents': [{'_id': 99}]}");
    refuse("update", QUERY_BLOCKED,
        "{'update': 'customers', 'updates': [{'q': {}, 'u': {'$set': {'name': 'x'}}}]}");
    refuse("delete", QUERY_BLOCKED, "{'delete': 'customers', 'deletes': [{'q': {}, 'limit': 0}]}");
    refuse("findAndModify", QUERY_BLOCKED,
        "{'findAndModify': 'customers', 'query': {}, 'remove': true}");
    refuse("drop", QUERY_BLOCKED, "{'drop': 'customers'}");
    refuse("dropDatabase", QUERY_BLOCKED, "{'dropDatabase': 1}");
    refuse("createIndexes", QUERY_BLOCKED,
        "{'createIndexes': 'customers', 'indexes': [{'key': {'x': 1}, 'name': 'x_1'}]}");
    refuse("create", QUERY_BLOCKED, "{'create': 'stolen'}");
    refuse("renameCollection", QUERY_BLOCKED,
        "{'renameCollection': 'db.customers', 'to': 'db.gone'}");
    refuse("mapReduce", QUERY_BLOCKED,
        "{'mapReduce': 'customers', 'map': 'function(){}', 'reduce': 'function(){}', 'out': 'x'}");
    refuse("eval", QUERY_BLOCKED, "{'eval': 'db.customers.drop()'}");
    refuse("applyOps", QUERY_BLOCKED, "{'applyOps': []}");
    refuse("killOp", QUERY_BLOCKED, "{'killOp': 1, 'op': 1}");
    refuse("explain with executionStats as a query", QUERY_BLOCKED,
        "{'explain': {'find': 'customers'}, 'verbosity': 'executionStats'}");
    refuse("getMore", QUERY_BLOCKED, "{'getMore': 1, 'collection': 'customers'}");
    refuse("command key not first", QUERY_BLOCKED, "{'filter': {}, 'find': 'customers'}");
    refuse("find with writeConcern", QUERY_BLOCKED, "{'find': 'customers', 'writeConcern': {}}");
    refuse("find with let", QUERY_BLOCKED, "{'find': 'customers', 'let': {'x': 1}}");
    refuse("find with own maxTimeMS", QUERY_BLOCKED, "{'find': 'customers', 'maxTimeMS': 999999}");
    refuse("find with negative limit", QUERY_BLOCKED, "{'find': 'customers', 'limit': -5}");
    refuse("aggregate with allowDiskUse", QUERY_BLOCKED,
        "{'aggregate': 'customers', 'pipeline': [], 'allowDiskUse': true}");
    refuse("aggregate with explain flag", QUERY_BLOCKED,
        "{'aggregate': 'customers', 'pipeline': [], 'explain': true}");
    refuse("database-level aggregate", QUERY_BLOCKED,
        "{'aggregate': 1, 'pipeline': [{'$currentOp': {}}]}");

    // ---- writing stages, top level and nested ----
    refuse("$out", QUERY_BLOCKED, "{'aggregate': 'customers', 'pipeline': [{'$out': 'stolen'}]}");
    refuse("$merge", QUERY_BLOCKED,
        "{'aggregate': 'customers', 'pipeline': [{'$merge': {'into': 'orders'}}]}");
    refuse("$out in $facet", QUERY_BLOCKED,
        "{'aggregate': 'orders', 'pipeline': [{'$facet': {'a': [{'$out': 'stolen'}]}}]}");
    refuse("$merge in $lookup", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline': [{'$lookup':"
        + " {'from': 'orders', 'pipeline': [{'$merge': 'stolen'}], 'as': 'x'}}]}");
    refuse("$out in $unionWith", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$unionWith': {'coll': 'orders', 'pipeline': [{'$out': 'stolen'}]}}]}");
    refuse("$merge in $facet in $lookup", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': 'orders', 'as': 'x', 'pipeline': [{'$facet': {'b':"
        + " [{'$merge': {'into': 'orders', 'whenMatched': 'replace'}}]}}]}}]}");

    // ---- refused and unknown stages ----
    for (String stage : List.of("$currentOp", "$listSessions", "$changeStream",
        "$planCacheStats", "$collStats", "$indexStats", "$listLocalSessions",
        "$shardedDataDistribution", "$search", "$foo")) {
      refuse(stage, QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline': [{'" + stage + "': {}}]}");
    }
    refuse("$documents", QUERY_BLOCKED,
        "{'aggregate': 'orders', 'pipeline': [{'$documents': [{'a': 1}]}]}");
    refuse("$currentOp in $lookup", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': 'orders', 'as': 'x', 'pipeline': [{'$currentOp': {}}]}}]}");
    refuse("$collStats in $facet", QUERY_BLOCKED,
        "{'aggregate': 'orders', 'pipeline': [{'$facet': {'s': [{'$collStats': {}}]}}]}");
    refuse("$documents in $unionWith", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$unionWith': {'coll': 'orders', 'pipeline': [{'$documents': [{'a': 1}]}]}}]}");

    // ---- JavaScript anywhere ----
    refuse("$where", QUERY_BLOCKED, "{'find': 'orders', 'filter': {'$where': 'sleep(10000)'}}");
    refuse("$where in $and", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'$and': [{'status': 'ok'}, {'$where': 'true'}]}}");
    refuse("$where in $elemMatch", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'items': {'$elemMatch': {'$where': 'true'}}}}");
    refuse("$function in $expr", QUERY_BLOCKED, "{'find': 'orders', 'filter': {'$expr':"
        + " {'$function': {'body': 'function(){return true}', 'args': [], 'lang': 'js'}}}}");
    refuse("$function in $project", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$project': {'x': {'$function': {'body': 'function(){}', 'args': [], 'lang':"
        + " 'js'}}}}]}");
    refuse("$accumulator in $group", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$group': {'_id': null, 'x': {'$accumulator': {'init': 'function(){}', 'accumulate':"
        + " 'function(){}', 'accumulateArgs': [], 'merge': 'function(){}', 'lang': 'js'}}}}]}");
    refuse("$function in $lookup $match", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': 'orders', 'as': 'x', 'pipeline': [{'$match': {'$expr':"
        + " {'$function': {'body': 'f', 'args': [], 'lang': 'js'}}}}, {'$project':"
        + " {'total': 1}}]}}]}");
    refuse("$code value", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'status': {'$code': 'function(){}'}}}");
    refuse("$where in count", QUERY_BLOCKED, "{'count': 'orders', 'query': {'$where': 'true'}}");
    refuse("$where in distinct", QUERY_BLOCKED,
        "{'distinct': 'orders', 'key': 'status', 'query': {'$where': 'true'}}");
    refuse("$function in $facet", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$facet': {'f': [{'$addFields': {'x': {'$function': {'body': 'f', 'args': [],"
        + " 'lang': 'js'}}}}]}}]}");
    refuse("$where hidden in $literal", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'$expr': {'$literal': {'$where': 'x'}}}}");

    // ---- collections and databases ----
    refuse("find secrets", TABLE_NOT_ALLOWED, "{'find': 'secrets'}");
    refuse("count secrets", TABLE_NOT_ALLOWED, "{'count': 'secrets'}");
    refuse("distinct secrets", TABLE_NOT_ALLOWED, "{'distinct': 'secrets', 'key': 'value'}");
    refuse("$lookup secrets", TABLE_NOT_ALLOWED, "{'aggregate': 'orders', 'pipeline': [{'$lookup':"
        + " {'from': 'secrets', 'localField': 'x', 'foreignField': 'x', 'as': 's'}}]}");
    refuse("$unionWith secrets", TABLE_NOT_ALLOWED,
        "{'aggregate': 'orders', 'pipeline': [{'$unionWith': 'secrets'}]}");
    refuse("$graphLookup secrets", TABLE_NOT_ALLOWED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$graphLookup': {'from': 'secrets', 'startWith': '$x', 'connectFromField': 'a',"
        + " 'connectToField': 'b', 'as': 's', 'maxDepth': 1}}]}");
    refuse("$lookup secrets in $facet", TABLE_NOT_ALLOWED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$facet': {'f': [{'$lookup': {'from': 'secrets', 'pipeline': [], 'as': 's'}},"
        + " {'$count': 'n'}]}}]}");
    refuse("$unionWith secrets in $lookup", TABLE_NOT_ALLOWED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$lookup': {'from': 'orders', 'as': 'x', 'pipeline': [{'$unionWith':"
        + " {'coll': 'secrets'}}]}}]}");
    refuse("system.users", TABLE_NOT_ALLOWED, "{'find': 'system.users'}");
    refuse("system.js via $lookup", TABLE_NOT_ALLOWED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': 'system.js', 'pipeline': [], 'as': 'j'}}]}");
    refuse("dotted other database name", TABLE_NOT_ALLOWED, "{'find': 'admin.system.users'}");
    refuse("$lookup into another database", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': {'db': 'admin', 'coll': 'system.users'}, 'pipeline': [],"
        + " 'as': 'u'}}]}");
    refuse("$unionWith into another database", QUERY_BLOCKED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$unionWith': {'db': 'admin', 'coll': 'system.users'}}]}");
    refuse("collection with $", QUERY_BLOCKED, "{'find': 'orders$cmd'}");

    // ---- blocked fields through every projection and expression trick ----
    // included in place: runs, and the blocked field is removed from every document
    strip("projection of profile.ssn", "{'find': 'customers', 'projection': {'profile.ssn': 1}}");
    strip("projection of password", "{'find': 'customers', 'projection': {'password': 1}}");
    strip("projection of the parent", "{'find': 'customers', 'projection': {'profile': 1}}");
    strip("$project of password in place", "{'aggregate': 'customers', 'pipeline':"
        + " [{'$project': {'password': 1, 'addresses': 1}}]}");
    strip("$slice of addresses", "{'find': 'customers', 'projection': {'addresses':"
        + " {'$slice': 1}}}");
    refuse("filter on profile.ssn", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'profile.ssn': {'$regex': '^1'}}}");
    refuse("sort by password", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'sort': {'password': 1}}");
    refuse("computed projection", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'projection': {'x': '$profile.ssn'}}");
    refuse("rename the parent", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$project': {'p': '$profile'}}]}");
    refuse("$replaceRoot to the parent", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$replaceRoot': {'newRoot': '$profile'}}]}");
    refuse("$replaceWith $$ROOT", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$replaceWith': {'doc': '$$ROOT'}}]}");
    refuse("$push $$ROOT", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$group': {'_id': null, 'all': {'$push': '$$ROOT'}}}]}");
    refuse("$objectToArray of $$ROOT", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'kv': {'$objectToArray': '$$ROOT'}}}]}");
    refuse("$objectToArray of the parent", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'kv': {'$objectToArray': '$profile'}}}]}");
    refuse("self $lookup returning whole documents", COLUMN_NOT_ALLOWED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$lookup': {'from': 'customers', 'localField': 'customerId',"
        + " 'foreignField': '_id', 'as': 'c'}}]}");
    refuse("$lookup pipeline without projection", COLUMN_NOT_ALLOWED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$lookup': {'from': 'customers', 'pipeline': [{'$limit': 1}],"
        + " 'as': 'c'}}]}");
    refuse("$facet branch of whole documents", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$facet': {'all': [{'$limit': 5}]}}]}");
    refuse("$unionWith whole documents", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'orders', 'pipeline': [{'$unionWith': 'customers'}]}");
    refuse("$graphLookup over customers", COLUMN_NOT_ALLOWED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$graphLookup': {'from': 'customers', 'startWith': '$customerId',"
        + " 'connectFromField': '_id', 'connectToField': '_id', 'as': 'c', 'maxDepth': 1}}]}");
    refuse("distinct of profile.ssn", COLUMN_NOT_ALLOWED,
        "{'distinct': 'customers', 'key': 'profile.ssn'}");
    refuse("$getField password", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$project': {'x': {'$getField': 'password'}}}]}");
    refuse("$getField ssn of profile", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'x': {'$getField': {'field': 'ssn', 'input':"
        + " '$profile'}}}}]}");
    refuse("$let alias of the parent", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'x': {'$let': {'vars': {'p': '$profile'}, 'in':"
        + " '$$p.ssn'}}}}]}");
    refuse("$map over addresses reading zip", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'z': {'$map': {'input': '$addresses', 'as': 'a', 'in':"
        + " '$$a.zip'}}}}]}");
    refuse("$filter returning whole addresses", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$project': {'z': {'$filter': {'input': '$addresses', 'cond':"
        + " true}}}}]}");
    refuse("$reduce over addresses", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$project': {'z': {'$reduce': {'input': '$addresses', 'initialValue': '', 'in':"
        + " {'$concat': ['$$value', '$$this.zip']}}}}}]}");
    refuse("$first of the parent", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$group': {'_id': null, 'p': {'$first': '$profile'}}}]}");
    refuse("$top sorted by password", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers',"
        + " 'pipeline': [{'$group': {'_id': null, 't': {'$top': {'sortBy': {'password': 1},"
        + " 'output': '$name'}}}}]}");
    refuse("equality oracle on a sub-document", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'profile': {'ssn': '123-45-6789', 'city': 'x'}}}");
    refuse("range oracle on a sub-document", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'profile': {'$gt': {'ssn': '5'}}}}");
    refuse("$elemMatch on zip", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'addresses': {'$elemMatch': {'zip': {'$gt': '9'}}}}}");
    refuse("$text over blocked fields", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'$text': {'$search': 'hunter2'}}}");
    refuse("$lookup joining on password", COLUMN_NOT_ALLOWED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$lookup': {'from': 'orders', 'localField': 'password',"
        + " 'foreignField': 'x', 'as': 'j'}}]}");
    refuse("$addFields copy", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$addFields': {'x': '$password'}}]}");
    refuse("$bucket by ssn", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$bucket': {'groupBy': '$profile.ssn', 'boundaries': ['0', '5', '9']}}]}");
    refuse("$setWindowFields sorted by password", COLUMN_NOT_ALLOWED, "{'aggregate':"
        + " 'customers', 'pipeline': [{'$setWindowFields': {'sortBy': {'password': 1}, 'output':"
        + " {'r': {'$rank': {}}}}}]}");
    refuse("$$CURRENT.password", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$project': {'x': '$$CURRENT.password'}}]}");
    refuse("$unwind then read zip", COLUMN_NOT_ALLOWED, "{'aggregate': 'customers', 'pipeline':"
        + " [{'$unwind': '$addresses'}, {'$project': {'z': '$addresses.zip'}}]}");
    refuse("$sortByCount of ssn", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$sortByCount': '$profile.ssn'}]}");
    refuse("array position path", COLUMN_NOT_ALLOWED,
        "{'find': 'customers', 'filter': {'addresses.0.zip': {'$exists': true}}}");
    strip("array position projection", "{'find': 'customers', 'projection':"
        + " {'addresses.0.zip': 1}}");
    refuse("password of an order join", COLUMN_NOT_ALLOWED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$lookup': {'from': 'customers', 'as': 'c', 'pipeline': [{'$project': {'password':"
        + " 1}}]}}]}");

    // ---- operator injection through parameters ----
    refuse("object parameter with $ne", INVALID_PARAMS,
        "{'find': 'customers', 'filter': {'email': {'$param': 1}}}", Map.of("$ne", ""));
    refuse("object parameter with $where", INVALID_PARAMS,
        "{'find': 'customers', 'filter': {'email': {'$param': 1}}}", Map.of("$where", "true"));
    refuse("array parameter holding an object", INVALID_PARAMS,
        "{'find': 'customers', 'filter': {'email': {'$in': {'$param': 1}}}}",
        List.of(Map.of("$gt", "")));
    refuse("string parameter naming a blocked field", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$project': {'x': {'$param': 1}}}]}",
        "$password");
    refuse("string parameter $$ROOT", COLUMN_NOT_ALLOWED,
        "{'aggregate': 'customers', 'pipeline': [{'$replaceWith': {'d': {'$param': 1}}}]}",
        "$$ROOT");
    refuse("placeholder without a value", INVALID_PARAMS,
        "{'find': 'orders', 'filter': {'status': {'$param': 2}}}", "late");
    refuse("placeholder with extra keys", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'status': {'$param': 1, '$where': 'x'}}}", "late");

    // ---- malformed, oversize, deep, unbounded ----
    refuse("duplicate keys", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'status': 'ok'}, 'filter': {'total': 1}}");
    refuse("deep nesting", QUERY_BLOCKED, "{'find': 'orders', 'filter': " + nested(200) + "}");
    refuse("shell syntax", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'_id': ObjectId('5f1d7c7e9d1e8a3b2c4d5e6f')}}");
    refuse("trailing command", QUERY_BLOCKED, "{'find': 'orders'} {'drop': 'orders'}");
    refuse("array instead of document", QUERY_BLOCKED, "[{'find': 'orders'}]");
    refuse("empty document", QUERY_BLOCKED, "{}");
    refuse("NUL in a key", QUERY_BLOCKED, "{'find': 'orders', 'filter': {'a\\u0000b': 1}}");
    refuse("unknown query operator", QUERY_BLOCKED,
        "{'find': 'orders', 'filter': {'status': {'$foo': 1}}}");
    refuse("undefined variable", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$project': {'r': '$$USER_ROLES'}}]}");
    refuse("unknown expression operator", QUERY_BLOCKED,
        "{'aggregate': 'orders', 'pipeline': [{'$project': {'x': {'$evalJs': 1}}}]}");
    String facets = "{'aggregate': 'orders', 'pipeline': " + "[{'$facet': {'f': ".repeat(10)
        + "[]" + "}}]".repeat(10) + "}";
    refuse("pipelines nested 10 deep", QUERY_BLOCKED, facets);
    refuse("too many stages", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline': ["
        + String.join(",", java.util.Collections.nCopies(101, "{'$skip': 0}")) + "]}");
    refuse("$graphLookup without maxDepth", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$graphLookup': {'from': 'orders', 'startWith': '$_id', 'connectFromField': '_id',"
        + " 'connectToField': 'customerId', 'as': 'g'}}]}");
    refuse("$densify over the full range", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$densify': {'field': 'total', 'range': {'step': 0.000001, 'bounds': 'full'}}}]}");
    refuse("$densify generating millions", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$densify': {'field': 'total', 'range': {'step': 1, 'bounds': [0, 1e9]}}}]}");
    refuse("$sample of a billion", QUERY_BLOCKED,
        "{'aggregate': 'orders', 'pipeline': [{'$sample': {'size': 1000000000}}]}");
    refuse("$bucketAuto with a million buckets", QUERY_BLOCKED, "{'aggregate': 'orders',"
        + " 'pipeline': [{'$bucketAuto': {'groupBy': '$total', 'buckets': 1000000}}]}");
    refuse("$graphLookup maxDepth 10000", QUERY_BLOCKED, "{'aggregate': 'orders', 'pipeline':"
        + " [{'$graphLookup': {'from': 'orders', 'startWith': '$_id', 'connectFromField': '_id',"
        + " 'connectToField': 'customerId', 'as': 'g', 'maxDepth': 10000}}]}");
  }

  @BeforeAll
  static void seed() {
    dbName = SERVER.createDatabase("attack");
    db = SERVER.database(dbName);
    AttackDataset.seed(db);
    before = AttackDataset.fingerprint(db);
    ds = MongoReadOnlyDataSource.create(SERVER.client(), dbName,
        DataSourceSettings.builder("attack").policy(POLICY).auditSink(AUDIT).build());
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  @Test
  void theSuiteIsLargeEnough() {
    assertThat(CASES.stream().filter(c -> c.code() != null)).hasSizeGreaterThanOrEqualTo(60);
  }

  @TestFactory
  Stream<DynamicTest> everyAttackIsRefusedAndNothingChanges() {
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      int events = AUDIT.events().size();
      List<String> canaries = List.of(AttackDataset.SSN, AttackDataset.PASSWORD,
          AttackDataset.ZIP, AttackDataset.SECRET);
      if (c.code() == null) {
        QueryResult r = ds.execute(QueryRequest.query(c.statement()).parameters(c.params())
            .build());
        String json = ValueJson.toJson(r.rows());
        assertThat(r.rowCount()).as(c.name()).isPositive();
        for (String canary : canaries) {
          assertThat(json).as(c.name()).doesNotContain(canary);
        }
      } else {
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> ds.execute(QueryRequest.query(c.statement()).parameters(c.params()).build()));
        assertThat(e).as("refused: %s", c.statement()).isNotNull();
        assertThat(e.code()).as("code of %s (%s)", c.name(), e.getMessage()).isEqualTo(c.code());
        for (String canary : canaries) {
          assertThat(e.getMessage()).doesNotContain(canary);
        }
      }
      List<AuditEvent> all = AUDIT.events();
      assertThat(all).hasSize(events + 1);
      AuditEvent ev = all.get(all.size() - 1);
      assertThat(ev.outcome()).isEqualTo(c.code() == null ? AuditOutcome.OK
          : AuditOutcome.REFUSED);
      String line = new String(JsonLinesAuditSink.toJsonLine(ev), StandardCharsets.UTF_8);
      assertThat(line).doesNotContain(AttackDataset.SSN).doesNotContain("hunter2-canary");
      assertThat(AttackDataset.fingerprint(db)).as("database unchanged after %s", c.name())
          .isEqualTo(before);
    }));
  }

  @Test
  void theSamePolicyStillServesSafeReadsWithBlockedFieldsStripped() {
    QueryResult all = ds.execute(QueryRequest.query("{\"find\": \"customers\"}").build());
    assertThat(all.rowCount()).isEqualTo(20);
    String text = all.rows().toString();
    assertThat(text).doesNotContain(AttackDataset.SSN).doesNotContain("hunter2-canary")
        .doesNotContain(AttackDataset.ZIP).contains("Springfield").contains("Main St");
    QueryResult joined = ds.execute(QueryRequest.query(("{'aggregate': 'orders', 'pipeline': ["
        + "{'$match': {'status': 'late'}}, {'$lookup': {'from': 'customers', 'as': 'c',"
        + " 'let': {'cid': '$customerId'}, 'pipeline': [{'$match': {'$expr': {'$eq': ['$_id',"
        + " '$$cid']}}}, {'$project': {'name': 1, 'profile.city': 1}}]}},"
        + " {'$facet': {'n': [{'$count': 'n'}], 'byCity': [{'$unwind': '$c'}, {'$group':"
        + " {'_id': '$c.profile.city', 'total': {'$sum': '$total'}}}]}}]}").replace('\'', '"'))
        .build());
    assertThat(joined.rowCount()).isEqualTo(1);
    assertThat(joined.rows().get(0).toString()).contains("Springfield").contains("n=10")
        .doesNotContain(AttackDataset.SSN);
    QueryResult streets = ds.execute(QueryRequest.query(("{'aggregate': 'customers', 'pipeline':"
        + " [{'$project': {'_id': 0, 's': {'$map': {'input': '$addresses', 'as': 'a', 'in':"
        + " '$$a.street'}}}}, {'$limit': 1}]}").replace('\'', '"')).build());
    assertThat(streets.rows().get(0).toString()).contains("Main St")
        .doesNotContain(AttackDataset.ZIP);
    assertThat(AttackDataset.fingerprint(db)).isEqualTo(before);
  }

  @Test
  void anOversizeStatementIsRefusedBeforeAnything() {
    String huge = "{\"find\": \"orders\", \"filter\": {\"status\": \""
        + "x".repeat(QueryRequest.MAX_STATEMENT_CHARS) + "\"}}";
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> ds.execute(QueryRequest.query(huge).build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(AttackDataset.fingerprint(db)).isEqualTo(before);
  }
}
