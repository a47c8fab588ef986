package ai.causeflow.dbaccess.examples.relay.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * (ext) The stdio transport: one JSON-RPC request per line on stdin, one answer per line on
 * stdout. Lines longer than the cap are skipped to their end without being buffered and answered
 * with {@code -32600}. No notifications are sent on stdio.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread; {@link #serve} from one.
 */
public final class StdioServer implements Session {
  private final Engine engine;
  private final OutputStream out;
  private final int maxChars;
  private volatile boolean open = true;

  public StdioServer(Engine engine, OutputStream out, int maxChars) {
    this.engine = engine;
    this.out = out;
    this.maxChars = maxChars;
  }

  /** Reads requests until end of input; returns without waiting for answers. */
  public void serve(InputStream in) throws IOException {
    Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] chunk = new char[8192];
    StringBuilder line = new StringBuilder();
    boolean oversize = false;
    int n;
    while ((n = r.read(chunk)) >= 0) {
      for (int i = 0; i < n; i++) {
        char c = chunk[i];
        if (c == '\n') {
          finishLine(line, oversize);
          line = new StringBuilder();
          oversize = false;
        } else if (!oversize) {
          if (line.length() >= maxChars) {
            oversize = true;
            line = new StringBuilder();
          } else {
            line.append(c);
          }
        }
      }
    }
    finishLine(line, oversize);
  }

  private void finishLine(StringBuilder line, boolean oversize) {
    if (oversize) {
      engine.oversize(this);
      return;
    }
    String s = line.toString();
    if (!s.isBlank()) {
      engine.handle(s.strip(), this);
    }
  }

  @Override
  public void send(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(bytes);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        open = false; // the reader went away: later answers are dropped
      }
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }
}
