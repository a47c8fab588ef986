package ai.causeflow.dbaccess.core.config;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.Policy;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code relay-config.yaml} strictly: unknown keys, wrong types, out-of-range numbers,
 * duplicate ids and unset {@code ${VAR}}s are errors naming the key path. Values are never quoted
 * in errors (they may be secrets); numbers out of range are, since they are not secret.
 *
 * <p>Thread-safety: stateless.
 */
final class ConfigLoader {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  /**
   * {@code ${VAR}} is replaced by this YAML-safe marker before parsing, and the marker by the
   * variable's value while reading: {@code {host: ${PG_HOST}}} (as PROTOCOL.md writes it) is then
   * valid YAML, an unset variable is reported with its key path, and a value from the
   * environment is never parsed as YAML (no injection of structure through a variable).
   */
  private static final Pattern MARKER = Pattern.compile("cfenv~([A-Za-z_][A-Za-z0-9_]*)~");
  private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern PATTERN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long MAX_CONFIG_BYTES = 1 << 20;
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigLoader() {}

  static RelayConfig load(Path file, Map<String, String> env) {
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw new ConfigException("", "configuration file is larger than 1 MiB");
      }
      return parse(Files.readString(file, StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read configuration file " + file.getFileName()
          + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  static RelayConfig parse(String yaml, Map<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(VAR.matcher(yaml).replaceAll("cfenv~$1~"));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
          ? "duplicate key" : "not valid YAML";
      throw new ConfigException("", what + where);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException("", "configuration is empty");
    }
    return new ConfigLoader.Reader(env).relay(new Node(root, ""));
  }

  /** A YAML node with its key path. */
  private record Node(JsonNode json, String path) {
    Node child(String key) {
      return new Node(json.get(key), path.isEmpty() ? key : path + "." + key);
    }

    Node element(int i) {
      return new Node(json.get(i), path + "[" + i + "]");
    }

    boolean present() {
      return json != null && !json.isNull() && !json.isMissingNode();
    }
  }

  private static final class Reader {
    private final Map<String, String> env;

    Reader(Map<String, String> env) {
      this.env = env;
    }

    RelayConfig relay(Node root) {
      object(root, "controlPlane", "limits", "resources", "masking", "audit");
      Node cp = root.child("controlPlane");
      ControlPlaneConfig controlPlane = cp.present() ? controlPlane(cp) : null;
      LimitsConfig limits = limits(root.child("limits"));
      Node res = root.child("resources");
      if (!res.present()) {
        throw new ConfigException("resources", "is required (a list with at least one resource)");
      }
      if (!res.json().isArray()) {
        throw new ConfigException("resources", "must be a list, was " + kind(res.json()));
      }
      if (res.json().isEmpty()) {
        throw new ConfigException("resources", "must name at least one resource");
      }
      List<ResourceConfig> resources = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < res.json().size(); i++) {
        Node r = res.element(i);
        ResourceConfig rc = resource(r, limits);
        if (!ids.add(rc.id())) {
          throw new ConfigException(r.path() + ".id", "duplicate resource id '" + rc.id() + "'");
        }
        resources.add(rc);
      }
      MaskingConfig masking = masking(root.child("masking"));
      AuditConfig audit = audit(root.child("audit"));
      return new RelayConfig(controlPlane, limits, resources, masking, audit);
    }

    ControlPlaneConfig controlPlane(Node n) {
      object(n, "url", "token", "tenantId", "heartbeatIntervalSeconds", "reconnect");
      Node urlNode = n.child("url");
      URI url = uri(urlNode, true);
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (scheme.equals("ws")) {
        if (!isLoopback(url.getHost())) {
          throw new ConfigException(urlNode.path(),
              "ws:// is allowed only to a loopback host (127.0.0.0/8, ::1, localhost); use wss://");
        }
      } else if (!scheme.equals("wss")) {
        throw new ConfigException(urlNode.path(), "must be a wss:// URL");
      }
      Secret token = secret(n.child("token"), true);
      String tenantId = string(n.child("tenantId"), true, null);
      int hb = (int) integer(n.child("heartbeatIntervalSeconds"), 30, 1, 3600);
      Node rc = n.child("reconnect");
      ControlPlaneConfig.ReconnectConfig reconnect = ControlPlaneConfig.ReconnectConfig.DEFAULTS;
      if (rc.present()) {
        object(rc, "initialDelayMs", "maxDelayMs");
        long initial = integer(rc.child("initialDelayMs"), 1_000, 10, 600_000);
        long max = integer(rc.child("maxDelayMs"), Math.max(60_000, initial), initial, 3_600_000);
        reconnect = new ControlPlaneConfig.ReconnectConfig(initial, max);
      }
      return new ControlPlaneConfig(url, token, tenantId, hb, reconnect);
    }

    LimitsConfig limits(Node n) {
      if (!n.present()) {
        return LimitsConfig.DEFAULTS;
      }
      object(n, "maxConcurrentRequests", "maxQueuedRequests", "maxResultBytes");
      LimitsConfig d = LimitsConfig.DEFAULTS;
      return new LimitsConfig(
          (int) integer(n.child("maxConcurrentRequests"), d.maxConcurrentRequests(), 1, 1024),
          (int) integer(n.child("maxQueuedRequests"), d.maxQueuedRequests(), 0, 100_000),
          integer(n.child("maxResultBytes"), d.maxResultBytes(), Policy.MIN_RESULT_BYTES,
              Policy.MAX_RESULT_BYTES));
    }

    ResourceConfig resource(Node n, LimitsConfig limits) {
      object(n, "id", "type", "name", "connection", "allowedOperations", "maxRowsPerQuery",
          "statementTimeoutMs", "poolSize", "allowedTables", "blockedTables", "blockedColumns");
      Node idNode = n.child("id");
      String id = string(idNode, true, null);
      if (!ID.matcher(id).matches()) {
        throw new ConfigException(idNode.path(), "must match [a-z0-9-]+ (at most 64 characters)");
      }
      Node typeNode = n.child("type");
      String type = string(typeNode, true, null);
      if (!ResourceConfig.TYPES.contains(type)) {
        throw new ConfigException(typeNode.path(), "must be one of " + ResourceConfig.TYPES);
      }
      String name = string(n.child("name"), false, id);
      Node conn = n.child("connection");
      if (!conn.present()) {
        throw new ConfigException(conn.path(), "is required");
      }
      ConnectionConfig connection = switch (type) {
        case "postgres" -> postgres(conn);
        case "mongodb" -> mongo(conn);
        default -> dynamo(conn);
      };
      Set<Operation> ops = new LinkedHashSet<>();
      Node opsNode = n.child("allowedOperations");
      if (opsNode.present()) {
        List<String> names = strings(opsNode);
        for (int i = 0; i < names.size(); i++) {
          try {
            ops.add(Operation.of(names.get(i)));
          } catch (DbAccessException e) {
            throw new ConfigException(opsNode.path() + "[" + i + "]",
                "must be an operation name like query or describe_table");
          }
        }
      } else {
        ops.addAll(Policy.DEFAULT_OPERATIONS);
      }
      int maxRows = (int) integer(n.child("maxRowsPerQuery"), 1_000, 1, Policy.MAX_ROWS_LIMIT);
      long timeout = integer(n.child("statementTimeoutMs"), 30_000, 1, 3_600_000);
      int pool = (int) integer(n.child("poolSize"), 5, 1, 100);
      List<String> allowed = globs(n.child("allowedTables"));
      List<String> blocked = globs(n.child("blockedTables"));
      List<String> blockedCols = globs(n.child("blockedColumns"));
      ResourceConfig rc = new ResourceConfig(id, type, name, connection, ops, maxRows, timeout, pool,
          allowed, blocked, blockedCols);
      try {
        rc.policy(limits);
      } catch (DbAccessException e) {
        throw new ConfigException(n.path(), e.getMessage());
      }
      return rc;
    }

    ConnectionConfig.Postgres postgres(Node n) {
      object(n, "host", "port", "database", "user", "password", "sslMode", "connectTimeoutMs");
      Node ssl = n.child("sslMode");
      String sslMode = string(ssl, false, "prefer");
      List<String> modes = List.of("disable", "allow", "prefer", "require", "verify-ca",
          "verify-full");
      if (!modes.contains(sslMode)) {
        throw new ConfigException(ssl.path(), "must be one of " + modes);
      }
      return new ConnectionConfig.Postgres(
          string(n.child("host"), true, null),
          (int) integer(n.child("port"), 5432, 1, 65_535),
          string(n.child("database"), true, null),
          string(n.child("user"), true, null),
          secretOrEmpty(n.child("password")),
          sslMode,
          (int) integer(n.child("connectTimeoutMs"), 10_000, 1, 600_000));
    }

    ConnectionConfig.Mongo mongo(Node n) {
      object(n, "uri", "database", "readPreference");
      Node uriNode = n.child("uri");
      Secret uri = secret(uriNode, true);
      String u = uri.reveal();
      if (!(u.startsWith("mongodb://") || u.startsWith("mongodb+srv://"))) {
        throw new ConfigException(uriNode.path(), "must start with mongodb:// or mongodb+srv://");
      }
      Node rp = n.child("readPreference");
      String readPreference = string(rp, false, null);
      List<String> prefs = List.of("primary", "primaryPreferred", "secondary",
          "secondaryPreferred", "nearest");
      if (readPreference != null && !prefs.contains(readPreference)) {
        throw new ConfigException(rp.path(), "must be one of " + prefs);
      }
      return new ConnectionConfig.Mongo(uri, string(n.child("database"), true, null),
          readPreference);
    }

    ConnectionConfig.Dynamo dynamo(Node n) {
      object(n, "region", "roleArn", "externalId", "endpoint");
      Node arnNode = n.child("roleArn");
      String roleArn = string(arnNode, false, null);
      if (roleArn != null && !roleArn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
        throw new ConfigException(arnNode.path(), "must be an IAM role ARN");
      }
      Node ext = n.child("externalId");
      Secret externalId = ext.present() ? secret(ext, true) : null;
      Node ep = n.child("endpoint");
      URI endpoint = ep.present() ? uri(ep, false) : null;
      if (endpoint != null && !List.of("http", "https").contains(String.valueOf(endpoint.getScheme()))) {
        throw new ConfigException(ep.path(), "must be an http:// or https:// URL");
      }
      return new ConnectionConfig.Dynamo(string(n.child("region"), true, null), roleArn,
          externalId, endpoint);
    }

    MaskingConfig masking(Node n) {
      if (!n.present()) {
        return MaskingConfig.DEFAULTS;
      }
      object(n, "enabled", "detectors", "strategies", "patterns", "columns", "tokenizationKey");
      boolean enabled = bool(n.child("enabled"), true);
      Map<String, Boolean> detectors = new LinkedHashMap<>();
      Node det = n.child("detectors");
      if (det.present()) {
        object(det, MaskingConfig.DETECTORS.toArray(String[]::new));
        for (String d : MaskingConfig.DETECTORS) {
          Node dn = det.child(d);
          if (dn.present()) {
            detectors.put(d, bool(dn, true));
          }
        }
      }
      Map<String, String> strategies = new LinkedHashMap<>();
      Node st = n.child("strategies");
      if (st.present()) {
        object(st, MaskingConfig.DETECTORS.toArray(String[]::new));
        for (String d : MaskingConfig.DETECTORS) {
          Node sn = st.child(d);
          if (sn.present()) {
            strategies.put(d, strategy(sn));
          }
        }
      }
      List<MaskingConfig.Pattern> patterns = new ArrayList<>();
      Node pats = n.child("patterns");
      Set<String> names = new HashSet<>(MaskingConfig.DETECTORS);
      if (pats.present()) {
        list(pats);
        for (int i = 0; i < pats.json().size(); i++) {
          Node p = pats.element(i);
          object(p, "name", "regex", "replacement");
          Node nameNode = p.child("name");
          String name = string(nameNode, true, null);
          if (!PATTERN_NAME.matcher(name).matches()) {
            throw new ConfigException(nameNode.path(), "must match [A-Za-z0-9_-]{1,64}");
          }
          if (!names.add(name)) {
            throw new ConfigException(nameNode.path(),
                "duplicate pattern name '" + name + "' (also a detector or an earlier pattern)");
          }
          Node re = p.child("regex");
          String regex = string(re, true, null);
          try {
            Pattern.compile(regex);
          } catch (PatternSyntaxException e) {
            throw new ConfigException(re.path(), "pattern '" + name
                + "' is not a valid regular expression (" + e.getDescription() + ")");
          }
          patterns.add(new MaskingConfig.Pattern(name, regex,
              string(p.child("replacement"), false, "***")));
        }
      }
      List<MaskingConfig.ColumnRule> columns = new ArrayList<>();
      Node cols = n.child("columns");
      if (cols.present()) {
        list(cols);
        for (int i = 0; i < cols.json().size(); i++) {
          Node c = cols.element(i);
          object(c, "match", "action");
          String match = string(c.child("match"), true, null);
          if (match.isBlank()) {
            throw new ConfigException(c.child("match").path(), "must be a non-empty glob");
          }
          columns.add(new MaskingConfig.ColumnRule(match, strategyOr(c.child("action"), "redact")));
        }
      }
      Node keyNode = n.child("tokenizationKey");
      Secret key = keyNode.present() ? secret(keyNode, true) : null;
      boolean tokenizes = strategies.containsValue("tokenize")
          || columns.stream().anyMatch(c -> c.action().equals("tokenize"));
      if (enabled && tokenizes && key == null) {
        throw new ConfigException("masking.tokenizationKey",
            "is required when any strategy or column action is tokenize");
      }
      if (key != null && key.reveal().length() < 16) {
        throw new ConfigException(keyNode.path(), "must be at least 16 characters");
      }
      return new MaskingConfig(enabled, detectors, strategies, patterns, columns, key);
    }

    AuditConfig audit(Node n) {
      if (!n.present()) {
        return AuditConfig.DEFAULTS;
      }
      object(n, "enabled", "level", "output");
      Node lv = n.child("level");
      String level = string(lv, false, "info");
      if (!List.of("info", "warn").contains(level)) {
        throw new ConfigException(lv.path(), "must be info or warn");
      }
      Node out = n.child("output");
      String output = string(out, false, "stdout");
      if (output.isBlank()) {
        throw new ConfigException(out.path(), "must be stdout, stderr or a file path");
      }
      return new AuditConfig(bool(n.child("enabled"), true), level, output);
    }

    // ---- scalar readers ----

    private String strategy(Node n) {
      return strategyOr(n, null);
    }

    private String strategyOr(Node n, @Nullable String dflt) {
      String s = string(n, dflt == null, dflt);
      if (!MaskingConfig.STRATEGIES.contains(s)) {
        throw new ConfigException(n.path(), "must be one of " + MaskingConfig.STRATEGIES);
      }
      return s;
    }

    private void object(Node n, String... allowed) {
      if (!n.json().isObject()) {
        throw new ConfigException(n.path(), "must be a mapping, was " + kind(n.json()));
      }
      Set<String> ok = Set.of(allowed);
      Iterator<String> it = n.json().fieldNames();
      while (it.hasNext()) {
        String k = it.next();
        if (!ok.contains(k)) {
          throw new ConfigException(n.path().isEmpty() ? k : n.path() + "." + k,
              "unknown key (allowed here: " + String.join(", ", allowed) + ")");
        }
      }
    }

    private void list(Node n) {
      if (!n.json().isArray()) {
        throw new ConfigException(n.path(), "must be a list, was " + kind(n.json()));
      }
    }

    private List<String> strings(Node n) {
      list(n);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < n.json().size(); i++) {
        out.add(string(n.element(i), true, null));
      }
      return out;
    }

