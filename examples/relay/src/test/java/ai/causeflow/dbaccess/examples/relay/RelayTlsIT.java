package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate verification over {@code wss://}, end to end with the real fat jar: a self-signed
 * certificate the JVM does not trust is refused (and retried, never bypassed); the same
 * certificate in the relay's trust store ({@code -Djavax.net.ssl.trustStore}) connects and serves;
 * a trusted certificate for another host name is refused (host-name verification is on).
 *
 * <p>The certificates are made at test time with the JDK's own {@code keytool}.
 */
class RelayTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOKEN = "tls-tok-SECRET-5c2a90";
  private static final char[] PASS = "changeit-test".toCharArray();
  /** A name that never resolves on the public internet (RFC 6761), mapped only by our hosts file. */
  private static final String OTHER_HOST = "example.invalid";

  @TempDir static Path dir;
  static Path jar;
  /** Key and self-signed certificate for {@code localhost} and 127.0.0.1. */
  static Path localhostKeys;
  /** Key and self-signed certificate for {@value #OTHER_HOST} only. */
  static Path otherKeys;
  /** Trusts both certificates above, and nothing else. */
  static Path trustStore;

  @BeforeAll
  static void makeCertificates() throws Exception {
    jar = Path.of(System.getProperty("relay.jar", "target/causeflow-relay.jar"));
    assumeTrue(Files.isRegularFile(jar), "the fat jar is built by mvn package");
    localhostKeys = dir.resolve("localhost.p12");
    otherKeys = dir.resolve("other.p12");
    Process a = keytool(localhostKeys, "localhost", "dns:localhost,ip:127.0.0.1");
    Process b = keytool(otherKeys, OTHER_HOST, "dns:" + OTHER_HOST);
    awaitKeytool(a);
    awaitKeytool(b);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("localhost", load(localhostKeys).getCertificate("cp"));
    trust.setCertificateEntry("other", load(otherKeys).getCertificate("cp"));
    trustStore = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, PASS);
    }
  }

  private static Process keytool(Path keystore, String cn, String san) throws IOException {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    return new ProcessBuilder(keytool, "-genkeypair", "-noprompt",
        "-alias", "cp", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", new String(PASS), "-keypass", new String(PASS))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(cn + "-keytool.log").toFile())
        .start();
  }

  private static void awaitKeytool(Process p) throws Exception {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(p.exitValue()).as("keytool exit code").isZero();
  }

  private static KeyStore load(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASS);
    }
    return ks;
  }

  private static SSLContext serverTls(Path p12) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(p12), PASS);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static String wss(String host, ControlPlaneServer cp) {
    return "wss://" + host + ":" + cp.port + "/v1/relay/connect";
  }

  /**
   * Starts the jar in WebSocket mode. The one resource points at a closed port: TLS is what is
   * under test, and {@code list_resources} answers (status {@code down}) without a database.
   */
  private static Process relay(String url, Path err, String... jvmFlags) throws IOException {
    String yaml = String.join("\n",
        "controlPlane:",
        "  url: " + url,
        "  token: ${RELAY_TOKEN}",
        "  tenantId: acme",
        "  reconnect: {initialDelayMs: 50, maxDelayMs: 400}",
        "resources:",
        "  - id: main-pg",
        "    type: postgres",
        "    connection: {host: 127.0.0.1, port: 1, database: x, user: u, password: p,"
            + " sslMode: disable, connectTimeoutMs: 500}",
        "audit: {output: stdout}",
        "");
    Path cfg = Files.writeString(Files.createTempFile(dir, "relay", ".yaml"), yaml);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + dir));
    cmd.addAll(List.of(jvmFlags));
    cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--config", cfg.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("RELAY_TOKEN", TOKEN);
    // Trust must come from the flags given here, not from the developer's environment.
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.redirectOutput(Files.createTempFile(dir, "out", ".log").toFile()).redirectError(err.toFile());
    return pb.start();
  }

  private static String[] trusting() {
    return new String[] {"-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStorePassword=" + new String(PASS),
        "-Djavax.net.ssl.trustStoreType=PKCS12"};
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  /** Waits until the relay's log holds {@code needle} {@code n} times; returns the log. */
  private static String awaitLog(Path err, String needle, int n) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      String log = read(err);
      if (log.split(java.util.regex.Pattern.quote(needle), -1).length - 1 >= n) {
        return log;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected " + n + " x '" + needle + "' in:\n" + read(err));
  }

  /** What every refused attempt must look like: retried, over wss only, no token, still alive. */
  private static void assertRefusedAndRetried(ControlPlaneServer cp, Process relay, Path err,
      String url, int tlsAcceptedBefore) throws Exception {
    String log = awaitLog(err, "connection to " + url + " failed (SSLHandshakeException)", 3);
    assertThat(relay.isAlive()).as("the relay keeps running after a refused certificate").isTrue();
    assertThat(cp.tlsAccepted.get() - tlsAcceptedBefore)
        .as("each attempt reached the TLS server").isGreaterThanOrEqualTo(3);
    assertThat(cp.opened).as("no WebSocket was ever opened").isEmpty();
    assertThat(cp.handshakes).as("no HTTP upgrade reached the control plane").isEmpty();
    assertThat(log).contains("reconnecting in").contains("(attempt 2)");
    List<String> attempts = log.lines().filter(l -> l.contains("connecting to ")
        && !l.contains("reconnecting")).toList();
    assertThat(attempts).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(l -> assertThat(l).contains("connecting to " + url + " as relay "));
    assertThat(log).doesNotContain(TOKEN).doesNotContain("Bearer").doesNotContain("ws://");
  }

  @Test
  void aCertificateTheJvmDoesNotTrustIsRefusedAndRetriedWithBackoff() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer(serverTls(localhostKeys))) {
      String url = wss("localhost", cp);
      Path err = Files.createTempFile(dir, "untrusted", ".log");
      Process relay = relay(url, err); // the JVM's default trust store (cacerts)
      try {
        assertRefusedAndRetried(cp, relay, err, url, 0);
      } finally {
        relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theSameCertificateInTheTrustStoreConnectsAndServes() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer(serverTls(localhostKeys))) {
      String url = wss("localhost", cp);
      Path err = Files.createTempFile(dir, "trusted", ".log");
      Process relay = relay(url, err, trusting());
      try {
        cp.awaitConnection(WAIT);
        assertThat(cp.handshakes.get(0).get("Authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode r = cp.call("list_resources", null);
        assertThat(r.get("result").get(0).get("resourceId").asText()).as(r.toString())
            .isEqualTo("main-pg");
        assertThat(awaitLog(err, "connected to " + url, 1)).doesNotContain(TOKEN);
        assertThat(cp.tlsAccepted.get()).isPositive();
      } finally {
        relay.destroy();
        relay.waitFor(20, TimeUnit.SECONDS);
        relay.destroyForcibly();
      }
    }
  }

  @Test
  void aTrustedCertificateForAnotherHostNameIsRefused() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer(serverTls(otherKeys))) {
      // Control: under the name it was issued for, the same certificate is accepted.
      Path hosts = Files.writeString(dir.resolve("hosts"),
          "127.0.0.1 " + OTHER_HOST + "\n127.0.0.1 localhost\n");
      String rightName = wss(OTHER_HOST, cp);
      Path okErr = Files.createTempFile(dir, "right-name", ".log");
      List<String> flags = new ArrayList<>(List.of(trusting()));
      flags.add("-Djdk.net.hosts.file=" + hosts);
      Process control = relay(rightName, okErr, flags.toArray(String[]::new));
      try {
        cp.awaitConnection(WAIT);
        assertThat(cp.call("list_resources", null).has("result")).isTrue();
      } finally {
        control.destroy();
        control.waitFor(20, TimeUnit.SECONDS);
        control.destroyForcibly();
      }
      Integer code = cp.closeCodes.poll(10, TimeUnit.SECONDS);
      assertThat(code).as(Files.readString(okErr)).isEqualTo(1001);
      cp.handshakes.clear();

      // The same trusted certificate reached as localhost: wrong name, refused. Also when the JVM
      // runs with the JDK client's own switch for skipping the host-name check.
      String url = wss("localhost", cp);
      for (String extra : List.of("-Dunused=1",
          "-Djdk.internal.httpclient.disableHostnameVerification=true")) {
        Path err = Files.createTempFile(dir, "wrong-name", ".log");
        int before = cp.tlsAccepted.get();
        List<String> wrongNameFlags = new ArrayList<>(List.of(trusting()));
        wrongNameFlags.add(extra);
        Process relay = relay(url, err, wrongNameFlags.toArray(String[]::new));
        try {
          assertRefusedAndRetried(cp, relay, err, url, before);
        } finally {
          relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
