package ai.causeflow.dbaccess.examples.relay.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The MCP output: counts the lines written through it (one per message), so that the input guard
 * knows when every answer owed has gone out.
 *
 * <p>Thread-safety: writers synchronise on this object (the SDK and the guard both do); the count
 * may be read from any thread.
 */
final class LineCountingOutput extends FilterOutputStream {
  private final AtomicLong lines = new AtomicLong();

  LineCountingOutput(OutputStream out) {
    super(out);
  }

  long lines() {
    return lines.get();
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    if (b == '\n') {
      lines.incrementAndGet();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        lines.incrementAndGet();
      }
    }
  }
}
