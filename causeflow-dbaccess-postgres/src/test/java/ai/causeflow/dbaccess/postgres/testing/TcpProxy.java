package ai.causeflow.dbaccess.postgres.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of the test server, to simulate a database that dies and comes back
 * without stopping the shared server: {@link #stop()} closes the listener and every forwarded
 * connection, {@link #start()} listens on the same port again.
 *
 * <pre>{@code
 * try (TcpProxy proxy = new TcpProxy("localhost", server.port())) {
 *   proxy.start();
 *   ... connect to 127.0.0.1:proxy.port() ...
 *   proxy.stop();   // the "database" is gone
 * }
 * }</pre>
 *
 * <p>Thread-safety: start/stop from one thread; forwarding runs on daemon threads.
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;
  private int port;
  /** Server-to-client bytes still forwarded before the pumps stall; negative: never stall. */
  private final java.util.concurrent.atomic.AtomicLong passBeforeStall =
      new java.util.concurrent.atomic.AtomicLong(-1);
  private final java.util.Set<Socket> stalled = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** The local port (fixed after the first start). */
  public int port() {
    return port;
  }

  public synchronized void start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    port = s.getLocalPort();
    listener = s;
    Thread t = new Thread(() -> accept(s), "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket server = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * After {@code bytes} more bytes from the server, stop reading from the server on the
   * connections forwarded now (later ones, such as a cancel request's, flow normally): a server
   * writing a large result then blocks in its send, as it would for a client that stopped
   * reading. Closing the client side still closes the server side.
   */
  public void stallServerAfter(long bytes) {
    stalled.clear();
    stalled.addAll(sockets);
    passBeforeStall.set(bytes);
  }

  /** Forwards everything again. */
  public void unstall() {
    passBeforeStall.set(-1);
    stalled.clear();
  }

  private void pump(Socket from, Socket to, boolean fromServer) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while (true) {
          boolean mayStall = fromServer && stalled.contains(from);
          if (mayStall && passBeforeStall.get() == 0) {
            if (to.isClosed() || from.isClosed()) {
              break;
            }
            Thread.sleep(10);
            continue;
          }
          n = in.read(buf, 0, mayStall && passBeforeStall.get() > 0
              ? (int) Math.min(buf.length, passBeforeStall.get()) : buf.length);
          if (n < 0) {
            break;
          }
          if (mayStall) {
            final int got = n;
            passBeforeStall.getAndUpdate(v -> v < 0 ? v : Math.max(0, v - got));
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException ignored) {
        // closed by stop() or by the peer
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Stops listening and cuts every forwarded connection. */
  public synchronized void stop() {
    ServerSocket s = listener;
    if (s != null) {
      closeQuietly(s);
      listener = null;
    }
    for (Socket x : sockets) {
      closeQuietly(x);
    }
    sockets.clear();
  }

  @Override
  public void close() {
    stop();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}