    private List<String> globs(Node n) {
      if (!n.present()) {
        return List.of();
      }
      List<String> out = strings(n);
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).isBlank()) {
          throw new ConfigException(n.path() + "[" + i + "]", "must be a non-empty glob");
        }
      }
      return out;
    }

    private String string(Node n, boolean required, @Nullable String dflt) {
      if (!n.present()) {
        if (required) {
          throw new ConfigException(n.path(), "is required");
        }
        return dflt;
      }
      if (!n.json().isValueNode() || n.json().isBoolean()) {
        throw new ConfigException(n.path(), "must be a string, was " + kind(n.json()));
      }
      String s = substitute(n.json().asText(), n.path());
      if (required && s.isEmpty()) {
        throw new ConfigException(n.path(), "must not be empty");
      }
      return s;
    }

    private Secret secret(Node n, boolean required) {
      return Secret.of(string(n, required, ""));
    }

    private Secret secretOrEmpty(Node n) {
      return n.present() ? Secret.of(string(n, false, "")) : Secret.of("");
    }

    private long integer(Node n, long dflt, long min, long max) {
      if (!n.present()) {
        return dflt;
      }
      long v;
      JsonNode j = n.json();
      if (j.isIntegralNumber() && j.canConvertToLong()) {
        v = j.asLong();
      } else if (j.isTextual()) {
        String s = substitute(j.asText(), n.path()).trim();
        try {
          v = Long.parseLong(s);
        } catch (NumberFormatException e) {
          throw new ConfigException(n.path(), "must be an integer, was a non-numeric string");
        }
      } else {
        throw new ConfigException(n.path(), "must be an integer, was " + kind(j));
      }
      if (v < min || v > max) {
        throw new ConfigException(n.path(),
            "must be between " + min + " and " + max + ", was " + v);
      }
      return v;
    }

    private boolean bool(Node n, boolean dflt) {
      if (!n.present()) {
        return dflt;
      }
      JsonNode j = n.json();
      if (j.isBoolean()) {
        return j.asBoolean();
      }
      if (j.isTextual()) {
        String s = substitute(j.asText(), n.path()).trim();
        if (s.equals("true") || s.equals("false")) {
          return Boolean.parseBoolean(s);
        }
      }
      throw new ConfigException(n.path(), "must be true or false, was " + kind(j));
    }

    private URI uri(Node n, boolean required) {
      String s = string(n, required, null);
      try {
        URI u = new URI(s);
        if (u.getHost() == null) {
          throw new ConfigException(n.path(), "must be an absolute URL with a host");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new ConfigException(n.path(), "must be a valid URL");
      }
    }

    private String substitute(String raw, String path) {
      if (raw.indexOf("${") >= 0) {
        throw new ConfigException(path, "malformed ${...} reference (use ${NAME} with [A-Za-z0-9_])");
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

    private static String kind(@Nullable JsonNode j) {
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

    private static boolean isLoopback(@Nullable String host) {
      if (host == null) {
        return false;
      }
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (h.equalsIgnoreCase("localhost")) {
        return true;
      }
      if (!h.matches("[0-9.]+") && !h.contains(":")) {
        return false; // a name other than localhost: never resolved here
      }
      try {
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (IOException e) {
        return false;
      }
    }
  }
}
