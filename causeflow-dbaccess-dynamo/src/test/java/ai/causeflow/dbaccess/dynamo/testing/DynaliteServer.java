package ai.causeflow.dbaccess.dynamo.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB API endpoint for tests: dynalite (npm, in memory) started as a child process on a
 * free loopback port, or the endpoint named by {@code CAUSEFLOW_TEST_DYNAMO_ENDPOINT} (then nothing
 * is started and the same tests run against it, e.g. DynamoDB Local or a real account's endpoint
 * with credentials from the default chain).
 *
 * <p>dynalite is installed by this fixture with {@code npm ci --ignore-scripts} from the committed
 * {@code package.json} and {@code package-lock.json} (test resources beside this class) into
 * {@code target/dynalite} of the working directory (override: system property
 * {@code causeflow.dynalite.dir}); an install whose lock file is unchanged is reused. Node.js
 * ({@code node} and {@code npm} on the PATH) is required; without it the fixture fails with a
 * message that says so.
 *
 * <p>One server per JVM ({@link #shared()}), killed by a shutdown hook. Thread-safety: thread-safe.
 */
public final class DynaliteServer implements AutoCloseable {
  public static final String ENDPOINT_ENV = "CAUSEFLOW_TEST_DYNAMO_ENDPOINT";
  private static final String RESOURCES = "/ai/causeflow/dbaccess/dynamo/testing/";
  private static @Nullable DynaliteServer shared;

  private final URI endpoint;
  private final @Nullable Process process;
  private final boolean external;

  private DynaliteServer(URI endpoint, @Nullable Process process, boolean external) {
    this.endpoint = endpoint;
    this.process = process;
    this.external = external;
  }

  /** The JVM-wide server, started on first use. */
  public static synchronized DynaliteServer shared() {
    if (shared == null) {
      DynaliteServer s = start();
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "dynalite-stop"));
      shared = s;
    }
    return shared;
  }

  /** Starts a new server (or wraps the external endpoint); the caller closes it. */
  public static DynaliteServer start() {
    String env = System.getenv(ENDPOINT_ENV);
    if (env != null && !env.isBlank()) {
      return new DynaliteServer(URI.create(env.trim()), null, true);
    }
    Path dir = Path.of(System.getProperty("causeflow.dynalite.dir", "target/dynalite"))
        .toAbsolutePath();
    Path cli = install(dir);
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path log = dir.resolve("dynalite-" + port + ".log");
      try {
        Process p = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port",
            Integer.toString(port), "--createTableMs", "0", "--deleteTableMs", "0",
            "--updateTableMs", "0")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        if (awaitListening(p, port, Duration.ofSeconds(20))) {
          return new DynaliteServer(URI.create("http://127.0.0.1:" + port), p, false);
        }
        p.destroyForcibly();
        last = new IOException("dynalite did not listen on port " + port + "; log: "
            + tail(log));
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not start dynalite: " + last.getMessage(), last);
  }

  /** The endpoint to give a client ({@code endpointOverride}). */
  public URI endpoint() {
    return endpoint;
  }

  /** Whether the endpoint came from {@value #ENDPOINT_ENV}. */
  public boolean external() {
    return external;
  }

  /**
   * A plain client without the read-only interceptor, for seeding and for checking state behind
   * the library's back. Credentials are dummies unless the endpoint is external (then the default
   * chain).
   */
  public DynamoDbClient rawClient() {
    var b = DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1);
    if (!external) {
      b.credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create("AKIAFIXTURE000000000", "fixture-secret")));
    }
    return b.build();
  }

  @Override
  public void close() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  // ---- install ----

  private static Path install(Path dir) {
    requireTool("node");
    requireTool("npm");
    try {
      Files.createDirectories(dir);
      byte[] pkg = resource("package.json");
      byte[] lock = resource("package-lock.json");
      try (FileChannel ch = FileChannel.open(dir.resolve(".install.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        Path cli = dir.resolve("node_modules/dynalite/cli.js");
        Path stamp = dir.resolve("node_modules/.causeflow-lock");
        if (Files.exists(cli) && Files.exists(stamp)
            && Arrays.equals(Files.readAllBytes(stamp), lock)) {
          return cli;
        }
        Files.write(dir.resolve("package.json"), pkg);
        Files.write(dir.resolve("package-lock.json"), lock);
        Path log = dir.resolve("npm-ci.log");
        Process p = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("npm ci for dynalite did not finish in 300 s; log: "
              + tail(log));
        }
        if (p.exitValue() != 0 || !Files.exists(cli)) {
          throw new IllegalStateException("npm ci for dynalite failed (exit " + p.exitValue()
              + "); it needs the npm registry. Log: " + tail(log));
        }
        Files.write(stamp, lock);
        return cli;
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not install dynalite into " + dir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing dynalite", e);
    }
  }

  static void requireTool(String tool) {
    String hint = "The DynamoDB integration tests run dynalite, a DynamoDB API implementation on"
        + " Node.js: install Node.js 20 or later (with npm) so that '" + tool + "' is on the PATH,"
        + " or set " + ENDPOINT_ENV + " to a DynamoDB-compatible endpoint.";
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Node.js: '" + tool + " --version' failed. " + hint);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Node.js not found: '" + tool + "' is not on the PATH. "
          + hint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DynaliteServer.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    }
  }

  // ---- process ----

  private static boolean awaitListening(Process p, int port, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
