package ai.causeflow.dbaccess.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.util.List;
import org.bson.BsonDocument;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The validator alone (no server): what it accepts, what it refuses, and what it names. */
class CommandValidatorTest {
  static final Policy POLICY = Policy.builder()
      .allowedTables(List.of("customers", "orders"))
      .blockedColumns(List.of("customers.profile.ssn", "*.password"))
      .build();

  static CommandValidator.Result validate(String json, @Nullable Object... params) {
    BsonDocument cmd = CommandParser.parse(json.replace('\'', '"'), List.of(params));
    return CommandValidator.validate(cmd, POLICY, FieldRules.of(POLICY.blockedColumns()));
  }

  static DbAccessException refusal(String json, @Nullable Object... params) {
    return catchThrowableOfType(DbAccessException.class, () -> validate(json, params));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{'find': 'orders'}",
      "{'find': 'orders', 'filter': {'status': 'late', 'total': {'$gte': 10, '$lt': 100}},"
          + " 'projection': {'status': 1, 'total': 1}, 'sort': {'total': -1}, 'limit': 5,"
          + " 'skip': 2, 'hint': {'status': 1}, 'collation': {'locale': 'en', 'strength': 2}}",
      "{'find': 'customers', 'projection': {'profile.city': 1, 'name': 1}}",
      "{'find': 'customers', 'projection': {'password': 0}}",
      "{'find': 'customers', 'projection': {'password': 1, 'profile': 1}}",
      "{'find': 'customers', 'filter': {'$or': [{'name': {'$regex': '^a', '$options': 'i'}},"
          + " {'tags': {'$all': ['x']}}], 'addresses': {'$elemMatch': {'street': {'$exists':"
          + " true}}}}}",
      "{'count': 'orders', 'query': {'status': 'late'}, 'limit': 10}",
      "{'distinct': 'orders', 'key': 'status', 'query': {'total': {'$gt': 5}}}",
      "{'aggregate': 'orders', 'pipeline': [{'$match': {'status': 'late'}}, {'$group': {'_id':"
          + " '$customerId', 'n': {'$sum': 1}, 'total': {'$sum': '$total'}}}, {'$sort': {'n': -1}},"
          + " {'$limit': 10}], 'cursor': {}}",
      "{'aggregate': 'orders', 'pipeline': [{'$lookup': {'from': 'customers', 'localField':"
          + " 'customerId', 'foreignField': '_id', 'as': 'c', 'pipeline': [{'$project': {'name':"
          + " 1}}]}}, {'$unwind': '$c'}, {'$project': {'total': 1, 'who': '$c.name'}}]}",
      "{'aggregate': 'customers', 'pipeline': [{'$project': {'cities': {'$map': {'input':"
          + " '$addresses', 'as': 'a', 'in': '$$a.street'}}, 'n': {'$size': '$addresses'}}}]}",
      "{'aggregate': 'customers', 'pipeline': [{'$facet': {'byTier': [{'$group': {'_id':"
          + " '$profile.tier', 'n': {'$sum': 1}}}], 'count': [{'$count': 'n'}]}}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$unionWith': {'coll': 'orders', 'pipeline':"
          + " [{'$match': {'status': 'ok'}}]}}, {'$sortByCount': '$status'}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$bucket': {'groupBy': '$total', 'boundaries':"
          + " [0, 100, 1000], 'default': 'other', 'output': {'n': {'$sum': 1}}}}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$setWindowFields': {'partitionBy': '$status',"
          + " 'sortBy': {'total': 1}, 'output': {'running': {'$sum': '$total', 'window':"
          + " {'documents': ['unbounded', 'current']}}}}}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$graphLookup': {'from': 'orders', 'startWith':"
          + " '$customerId', 'connectFromField': 'customerId', 'connectToField': '_id', 'as':"
          + " 'chain', 'maxDepth': 3}}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$densify': {'field': 'total', 'range': {'step':"
          + " 10, 'bounds': [0, 1000]}}}]}",
      "{'aggregate': 'orders', 'pipeline': [{'$replaceRoot': {'newRoot': {'s': '$status',"
          + " 'd': {'$dateToString': {'format': '%Y', 'date': '$$NOW'}}}}}]}",
      "{'aggregate': 'customers', 'pipeline': [{'$project': {'c': {'$getField': {'field':"
          + " 'city', 'input': '$profile'}}, 'x': {'$let': {'vars': {'p': '$profile'}, 'in':"
          + " '$$p.city'}}}}]}",
      "{'find': 'orders', 'filter': {'_id': {'$oid': '5f1d7c7e9d1e8a3b2c4d5e6f'}, 'at':"
          + " {'$gte': {'$date': '2024-01-01T00:00:00Z'}}}}",
  })
  void acceptsReads(String json) {
    assertThat(validate(json).collection()).isIn("orders", "customers");
  }

  @Test
  void reportsEveryCollectionTouched() {
    CommandValidator.Result r = validate("{'aggregate': 'orders', 'pipeline': [{'$facet': {'a':"
        + " [{'$lookup': {'from': 'customers', 'pipeline': [{'$project': {'name': 1}}], 'as':"
        + " 'c'}}]}}]}");
    assertThat(r.collections()).containsExactlyInAnyOrder("orders", "customers");
    assertThat(r.command()).isEqualTo(CommandValidator.Command.AGGREGATE);
  }

  @Test
  void unknownFieldsAreNamed() {
    DbAccessException e = refusal("{'find': 'orders', 'batchSize': 5}");
    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
    assertThat(e.getMessage()).contains("unknown field 'batchSize'").contains("find");
    e = refusal("{'aggregate': 'orders', 'pipeline': [{'$lookup': {'from': 'orders', 'as': 'x',"
        + " 'pipeline': [], 'sneaky': 1}}]}");
    assertThat(e.getMessage()).contains("aggregate.pipeline[0].$lookup").contains("'sneaky'");
  }

  @Test
  void wrongTypesAreNamed() {
    assertThat(refusal("{'find': 'orders', 'limit': 'ten'}").getMessage())
        .contains("find.limit").contains("integer");
    assertThat(refusal("{'find': 'orders', 'filter': []}").getMessage())
        .contains("find.filter").contains("document");
    assertThat(refusal("{'find': 42}").getMessage()).contains("collection name");
  }

  @Test
  void parametersAreValuesNotOperators() {
    BsonDocument cmd = CommandParser.parse("{\"find\": \"orders\", \"filter\": {\"status\":"
        + " {\"$param\": 1}, \"total\": {\"$in\": {\"$param\": 2}}}}", List.of("$ne", List.of(1L,
            2L)));
    assertThat(cmd.getDocument("filter").getString("status").getValue()).isEqualTo("$ne");
    assertThat(cmd.getDocument("filter").getDocument("total").getArray("$in")).hasSize(2);
    assertThat(refusal("{'find': 'orders', 'filter': {'status': {'$param': 1}}}").code())
        .isEqualTo(ErrorCode.INVALID_PARAMS);
    assertThat(catchThrowableOfType(DbAccessException.class, () -> CommandParser.parse(
        "{\"find\": \"orders\"}", List.of("unused"))).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
  }

  @Test
  void refusalMessagesCarryNoValues() {
    DbAccessException e = refusal("{'find': 'customers', 'filter': {'profile':"
        + " {'ssn': '987-65-4321'}}}");
    assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(e.getMessage()).doesNotContain("987-65-4321").contains("customers.profile.ssn");
    e = refusal("{'find': 'orders', 'filter': {'x': ObjectId('5f1d7c7e9d1e8a3b2c4d5e6f')}}");
    assertThat(e.getMessage()).doesNotContain("5f1d7c7e9d1e8a3b2c4d5e6f");
  }

  @Test
  void starRulesAllowRenamingParentsBecauseEveryRowIsStripped() {
    // '*.password' matches the key wherever the document puts it; the place rule on
    // customers.profile.ssn does not, so the parent of ssn may not move
    assertThat(validate("{'aggregate': 'customers', 'pipeline': [{'$project': {'a':"
        + " '$addresses'}}]}").collection()).isEqualTo("customers");
    assertThat(refusal("{'aggregate': 'customers', 'pipeline': [{'$project': {'p':"
        + " '$profile'}}]}").code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
  }

  @Test
  void fieldRulesSeeThroughArrayPositions() {
    FieldRules r = FieldRules.of(List.of("customers.addresses.zip"));
    DbAccessException e = catchThrowableOfType(DbAccessException.class,
        () -> r.check("customers", "addresses.3.zip", false));
    assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_ALLOWED);
    assertThat(r.descendantMayBeBlocked("customers", "addresses")).isNotNull();
    assertThat(r.descendantMayBeBlocked("customers", "profile")).isNull();
    assertThat(r.anyRuleFor("orders")).isNull();
    assertThat(FieldRules.of(List.of("*.ssn")).anyRuleFor("orders")).isEqualTo("*.ssn");
  }
}
