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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a configuration file ({@code relay-config.yaml}) strictly: unknown keys, wrong types,
 * out-of-range numbers, duplicate ids and unset {@code ${VAR}}s are errors naming the key path.
 * Values are never quoted in errors (they may be secrets); numbers out of range are, since they
 * are not secret.
 *
 * <p>Core reads the generic parts: {@code resources} (id, type, name, policy keys),
 * {@code masking} and {@code audit}. Everything else is registered explicitly, never discovered:
 * each resource type's {@code connection} block is parsed by the {@link ConnectionParser} its
 * backend module offers, and top-level sections that belong to the application (a relay's
 * {@code controlPlane} and {@code limits}) by a {@link SectionParser}. A resource whose type has
 * no parser is an error at its {@code type} key.
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.builder()
 *     .section("limits", MyApp::limits)                       // optional, application-owned
 *     .connection("postgres", PostgresConnectionConfig::parse)
 *     .build();
 * DataSourcesConfig config = loader.load(Path.of("relay-config.yaml"), System.getenv());
 * }</pre>
 *
 * <p>Sections are read first, in registration order, then {@code resources}, {@code masking},
 * {@code audit}. Thread-safety: immutable and thread-safe once built.
 */
public final class ConfigLoader {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  /*
   * ${VAR} is replaced by a YAML-safe marker before parsing, and the marker by the variable's
   * value while reading (ConfigNode): {host: ${PG_HOST}} is then valid YAML, an unset variable is
   * reported with its key path, and a value from the environment is never parsed as YAML (no
   * injection of structure through a variable).
   */
  private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern PATTERN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long MAX_CONFIG_BYTES = 1 << 20;
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Map<String, ConnectionParser> connections;
  private final Map<String, SectionParser<?>> sections;

  private ConfigLoader(Builder b) {
    this.connections = new LinkedHashMap<>(b.connections);
    this.sections = new LinkedHashMap<>(b.sections);
  }

  /** A loader with nothing registered yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** The resource types this loader can read, in registration order. */
  public List<String> types() {
    return List.copyOf(connections.keySet());
  }

  /** Loads and validates a file (at most 1 MiB), filling {@code ${VAR}} from {@code env}. */
  public DataSourcesConfig load(Path file, Map<String, String> env) {
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

  /** Parses and validates YAML text, filling {@code ${VAR}} from {@code env}. */
  public DataSourcesConfig parse(String yaml, Map<String, String> env) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(env, "env");
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
    return new Reader().read(new ConfigNode(root, "", Map.copyOf(env)));
  }

  /** Registers parsers; not thread-safe. */
  public static final class Builder {
    private final Map<String, ConnectionParser> connections = new LinkedHashMap<>();
    private final Map<String, SectionParser<?>> sections = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The parser of the {@code connection} block of resources of {@code type}. The order of
     * registration is the order the types are listed in errors.
     *
     * @throws IllegalArgumentException if the type is already registered or not {@code [a-z0-9]+}
     */
    public Builder connection(String type, ConnectionParser parser) {
      Objects.requireNonNull(parser, "parser");
      if (!type.matches("[a-z0-9]+")) {
        throw new IllegalArgumentException("resource type must match [a-z0-9]+");
      }
      if (connections.putIfAbsent(type, parser) != null) {
        throw new IllegalArgumentException("resource type " + type + " is already registered");
      }
      return this;
    }

    /**
     * The parser of an application-owned top-level section. Its key becomes allowed at the top
     * level; the parser is called even when the key is absent.
     *
     * @throws IllegalArgumentException if the key is taken (by core or an earlier section)
     */
    public Builder section(String key, SectionParser<?> parser) {
      Objects.requireNonNull(parser, "parser");
      if (List.of("resources", "masking", "audit").contains(key)
          || sections.putIfAbsent(key, parser) != null) {
        throw new IllegalArgumentException("section " + key + " is already taken");
      }
      return this;
    }

    public ConfigLoader build() {
      return new ConfigLoader(this);
    }
  }

