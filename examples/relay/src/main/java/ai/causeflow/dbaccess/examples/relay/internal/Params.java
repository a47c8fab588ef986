package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.QueryRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The checks the method handlers make on their params; each failure is a {@link Refusal} whose
 * detail names the key and the rule, never the value.
 *
 * <p>Thread-safety: stateless.
 */
final class Params {
  static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /**
   * A name taken from the request (method, member, parameter key) is echoed in a detail, and so
   * in the audit log, only when it looks like an identifier: a letter or underscore first, at most
   * 64 characters, at most {@value #MAX_ECHOED_DIGITS} digits. Personal data that fits an
   * identifier is mostly digits (a CPF, a card or phone number), so this is checked here rather
   * than left to the masking detectors, which can be off or miss a number glued to letters.
   */
  private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final int MAX_ECHOED_DIGITS = 4;

  private Params() {}

  static ObjectNode object(@Nullable JsonNode params, boolean required) {
    if (params == null) {
      if (required) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "params: required (an object)", null, null);
      }
      return Json.object();
    }
    if (!params.isObject()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS,
          "params: must be an object (named parameters)", null, null);
    }
    return (ObjectNode) params;
  }

  static void none(@Nullable JsonNode params) {
    if (params != null && !params.isEmpty()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "params: this method takes no parameters",
          null, null);
    }
  }

  static void onlyKeys(ObjectNode p, Set<String> allowed) {
    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "params: unknown key" + keyName(k)
            + "; allowed: " + new TreeSet<>(allowed), null, null);
      }
    }
  }

  /** The configured resource named by {@code resourceId}; null only when absent and optional. */
  static @Nullable ResourceState resource(ObjectNode p, boolean required,
      Map<String, ResourceState> resources) {
    JsonNode n = p.get("resourceId");
    if (n == null || n.isNull()) {
      if (required) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "resourceId: required", null, null);
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "resourceId: must be a string", null, null);
    }
    ResourceState r = resources.get(n.textValue());
    if (r == null) {
      throw new Refusal(ErrorCode.RESOURCE_NOT_FOUND,
          "resourceId: no resource with this id is configured (see list_resources)", null, null);
    }
    return r;
  }

  static ResourceState requiredResource(ObjectNode p, Map<String, ResourceState> resources) {
    ResourceState r = resource(p, true, resources);
    if (r == null) {
      throw new IllegalStateException("a required resource was not refused");
    }
    return r;
  }

  static String requiredString(ObjectNode p, String key, @Nullable String op,
      String resourceId) {
    JsonNode n = p.get(key);
    if (n == null || n.isNull()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": required", resourceId, op);
    }
    if (!n.isTextual()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, key + ": must be a string", resourceId, op);
    }
    return n.textValue();
  }

  static String statement(@Nullable JsonNode n, String resourceId, String op) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isObject()) {
      // (ext) a command document may be sent as JSON rather than as JSON text
      try {
        return Json.MAPPER.writeValueAsString(n);
      } catch (IOException e) {
        throw new Refusal(ErrorCode.INVALID_PARAMS, "statement: not serialisable", resourceId, op);
      }
    }
    throw new Refusal(ErrorCode.INVALID_PARAMS,
        "statement: must be a string (or a command document object)", resourceId, op);
  }

  static List<@Nullable Object> parameters(@Nullable JsonNode n, String resourceId, String op) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "parameters: must be an array", resourceId, op);
    }
    if (n.size() > QueryRequest.MAX_PARAMETERS) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "parameters: at most "
          + QueryRequest.MAX_PARAMETERS + " values, was " + n.size(), resourceId, op);
    }
    List<@Nullable Object> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(Json.toJava(e));
    }
    return out;
  }

  static @Nullable Integer limit(@Nullable JsonNode n, String resourceId, String op) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be an integer", resourceId, op);
    }
    if (n.bigIntegerValue().signum() <= 0) {
      throw new Refusal(ErrorCode.INVALID_PARAMS, "limit: must be at least 1", resourceId, op);
    }
    // A large limit is clamped, never refused: the pipeline applies maxRowsPerQuery.
    return n.canConvertToInt() ? n.intValue() : Integer.MAX_VALUE;
  }

  /** {@code " 'name'"} when the name may be echoed, else nothing. */
  static String keyName(String k) {
    return echoable(k) ? " '" + k + "'" : "";
  }

  static boolean echoable(String name) {
    return SAFE_KEY.matcher(name).matches()
        && name.chars().filter(c -> c >= '0' && c <= '9').count() <= MAX_ECHOED_DIGITS;
  }
}
