package ai.causeflow.dbaccess.mongo.internal;

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
 * paths that a {@code blockedColumns} rule names are left out, with everything below them.
 *
 * <p>Thread-safety: stateless.
 */
final class SchemaSampler {
  private SchemaSampler() {}

  private static final class Stats {
    final Map<String, Integer> types = new LinkedHashMap<>();
    int documents;
  }

  static List<Map<String, @Nullable Object>> infer(List<BsonDocument> sample, String coll,
      FieldRules rules, int maxPaths, int maxDepth) {
    Map<String, Stats> paths = new LinkedHashMap<>();
    for (BsonDocument d : sample) {
      Set<String> seen = new HashSet<>();
      walk(d, "", coll, rules, paths, seen, maxPaths, maxDepth, 0);
    }
    List<Map<String, @Nullable Object>> out = new ArrayList<>();
    int n = sample.size();
    for (Map.Entry<String, Stats> e : paths.entrySet()) {
      Map<String, @Nullable Object> f = new LinkedHashMap<>();
      f.put("path", e.getKey());
      f.put("types", List.copyOf(e.getValue().types.keySet()));
      f.put("count", e.getValue().documents);
      f.put("frequency", n == 0 ? 0.0 : Math.round(1000.0 * e.getValue().documents / n) / 1000.0);
      out.add(f);
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
      if (rules.ruleFor(coll, p) != null) {
        continue;
      }
      value(e.getValue(), p, coll, rules, paths, seen, maxPaths, maxDepth, depth);
    }
  }

  private static void value(BsonValue v, String p, String coll, FieldRules rules,
      Map<String, Stats> paths, Set<String> seen, int maxPaths, int maxDepth, int depth) {
    Stats s = paths.get(p);
    if (s == null) {
      if (paths.size() >= maxPaths) {
        return;
      }
      s = new Stats();
      paths.put(p, s);
    }
    s.types.merge(CommandParser.typeName(v.getBsonType()), 1, Integer::sum);
    if (seen.add(p)) {
      s.documents++;
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