  private final class Reader {
    DataSourcesConfig read(ConfigNode root) {
      List<String> allowed = new ArrayList<>(sections.keySet());
      allowed.addAll(List.of("resources", "masking", "audit"));
      root.requireMapping(allowed.toArray(String[]::new));
      Map<String, Object> parsed = new LinkedHashMap<>();
      for (Map.Entry<String, SectionParser<?>> e : sections.entrySet()) {
        Object v = e.getValue().parse(root.child(e.getKey()));
        if (v != null) {
          parsed.put(e.getKey(), v);
        }
      }
      ConfigNode res = root.child("resources");
      if (!res.present()) {
        throw new ConfigException("resources", "is required (a list with at least one resource)");
      }
      if (!res.isList()) {
        throw new ConfigException("resources", "must be a list, was " + res.kind());
      }
      if (res.size() == 0) {
        throw new ConfigException("resources", "must name at least one resource");
      }
      List<ResourceConfig> resources = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < res.size(); i++) {
        ConfigNode r = res.element(i);
        ResourceConfig rc = resource(r);
        if (!ids.add(rc.id())) {
          throw new ConfigException(r.path() + ".id", "duplicate resource id '" + rc.id() + "'");
        }
        resources.add(rc);
      }
      MaskingConfig masking = masking(root.child("masking"));
      AuditConfig audit = audit(root.child("audit"));
      return new DataSourcesConfig(resources, masking, audit, parsed);
    }

