package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.HealthStatus;
import ai.causeflow.dbaccess.examples.relay.internal.Log;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command line: {@code java -jar causeflow-relay.jar --config relay-config.yaml [--stdio |
 * --mcp | --check | --print-role-sql RESOURCE]}.
 *
 * <pre>{@code
 * java -jar causeflow-relay.jar --config relay-config.yaml           # WebSocket mode
 * java -jar causeflow-relay.jar --config relay-config.yaml --stdio   # JSON-RPC lines on stdio
 * java -jar causeflow-relay.jar --config relay-config.yaml --mcp     # an MCP server on stdio
 * java -jar causeflow-relay.jar --config relay-config.yaml --check   # readiness report, exit 0/1
 * java -jar causeflow-relay.jar --config relay-config.yaml --print-role-sql main-pg
 * java -jar causeflow-relay.jar --version
 * java -jar causeflow-relay.jar --config relay-config.yaml --print-iam-policies \
 *     --principal arn:aws:iam::210987654321:role/causeflow-relay         # DynamoDB IAM policies
 * }</pre>
 *
 * <p>Thread-safety: {@link #run} may be called once per process (it installs a shutdown hook in
 * WebSocket mode).
 */
public final class RelayMain {
  /** Exit code: configuration or start-up error. */
  public static final int EXIT_ERROR = 1;
  /** Exit code: bad command line. */
  public static final int EXIT_USAGE = 2;

  static final String USAGE = String.join("\n",
      "usage: java -jar causeflow-relay.jar --config FILE [--stdio | --mcp | --check"
          + " | --print-role-sql RESOURCE [--role NAME]",
      "                                          | --print-iam-policies [--principal ARN]]",
      "       java -jar causeflow-relay.jar --version | --help",
      "",
      "  --config FILE  relay-config.yaml (see docs/relay.md); ${VAR} is read from the environment",
      "  --stdio        serve newline-delimited JSON-RPC on stdin/stdout instead of dialling out;",
      "                 logs and audit go to stderr; controlPlane is optional",
      "  --mcp          serve the Model Context Protocol on stdin/stdout (tools and the",
      "                 investigate_database prompt, see docs/mcp.md); logs and audit go to",
      "                 stderr; controlPlane is optional",
      "  --check        validate the config, connect to every resource once, print a readiness",
      "                 report and exit 0 (all ready) or 1",
      "  --print-role-sql RESOURCE",
      "                 print the SQL that creates the least-privilege PostgreSQL role for that",
      "                 resource (its database, schemas, blockedTables left out) and exit; connects",
      "                 to nothing",
      "  --role NAME    the role name for --print-role-sql (default causeflow_ro)",
      "  --version      print the relay's version and exit",
      "  --print-iam-policies  print, for each dynamodb resource, the IAM permission policy (its",
      "                 allowedTables, blockedTables) and, with --principal, the trust policy; exit",
      "  --principal ARN       the IAM role or user that will assume the role (trust policy)",
      "  --account ID          the tables' AWS account, when connection.roleArn does not name it",
      "  --with-external-id    put connection.externalId into the trust policy (default: a",
      "                 placeholder, so that the secret is not printed unless asked for)",
      "  --help         this text",
      "");

  private RelayMain() {}

  public static void main(String[] args) {
    configureLogging();
    PrintStream stdout = System.out;
    java.util.List<String> argList = java.util.Arrays.asList(args);
    if (argList.contains("--stdio") || argList.contains("--mcp")) {
      // stdout carries the protocol and nothing else: anything printed through System.out (a
      // library's warning, a stray debug line) goes to stderr instead
      stdout = protocolChannel();
    }
    Thread.setDefaultUncaughtExceptionHandler(RelayMain::uncaught);
    int rc = run(args, System.in, stdout, System.err, DataSourceFactory.defaults(),
        RelayOptions.fromSystemProperties(), true);
    System.exit(rc);
  }

  /**
   * In {@code --stdio} and {@code --mcp} modes stdout is the protocol channel: the relay writes its answers to the
   * process's real standard output, and {@code System.out} is pointed at stderr so that nothing
   * else a library or the runtime prints through it can reach the channel. (Messages the JVM
   * itself writes to file descriptor 1 are moved to stderr by {@code -XX:+DisplayVMOutputToStderr},
   * which the shipped launch lines set.)
   */
  static PrintStream protocolChannel() {
    PrintStream protocol = new PrintStream(new java.io.FileOutputStream(
        java.io.FileDescriptor.out), false, java.nio.charset.StandardCharsets.UTF_8);
    System.setOut(System.err);
    return protocol;
  }

