package ai.causeflow.dbaccess.examples.relay.internal;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Objects;

/**
 * The relay's own log: one line per event on stderr ({@code time LEVEL message}). Deliberately not
 * java.util.logging, whose shutdown hook closes its handlers while the relay's SIGTERM drain is
 * still logging. Callers pass names, counts and codes only: never a token, a parameter or a row.
 *
 * <p>Thread-safety: thread-safe; lines never interleave.
 */
public final class Log {
  private static volatile PrintStream out = System.err;

  private Log() {}

  /** Where lines go (the process's stderr by default). */
  public static void to(PrintStream stream) {
    out = Objects.requireNonNull(stream);
  }

  public static void info(String message) {
    write("INFO", message);
  }

  public static void warn(String message) {
    write("WARN", message);
  }

  public static void error(String message) {
    write("ERROR", message);
  }

  private static void write(String level, String message) {
    PrintStream s = out;
    String line = Instant.now() + " " + level + " causeflow.relay: " + message;
    synchronized (s) {
      s.println(line);
      s.flush();
    }
  }
}