    ResourceConfig resource(ConfigNode n) {
      n.requireMapping("id", "type", "name", "connection", "allowedOperations", "maxRowsPerQuery",
          "statementTimeoutMs", "poolSize", "allowedTables", "blockedTables", "blockedColumns");
      ConfigNode idNode = n.child("id");
      String id = idNode.string(true, null);
      if (!ID.matcher(id).matches()) {
        throw new ConfigException(idNode.path(), "must match [a-z0-9-]+ (at most 64 characters)");
      }
      ConfigNode typeNode = n.child("type");
      String type = typeNode.string(true, null);
      ConnectionParser parser = connections.get(type);
      if (parser == null) {
        throw new ConfigException(typeNode.path(), "must be one of " + types());
      }
      String name = n.child("name").string(false, id);
      ConfigNode conn = n.child("connection");
      if (!conn.present()) {
        throw new ConfigException(conn.path(), "is required");
      }
      ConnectionConfig connection = parser.parse(conn);
      if (connection == null) {
        throw new ConfigException(conn.path(), "the " + type + " parser returned nothing");
      }
      Set<Operation> ops = new LinkedHashSet<>();
      ConfigNode opsNode = n.child("allowedOperations");
      if (opsNode.present()) {
        List<String> names = opsNode.strings();
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
      int maxRows = (int) n.child("maxRowsPerQuery").integer(1_000, 1, Policy.MAX_ROWS_LIMIT);
      long timeout = n.child("statementTimeoutMs").integer(30_000, 1, 3_600_000);
      int pool = (int) n.child("poolSize").integer(5, 1, 100);
      List<String> allowed = globs(n.child("allowedTables"));
      List<String> blocked = globs(n.child("blockedTables"));
      List<String> blockedCols = globs(n.child("blockedColumns"));
      ResourceConfig rc = new ResourceConfig(id, type, name, connection, ops, maxRows, timeout, pool,
          allowed, blocked, blockedCols);
      try {
        rc.policy();
      } catch (DbAccessException e) {
        throw new ConfigException(n.path(), e.getMessage());
      }
      return rc;
    }

    MaskingConfig masking(ConfigNode n) {
      if (!n.present()) {
        return MaskingConfig.DEFAULTS;
      }
      n.requireMapping("enabled", "detectors", "strategies", "patterns", "columns", "tokenizationKey");
      boolean enabled = n.child("enabled").bool(true);
      Map<String, Boolean> detectors = new LinkedHashMap<>();
      ConfigNode det = n.child("detectors");
      if (det.present()) {
        det.requireMapping(MaskingConfig.DETECTORS.toArray(String[]::new));
        for (String d : MaskingConfig.DETECTORS) {
          ConfigNode dn = det.child(d);
          if (dn.present()) {
            detectors.put(d, dn.bool(true));
          }
        }
      }
      Map<String, String> strategies = new LinkedHashMap<>();
      ConfigNode st = n.child("strategies");
      if (st.present()) {
        st.requireMapping(MaskingConfig.DETECTORS.toArray(String[]::new));
        for (String d : MaskingConfig.DETECTORS) {
          ConfigNode sn = st.child(d);
          if (sn.present()) {
            strategies.put(d, strategy(sn));
          }
        }
      }
      List<MaskingConfig.Pattern> patterns = new ArrayList<>();
      ConfigNode pats = n.child("patterns");
      Set<String> names = new HashSet<>(MaskingConfig.DETECTORS);
      if (pats.present()) {
        pats.requireList();
        for (int i = 0; i < pats.size(); i++) {
          ConfigNode p = pats.element(i);
          p.requireMapping("name", "regex", "replacement");
          ConfigNode nameNode = p.child("name");
          String name = nameNode.string(true, null);
          if (!PATTERN_NAME.matcher(name).matches()) {
            throw new ConfigException(nameNode.path(), "must match [A-Za-z0-9_-]{1,64}");
          }
          if (!names.add(name)) {
            throw new ConfigException(nameNode.path(),
                "duplicate pattern name '" + name + "' (also a detector or an earlier pattern)");
          }
          ConfigNode re = p.child("regex");
          String regex = re.string(true, null);
          try {
            Pattern.compile(regex);
          } catch (PatternSyntaxException e) {
            throw new ConfigException(re.path(), "pattern '" + name
                + "' is not a valid regular expression (" + e.getDescription() + ")");
          }
          patterns.add(new MaskingConfig.Pattern(name, regex,
              p.child("replacement").string(false, "***")));
        }
      }
      List<MaskingConfig.ColumnRule> columns = new ArrayList<>();
      ConfigNode cols = n.child("columns");
      if (cols.present()) {
        cols.requireList();
        for (int i = 0; i < cols.size(); i++) {
          ConfigNode c = cols.element(i);
          c.requireMapping("match", "action");
          String match = c.child("match").string(true, null);
          if (match.isBlank()) {
            throw new ConfigException(c.child("match").path(), "must be a non-empty glob");
          }
          columns.add(new MaskingConfig.ColumnRule(match, strategyOr(c.child("action"), "redact")));
        }
      }
      ConfigNode keyNode = n.child("tokenizationKey");
      Secret key = keyNode.present() ? keyNode.secret(true) : null;
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

    AuditConfig audit(ConfigNode n) {
      if (!n.present()) {
        return AuditConfig.DEFAULTS;
      }
      n.requireMapping("enabled", "level", "output");
      ConfigNode lv = n.child("level");
      String level = lv.string(false, "info");
      if (!List.of("info", "warn").contains(level)) {
        throw new ConfigException(lv.path(), "must be info or warn");
      }
      ConfigNode out = n.child("output");
      String output = out.string(false, "stdout");
      if (output.isBlank()) {
        throw new ConfigException(out.path(), "must be stdout, stderr or a file path");
      }
      return new AuditConfig(n.child("enabled").bool(true), level, output);
    }

    // ---- scalar readers ----

    private String strategy(ConfigNode n) {
      return strategyOr(n, null);
    }

    private String strategyOr(ConfigNode n, @Nullable String dflt) {
      String s = n.string(dflt == null, dflt);
      if (!MaskingConfig.STRATEGIES.contains(s)) {
        throw new ConfigException(n.path(), "must be one of " + MaskingConfig.STRATEGIES);
      }
      return s;
    }

    private List<String> globs(ConfigNode n) {
      if (!n.present()) {
        return List.of();
      }
      List<String> out = n.strings();
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).isBlank()) {
          throw new ConfigException(n.path() + "[" + i + "]", "must be a non-empty glob");
        }
      }
      return out;
    }
  }
}