  /**
   * A throwable no one caught. Requests contain their own out-of-memory errors (answered
   * RESULT_TOO_LARGE); one that ends a thread of the request pools (see {@link #pooled}: the pool
   * replaces it) is logged. One that ends any other thread leaves the
   * relay in an unknown state: it exits with code 3 so that its supervisor restarts it, rather
   * than limping on. Only the class and the thread name are logged.
   */
  static void uncaught(Thread t, Throwable e) {
    System.err.println("uncaught " + e.getClass().getSimpleName() + " in thread " + t.getName());
    if (e instanceof OutOfMemoryError && !pooled(t.getName())) {
      System.err.println("out of memory outside a request: exiting to be restarted");
      Runtime.getRuntime().halt(3);
    }
  }

  /**
   * Threads of pools that replace a worker that died and whose work belongs to a request: the
   * relay's request workers and the SDK's own threads ({@code causeflow-*}: result lanes, the
   * validator's parse watchdog, deadline and cancel timers). An out-of-memory error caused by
   * one request can surface in any of them while that request holds the heap.
   */
  static boolean pooled(String thread) {
    return thread.startsWith("relay-worker") || thread.startsWith("causeflow-");
  }

  /**
   * Runs the relay as the command line would, with injectable streams and data source factory.
   * In WebSocket mode it returns after shutdown; with {@code installShutdownHook} that happens on
   * SIGTERM/SIGINT.
   */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
      DataSourceFactory factory, RelayOptions options, boolean installShutdownHook) {
    return run(args, stdin, stdout, stderr, factory, options, installShutdownHook,
        Relay::defaultMasking, r -> {});
  }

  /** As {@link #run(String[], InputStream, PrintStream, PrintStream, DataSourceFactory,
   * RelayOptions, boolean)}, with the masking factory and a hook that receives the started relay. */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
      DataSourceFactory factory, RelayOptions options, boolean installShutdownHook,
      java.util.function.Function<ai.causeflow.dbaccess.core.config.MaskingConfig,
          ai.causeflow.dbaccess.core.masking.MaskingStage> masking,
      java.util.function.Consumer<Relay> started) {
    Log.to(stderr);
    Path config = null;
    boolean stdio = false;
    boolean mcp = false;
    boolean check = false;
    String roleSqlFor = null;
    String roleName = "causeflow_ro";
    boolean printIam = false;
    boolean withExternalId = false;
    String principal = null;
    String account = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--version" -> {
          stdout.println("causeflow relay " + Relay.bundledVersion());
          return 0;
        }
        case "--print-iam-policies" -> printIam = true;
        case "--with-external-id" -> withExternalId = true;
        case "--print-role-sql", "--role", "--principal", "--account" -> {
          if (i + 1 >= args.length) {
            stderr.print(args[i] + " needs a value\n" + USAGE);
            return EXIT_USAGE;
          }
          switch (args[i]) {
            case "--role" -> roleName = args[++i];
            case "--print-role-sql" -> roleSqlFor = args[++i];
            case "--principal" -> principal = args[++i];
            default -> account = args[++i];
          }
        }
        case "--config" -> {
          if (i + 1 >= args.length) {
            stderr.print("--config needs a file\n" + USAGE);
            return EXIT_USAGE;
          }
          config = Path.of(args[++i]);
        }
        case "--stdio" -> stdio = true;
        case "--mcp" -> mcp = true;
        case "--check" -> check = true;
        case "--help", "-h" -> {
          stdout.print(USAGE);
          return 0;
        }
        default -> {
          stderr.print("unknown argument " + (args[i].matches("--?[a-z-]{1,32}") ? args[i] : "")
              + "\n" + USAGE);
          return EXIT_USAGE;
        }
      }
    }
    if (config == null) {
      stderr.print("--config is required\n" + USAGE);
      return EXIT_USAGE;
    }
    if ((stdio ? 1 : 0) + (mcp ? 1 : 0) + (check ? 1 : 0) + (roleSqlFor != null ? 1 : 0)
        + (printIam ? 1 : 0) > 1) {
      stderr.print("--stdio, --mcp, --check, --print-role-sql and --print-iam-policies cannot be"
          + " combined\n" + USAGE);
      return EXIT_USAGE;
    }
    RelayConfig cfg;
    try {
      cfg = RelayConfig.load(config);
      if (roleSqlFor != null) {
        return printRoleSql(cfg, roleSqlFor, roleName, stdout, stderr);
      }
      if (!stdio && !mcp && !check && !printIam && cfg.controlPlane() == null) {
        stderr.println("configuration error: controlPlane: is required unless --stdio or --mcp");
        return EXIT_ERROR;
      }
    } catch (DbAccessException e) {
      stderr.println("configuration error: " + e.getMessage());
      return EXIT_ERROR;
    }
    if (printIam) {
      return IamPolicyPrinter.print(cfg, principal, account, withExternalId, stdout, stderr);
    }
    Relay relay;
    try {
      // --check's stdout carries only its report: audit lines of its health checks go to stderr
      relay = Relay.builder(cfg).options(options).dataSourceFactory(factory).masking(masking)
          .auditFromConfig(stdio || mcp || check, stdout, stderr).build();
    } catch (DbAccessException e) {
      stderr.println("start-up error: " + e.getMessage());
      return EXIT_ERROR;
    } catch (RuntimeException e) {
      stderr.println("start-up error: " + e.getClass().getSimpleName());
      return EXIT_ERROR;
    }
    started.accept(relay);
    if (check) {
      return check(cfg, relay, stdout);
    }
    if (mcp) {
      try {
        relay.serveMcp(stdin, stdout);
      } finally {
        relay.shutdown();
      }
      return 0;
    }
    if (stdio) {
      try {
        relay.serveStdio(stdin, stdout);
      } catch (java.io.IOException e) {
        stderr.println("stdin failed: " + e.getClass().getSimpleName());
      } finally {
        relay.shutdown();
      }
      return 0;
    }
    if (installShutdownHook) {
      // SIGTERM/SIGINT: drain, then end with 0 after a clean drain (1 when requests had to be
      // cancelled). Without halt the JVM would report the signal (143/130): main's exit call
      // blocks once shutdown has begun.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        relay.shutdown();
        stdout.flush();
        stderr.flush();
        Runtime.getRuntime().halt(relay.drainedCleanly() ? 0 : EXIT_ERROR);
      }, "relay-shutdown"));
    }
    relay.connect();
    relay.awaitTermination();
    return 0;
  }

  private static int check(RelayConfig cfg, Relay relay, PrintStream out) {
    try {
      out.println("causeflow relay " + relay.version() + " readiness");
      out.println("  config: ok (" + cfg.resources().size() + " resource(s))");
      out.println("  controlPlane: " + (cfg.controlPlane() == null ? "not configured (stdio only)"
          : "configured (" + cfg.controlPlane().url().getScheme() + "://"
              + cfg.controlPlane().url().getHost() + ")"));
      boolean ready = true;
      for (Map.Entry<String, HealthStatus> e : relay.health().entrySet()) {
        HealthStatus h = e.getValue();
        String type = cfg.resource(e.getKey()).map(r -> r.type()).orElse("?");
        if (h.healthy()) {
          out.println("  resource " + e.getKey() + " (" + type + "): ready, " + h.latencyMs()
              + " ms");
        } else {
          ready = false;
          out.println("  resource " + e.getKey() + " (" + type + "): NOT READY, " + h.error()
              + (h.detail() == null ? "" : ": " + h.detail()));
        }
      }
      out.println(ready ? "READY" : "NOT READY");
      return ready ? 0 : EXIT_ERROR;
    } finally {
      relay.shutdown();
    }
  }

  private static int printRoleSql(RelayConfig cfg, String resourceId, String roleName,
      PrintStream out, PrintStream err) {
    var rc = cfg.resource(resourceId).orElse(null);
    if (rc == null || !rc.type().equals("postgres")) {
      err.println("configuration error: --print-role-sql: no postgres resource with id '"
          + (resourceId.matches("[a-z0-9-]{1,64}") ? resourceId : "?") + "'");
      return EXIT_ERROR;
    }
    java.util.Set<String> schemas = new java.util.TreeSet<>();
    for (String glob : rc.allowedTables()) {
      int dot = glob.indexOf('.');
      String schema = dot > 0 ? glob.substring(0, dot) : "";
      if (schema.isEmpty() || schema.contains("*")) {
        schemas.clear();
        break;
      }
      schemas.add(schema);
    }
    if (schemas.isEmpty()) {
      schemas.add("public");
    }
    out.print("-- resource " + rc.id() + ": schemas " + schemas + " (from allowedTables; public"
        + " when they name none); set the password separately, e.g. \\password " + roleName
        + "\n");
    out.print(ai.causeflow.dbaccess.postgres.PostgresRoleSql.generate(roleName,
        java.util.List.copyOf(schemas),
        ai.causeflow.dbaccess.postgres.PostgresRoleSql.optionsFor(rc).build()));
    return 0;
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format",
          "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%n");
    }
  }
}
