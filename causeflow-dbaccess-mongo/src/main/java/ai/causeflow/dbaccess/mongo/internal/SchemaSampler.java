package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.TableDescription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A schema inferred from sampled documents: each field path (dotted, through arrays), the BSON
 * types seen there and in how many sampled documents it occurs. Values never leave this class;
 * a path that a {@code blockedColumns} rule names is listed as blocked, and nothing below it.
 *
 * <p>Thread-safety: stateless.
 */
final class SchemaSampler {
  private SchemaSampler() {}

  private static final class Stats {
    final Map<String, Integer> types = new LinkedHashMap<>();
    int documents;
    boolean blocked;
  }

  static List<TableDescription.Field> infer(List<BsonDocument> sample, String coll,
      FieldRules rules, int maxPaths, int maxDepth) {
    Map<String, Stats> paths = new LinkedHashMap<>();
    for (BsonDocument d : sample) {
      Set<String> seen = new HashSet<>();
      walk(d, "", coll, rules, paths, seen, maxPaths, maxDepth, 0);
    }
    List<TableDescription.Field> out = new ArrayList<>();
    int n = sample.size();
    for (Map.Entry<String, Stats> e : paths.entrySet()) {
      Stats s = e.getValue();
      double frequency = n == 0 ? 0.0 : Math.round(1000.0 * s.documents / n) / 1000.0;
      Map<String, @Nullable Object> details = new LinkedHashMap<>();
      details.put("count", s.documents);
      out.add(new TableDescription.Field(e.getKey(), String.join("|", s.types.keySet()),
          s.documents < n || s.types.containsKey("null"), frequency, s.blocked, details));
    }
    return out;
  }

  private static void walk(BsonDocument d, String prefix, String coll, FieldRules rules,
      Map<String, Stats> paths, Set<String> seen, int maxPaths, int maxDepth, int depth) {
    if (depth > maxDepth) {
      return;
    }
    for (Map.Entry<String, BsonValue> e : d.entrySet()) {
      String p = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      boolean blocked = rules.ruleFor(coll, p) != null;
      // a blocked field is listed by name and type (schema, not data); nothing below it
      value(e.getValue(), p, coll, rules, paths, seen, maxPaths, maxDepth,
          blocked ? Integer.MAX_VALUE : depth, blocked);
    }
  }

  private static void value(BsonValue v, String p, String coll, FieldRules rules,
      Map<String, Stats> paths, Set<String> seen, int maxPaths, int maxDepth, int depth,
      boolean blocked) {
    Stats s = paths.get(p);
    if (s == null) {
      if (paths.size() >= maxPaths) {
        return;
      }
      s = new Stats();
      paths.put(p, s);
    }
    s.types.merge(CommandParser.typeName(v.getBsonType()), 1, Integer::sum);
    s.blocked |= blocked;
    if (seen.add(p)) {
      s.documents++;
    }
    if (blocked) {
      return;
    }
    if (v.isDocument()) {
      walk(v.asDocument(), p, coll, rules, paths, seen, maxPaths, maxDepth, depth + 1);
    } else if (v.isArray()) {
      for (BsonValue x : v.asArray()) {
        if (x.isDocument()) {
          walk(x.asDocument(), p, coll, rules, paths, seen, maxPaths, maxDepth, depth + 1);
        }
      }
    }
  }
}
