package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane that sends requests as fast as it can and never reads the answers: the relay
 * must stop reading, hold a bounded amount of unsent answers, close the connection once nothing
 * has moved for the stall timeout, and reconnect. Over stdio the pipe does the same job.
 */
class RelayBackpressureTest {
  private static final int SEND_BUFFER_CHARS = 256 * 1024;
  private static final int ID_CHARS = 60_000;

  @TempDir Path dir;

  @Test
  void aControlPlaneThatDoesNotReadIsDisconnectedWithBoundedMemory() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.setReceiveBufferSize(4096); // inherited by the accepted socket: little kernel slack
      server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String url = "ws://127.0.0.1:" + server.getLocalPort() + "/v1/relay/connect";
      RelayHarness relay = new RelayHarness(dir, RelayHarness.yaml(url, 2, 8,
          "{level: warn}"));
      ByteArrayOutputStream err = relay.err;
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      RelayOptions options = RelayHarness.fastOptions()
          .withSendBuffer(SEND_BUFFER_CHARS, Duration.ofSeconds(1));
      Thread main = new Thread(() -> exit.complete(RelayMain.run(
          new String[] {"--config", relay.config.toString()}, InputStream.nullInputStream(),
          new PrintStream(relay.out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), relay.factory(), options, false,
          mc -> new ai.causeflow.dbaccess.testkit.TestMasking(), relay.relay::complete)),
          "relay-main");
      main.setDaemon(true);
      main.start();
      server.setSoTimeout(15_000);
      AtomicLong written = new AtomicLong();
      try (Socket first = server.accept()) {
        handshake(first);
        // Every answer echoes its 60,000-character id: 400 requests ask for 24 M characters.
        Thread writer = new Thread(() -> {
          try {
            OutputStream o = first.getOutputStream();
            String pad = "i".repeat(ID_CHARS);
            for (int i = 0; i < 400; i++) {
              // list_resources is answered by the reader, health_check by a worker
              byte[] frame = frame("{\"jsonrpc\":\"2.0\",\"id\":\"" + i + pad
                  + "\",\"method\":\"" + (i % 2 == 0 ? "list_resources" : "health_check")
                  + "\"}");
              o.write(frame);
              written.addAndGet(frame.length);
            }
          } catch (IOException e) {
            // the relay closed the connection (or stopped reading and then closed it)
          }
        }, "cp-writer");
        writer.setDaemon(true);
        writer.start();
        // the relay gives up on the connection and dials again
        try (Socket second = server.accept()) {
          handshake(second);
          writer.join(5_000);
        }
      } finally {
        relay.relay.get(10, TimeUnit.SECONDS).shutdown();
      }
      String log = err.toString(StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("not reading: (\\d+) characters unsent").matcher(log);
      assertThat(m.find()).as(log).isTrue();
      long unsent = Long.parseLong(m.group(1));
      // at most the buffer plus one answer per worker and the reader's one inline answer
      assertThat(unsent).isLessThanOrEqualTo(SEND_BUFFER_CHARS + 3L * (ID_CHARS + 1_000));
      // the relay stopped reading: far from all 24 M characters were taken off the socket
      assertThat(written.get()).isLessThan(400L * ID_CHARS);
    }
  }

  /** Starts the relay's WebSocket mode with these options; returns its exit code's future. */
  private static CompletableFuture<Integer> start(RelayHarness relay, RelayOptions options) {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread main = new Thread(() -> exit.complete(RelayMain.run(
        new String[] {"--config", relay.config.toString()}, InputStream.nullInputStream(),
        new PrintStream(relay.out, true, StandardCharsets.UTF_8),
        new PrintStream(relay.err, true, StandardCharsets.UTF_8), relay.factory(), options, false,
        mc -> new ai.causeflow.dbaccess.testkit.TestMasking(), relay.relay::complete)),
        "relay-main");
    main.setDaemon(true);
    main.start();
    return exit;
  }

  @Test
  void aControlPlaneThatGoesSilentIsTakenAsDeadAndDialledAgain() throws Exception {
    // A half-open path: the TCP connection stays up, but nothing comes back - no answer, no pong.
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String url = "ws://127.0.0.1:" + server.getLocalPort() + "/v1/relay/connect";
      RelayHarness relay = new RelayHarness(dir, RelayHarness.yaml(url, 2, 8, "{level: warn}"));
      start(relay, RelayHarness.fastOptions().withIdleTimeout(Duration.ofMillis(2_500)));
      server.setSoTimeout(20_000);
      try (Socket first = server.accept()) {
        handshake(first);
        long t0 = System.nanoTime();
        try (Socket second = server.accept()) {
          long ms = (System.nanoTime() - t0) / 1_000_000;
          handshake(second);
          // 2.5 s of silence, checked at each 1 s heartbeat, then the reconnect backoff
          assertThat(ms).isBetween(2_000L, 10_000L);
        }
      } finally {
        relay.relay.get(10, TimeUnit.SECONDS).shutdown();
      }
      String log = relay.err.toString(StandardCharsets.UTF_8);
      assertThat(log).contains("not even a pong").doesNotContain(RelayHarness.TOKEN);
    }
  }

  @Test
  void aQuietButLiveControlPlaneKeepsItsConnectionThroughPongs() throws Exception {
    try (ControlPlaneServer cp = new ControlPlaneServer()) {
      RelayHarness relay = new RelayHarness(dir, RelayHarness.yaml(cp.url(), 2, 8,
          "{level: warn}"));
      start(relay, RelayHarness.fastOptions().withIdleTimeout(Duration.ofMillis(2_500)));
      try {
        cp.awaitConnection(Duration.ofSeconds(10));
        Thread.sleep(6_000); // the control plane sends nothing; only pongs come back
        assertThat(cp.handshakes).hasSize(1);
        assertThat(cp.call("list_resources", null).has("result")).isTrue();
      } finally {
        relay.relay.get(10, TimeUnit.SECONDS).shutdown();
      }
      assertThat(relay.err.toString(StandardCharsets.UTF_8)).doesNotContain("not even a pong");
    }
  }

  @Test
  void stdioStopsReadingWhileItsAnswersAreNotRead() throws Exception {
    RelayHarness relay = new RelayHarness(dir, RelayHarness.yaml(null, 2, 8,
        "{level: warn, output: stderr}"));
    CountDownLatch reading = new CountDownLatch(1);
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    OutputStream stdout = new OutputStream() { // a reader that does not read until released
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          reading.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        synchronized (answers) {
          answers.write(b, off, len);
        }
      }
    };
    PipedOutputStream feed = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(feed, 4096);
    int requests = 2_000;
    AtomicInteger fed = new AtomicInteger();
    Thread writer = new Thread(() -> {
      try (feed) {
        for (int i = 0; i < requests; i++) {
          feed.write(("{\"jsonrpc\":\"2.0\",\"id\":" + i
              + ",\"method\":\"list_resources\"}\n").getBytes(StandardCharsets.UTF_8));
          fed.incrementAndGet();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, "stdin-writer");
    writer.setDaemon(true);
    writer.start();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> RelayMain.run(
        new String[] {"--config", relay.config.toString(), "--stdio"}, stdin,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(relay.err, true, StandardCharsets.UTF_8), relay.factory(),
        RelayHarness.fastOptions(), false,
        mc -> new ai.causeflow.dbaccess.testkit.TestMasking(), r -> {}));
    Thread.sleep(1_500);
    // the first unread answer blocks the reader: only what the pipe and the decoder buffer hold
    // was taken from stdin
    assertThat(fed.get()).isLessThan(requests / 2);
    reading.countDown();
    assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    assertThat(fed.get()).isEqualTo(requests);
    assertThat(answers.toString(StandardCharsets.UTF_8).lines()).hasSize(requests);
  }

  private static void handshake(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("handshake cut short");
      }
      head.append((char) c);
    }
    Matcher key = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)").matcher(head);
    assertThat(key.find()).isTrue();
    String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
        .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
            .getBytes(StandardCharsets.US_ASCII)));
    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** One unmasked server-to-client text frame. */
  private static byte[] frame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 10);
    b.write(0x81);
    if (payload.length < 126) {
      b.write(payload.length);
    } else if (payload.length < 65_536) {
      b.write(126);
      b.write(payload.length >>> 8);
      b.write(payload.length & 0xff);
    } else {
      b.write(127);
      for (int i = 7; i >= 0; i--) {
        b.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
      }
    }
    b.writeBytes(payload);
    return b.toByteArray();
  }
}
