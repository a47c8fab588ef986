package ai.causeflow.dbaccess.core.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * Writes each {@link AuditEvent} as one JSON object on one line, flushed at once:
 *
 * <pre>{@code
 * {"time":"2026-11-29T10:00:00.123Z","level":"warn","msg":"request refused","requestId":"r-1",
 *  "resourceId":"main-pg","operation":"query","outcome":"REFUSED","reason":"QUERY_BLOCKED",
 *  "detail":"...","rowCount":0,"truncated":false,"masked":true,"maskedFieldCount":0,
 *  "patternsApplied":{},
 *  "executionMs":2,"fingerprint":"9f2c...","statement":"SELECT * FROM t WHERE id = ?"}
 * }</pre>
 *
 * <pre>{@code
 * AuditSink sink = JsonLinesAuditSink.toStream(System.out);         // relay: stdout
 * AuditSink file = JsonLinesAuditSink.toFile(Path.of("audit.jsonl")); // appends
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; lines from concurrent requests never interleave. An I/O error is
 * thrown to the pipeline (see {@link AuditFailureMode}).
 */
public final class JsonLinesAuditSink implements AuditSink, AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final OutputStream out;
  private final boolean closeOut;

  private JsonLinesAuditSink(OutputStream out, boolean closeOut) {
    this.out = Objects.requireNonNull(out, "out");
    this.closeOut = closeOut;
  }

  /** Standard error, looked up at each record so that {@code System.setErr} is followed. */
  static final AuditSink STDERR = event -> toPrintStream(System.err, event);

  /**
   * Writes one line to a print stream; a print stream swallows I/O errors, so its error flag is
   * checked: an audit line that could not be written is a failure of the sink (under
   * {@code FAIL_CLOSED} the result is withheld).
   */
  static void toPrintStream(java.io.PrintStream out, AuditEvent event) {
    byte[] line = toJsonLine(event);
    out.write(line, 0, line.length);
    if (out.checkError()) {
      throw new UncheckedIOException("audit write failed", new IOException("stream error"));
    }
  }

  /** Standard output, looked up at each record, checked like {@link #STDERR}. */
  public static AuditSink standardOutput() {
    return event -> toPrintStream(System.out, event);
  }

  /**
   * Appends each event to a file, creating it if needed; the file is opened and closed for each
   * line, so nothing is left open (suits a data source built from a configuration file; for high
   * request rates prefer {@link #toFile}).
   */
  public static AuditSink appendingTo(Path file) {
    Objects.requireNonNull(file, "file");
    return event -> {
      byte[] line = toJsonLine(event);
      synchronized (JsonLinesAuditSink.class) {
        try (OutputStream o = Files.newOutputStream(file, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
          o.write(line);
        } catch (IOException e) {
          throw new UncheckedIOException("audit write failed", e);
        }
      }
    };
  }

  /** Writes to a stream the caller owns (not closed by {@link #close()}). */
  public static JsonLinesAuditSink toStream(OutputStream out) {
    return new JsonLinesAuditSink(out, false);
  }

  /** Appends to a file, creating it if needed; {@link #close()} closes it. */
  public static JsonLinesAuditSink toFile(Path file) {
    try {
      return new JsonLinesAuditSink(Files.newOutputStream(file, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit file", e);
    }
  }

  @Override
  public void record(AuditEvent event) {
    byte[] line = toJsonLine(event);
    synchronized (this) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("audit write failed", e);
      }
    }
  }

  /** The JSON line for an event, newline included. */
  public static byte[] toJsonLine(AuditEvent e) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(e.time()));
      g.writeStringField("level", e.level());
      g.writeStringField("msg", e.msg());
      g.writeStringField("requestId", e.requestId());
      g.writeStringField("resourceId", e.resourceId());
      g.writeStringField("operation", e.operation());
      g.writeStringField("outcome", e.outcome().name());
      g.writeStringField("reason", e.reason() == null ? null : e.reason().name());
      g.writeStringField("detail", e.detail());
      g.writeNumberField("rowCount", e.rowCount());
      g.writeBooleanField("truncated", e.truncated());
      g.writeBooleanField("masked", e.masked());
      g.writeNumberField("maskedFieldCount", e.maskedFieldCount());
      g.writeObjectFieldStart("patternsApplied");
      for (Map.Entry<String, Integer> p : e.patternsApplied().entrySet()) {
        g.writeNumberField(p.getKey(), p.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("executionMs", e.executionMs());
      g.writeStringField("fingerprint", e.statementFingerprint());
      g.writeStringField("statement", e.statement());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    buf.write('\n');
    return buf.toByteArray();
  }

  @Override
  public void close() {
    if (closeOut) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("audit close failed", e);
      }
    }
  }
}
