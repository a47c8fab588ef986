package ai.causeflow.dbaccess.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One node of a configuration file with its key path, and the strict readers every block uses:
 * unknown keys, wrong types, out-of-range numbers and unset {@code ${VAR}}s are
 * {@link ConfigException}s that start with the key path ({@code resources[0].connection.port}).
 * Values are never quoted in errors (they may be secrets); numbers out of range are, since they
 * are not secret. {@code ${VAR}} references are filled from the environment while reading.
 *
 * <p>A backend module parses its own {@code connection} block with it (see
 * {@link ConnectionParser}); a front end parses its own top-level sections
 * ({@link ConfigLoader.Builder#section}):
 *
 * <pre>{@code
 * static MyConnection parse(ConfigNode n) {
 *   n.requireMapping("endpoint", "region");          // unknown keys are errors
 *   String region = n.child("region").string(true, null);
 *   URI endpoint = n.child("endpoint").present() ? n.child("endpoint").uri(true) : null;
 *   return new MyConnection(region, endpoint);
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigNode {
  private static final Pattern MARKER = Pattern.compile("cfenv~([A-Za-z_][A-Za-z0-9_]*)~");

  private final @Nullable JsonNode json;
  private final String path;
  private final Map<String, String> env;

  ConfigNode(@Nullable JsonNode json, String path, Map<String, String> env) {
    this.json = json;
    this.path = path;
    this.env = env;
  }

  /** The key path, e.g. {@code resources[0].connection}; empty for the root. */
  public String path() {
    return path;
  }

  /** The child under {@code key} (which may be absent). */
  public ConfigNode child(String key) {
    return new ConfigNode(json == null ? null : json.get(key),
        path.isEmpty() ? key : path + "." + key, env);
  }

  /** The element at {@code i} of a list. */
  public ConfigNode element(int i) {
    return new ConfigNode(json == null ? null : json.get(i), path + "[" + i + "]", env);
  }

  /** Whether the key is there with a non-null value. */
  public boolean present() {
    return json != null && !json.isNull() && !json.isMissingNode();
  }

  /** Number of elements (list) or keys (mapping); 0 otherwise. */
  public int size() {
    return json == null ? 0 : json.size();
  }

  /** Whether this is a list. */
  public boolean isList() {
    return json != null && json.isArray();
  }

  /** An error at this node's path. */
  public ConfigException error(String problem) {
    return new ConfigException(path, problem);
  }

  /**
   * Requires a mapping whose keys are all in {@code allowed}.
   *
   * @throws ConfigException {@code must be a mapping}, or {@code <path>.<key>: unknown key}
   */
  public void requireMapping(String... allowed) {
    if (json == null || !json.isObject()) {
      throw new ConfigException(path, "must be a mapping, was " + kind(json));
    }
    Set<String> ok = Set.of(allowed);
    Iterator<String> it = json.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!ok.contains(k)) {
        throw new ConfigException(path.isEmpty() ? k : path + "." + k,
            "unknown key (allowed here: " + String.join(", ", allowed) + ")");
      }
    }
  }

  /** Requires a list. */
  public void requireList() {
    if (json == null || !json.isArray()) {
      throw new ConfigException(path, "must be a list, was " + kind(json));
    }
  }

  /** A list of non-null strings. */
  public List<String> strings() {
    requireList();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      out.add(element(i).string(true, null));
    }
    return out;
  }

  /**
   * A string (numbers are read as their text); {@code ${VAR}} filled in.
   *
   * @param required absent or empty is an error
   * @param dflt returned when absent and not required
   */
  // NullAway cannot express "null only when not required and dflt is null": callers that pass a
  // null default treat the result as nullable (their own fields are @Nullable).
  @SuppressWarnings("NullAway")
  public String string(boolean required, @Nullable String dflt) {
    JsonNode json = this.json;
    if (json == null || !present()) {
      if (required) {
        throw new ConfigException(path, "is required");
      }
      return dflt;
    }
    if (!json.isValueNode() || json.isBoolean()) {
      throw new ConfigException(path, "must be a string, was " + kind(json));
    }
    String s = substitute(json.asText());
    if (required && s.isEmpty()) {
      throw new ConfigException(path, "must not be empty");
    }
    return s;
  }

  /** A secret string: prints as {@code ****}. */
  public Secret secret(boolean required) {
    return Secret.of(string(required, ""));
  }

  /** A secret that may be absent (an empty one then). */
  public Secret secretOrEmpty() {
    return present() ? Secret.of(string(false, "")) : Secret.of("");
  }

  /** An integer within {@code [min, max]} (a numeric string is accepted, for {@code ${VAR}}). */
  public long integer(long dflt, long min, long max) {
    JsonNode json = this.json;
    if (json == null || !present()) {
      return dflt;
    }
    long v;
    if (json.isIntegralNumber() && json.canConvertToLong()) {
      v = json.asLong();
    } else if (json.isTextual()) {
      String s = substitute(json.asText()).trim();
      try {
        v = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new ConfigException(path, "must be an integer, was a non-numeric string");
      }
    } else {
      throw new ConfigException(path, "must be an integer, was " + kind(json));
    }
    if (v < min || v > max) {
      throw new ConfigException(path, "must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  /** A boolean ({@code "true"}/{@code "false"} strings accepted, for {@code ${VAR}}). */
  public boolean bool(boolean dflt) {
    JsonNode json = this.json;
    if (json == null || !present()) {
      return dflt;
    }
    if (json.isBoolean()) {
      return json.asBoolean();
    }
    if (json.isTextual()) {
      String s = substitute(json.asText()).trim();
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw new ConfigException(path, "must be true or false, was " + kind(json));
  }

  /** An absolute URL with a host. */
  public URI uri(boolean required) {
    String s = string(required, null);
    try {
      URI u = new URI(s);
      if (u.getHost() == null) {
        throw new ConfigException(path, "must be an absolute URL with a host");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new ConfigException(path, "must be a valid URL");
    }
  }

  /**
   * Whether {@code host} is a loopback host ({@code localhost}, 127.0.0.0/8, ::1); names other
   * than {@code localhost} are never resolved.
   */
  public static boolean isLoopback(@Nullable String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** What kind of YAML value this is ("a mapping", "a list", "empty"...), for error messages. */
  public String kind() {
    return kind(json);
  }

  private String substitute(String raw) {
    if (raw.indexOf("${") >= 0) {
      throw new ConfigException(path,
          "malformed ${...} reference (use ${NAME} with [A-Za-z0-9_])");
    }
    if (raw.indexOf("cfenv~") < 0) {
      return raw;
    }
    Matcher m = MARKER.matcher(raw);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = env.get(name);
      if (value == null) {
        throw new ConfigException(path, "environment variable " + name + " is not set");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String kind(@Nullable JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return "empty";
    }
    if (j.isObject()) {
      return "a mapping";
    }
    if (j.isArray()) {
      return "a list";
    }
    if (j.isBoolean()) {
      return "a boolean";
    }
    if (j.isNumber()) {
      return "a number";
    }
    return "a string";
  }

  @Override
  public String toString() {
    return "ConfigNode[" + path + "]"; // never the value: it may be a secret
  }
}
