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
 * --check]}.
 *
 * <pre>{@code
 * java -jar causeflow-relay.jar --config relay-config.yaml           # WebSocket mode
 * java -jar causeflow-relay.jar --config relay-config.yaml --stdio   # JSON-RPC lines on stdio
 * java -jar causeflow-relay.jar --config relay-config.yaml --check   # readiness report, exit 0/1
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
      "usage: java -jar causeflow-relay.jar --config FILE [--stdio | --check]",
      "",
      "  --config FILE  relay-config.yaml (see docs/relay.md); ${VAR} is read from the environment",
      "  --stdio        serve newline-delimited JSON-RPC on stdin/stdout instead of dialling out;",
      "                 logs and audit go to stderr; controlPlane is optional",
      "  --check        validate the config, connect to every resource once, print a readiness",
      "                 report and exit 0 (all ready) or 1",
      "  --help         this text",
      "");

  private RelayMain() {}

  public static void main(String[] args) {
    configureLogging();
    int rc = run(args, System.in, System.out, System.err, DataSourceFactory.defaults(),
        RelayOptions.fromSystemProperties(), true);
    System.exit(rc);
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
    boolean check = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            stderr.print("--config needs a file\n" + USAGE);
            return EXIT_USAGE;
          }
          config = Path.of(args[++i]);
        }
        case "--stdio" -> stdio = true;
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
    if (stdio && check) {
      stderr.print("--stdio and --check cannot be combined\n" + USAGE);
      return EXIT_USAGE;
    }
    RelayConfig cfg;
    try {
      cfg = RelayConfig.load(config);
      if (!stdio && !check && cfg.controlPlane() == null) {
        stderr.println("configuration error: controlPlane: is required unless --stdio");
        return EXIT_ERROR;
      }
    } catch (DbAccessException e) {
      stderr.println("configuration error: " + e.getMessage());
      return EXIT_ERROR;
    }
    Relay relay;
    try {
      relay = Relay.builder(cfg).options(options).dataSourceFactory(factory).masking(masking)
          .auditFromConfig(stdio, stdout, stderr).build();
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
      Runtime.getRuntime().addShutdownHook(new Thread(relay::shutdown, "relay-shutdown"));
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

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format",
          "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%n");
    }
  }
}
