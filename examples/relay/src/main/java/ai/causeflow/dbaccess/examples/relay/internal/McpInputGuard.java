package ai.causeflow.dbaccess.examples.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Stands between stdin and the MCP SDK's stdio transport, which stops reading for good (the
 * process then hangs) at the first line it cannot turn into a JSON-RPC message, and logs that line
 * verbatim. Only well-formed JSON-RPC messages reach the SDK; anything else is answered here, on
 * the same output, with {@code -32700} (not JSON, or longer than the cap - skipped to its end
 * without being buffered) or {@code -32600} (JSON but not a JSON-RPC message), and never logged.
 *
 * <p>When stdin ends, the SDK's input is closed only once every request passed to it has been
 * answered (or the grace period is over): the SDK drops answers still being computed when its
 * input ends, and {@code printf '...' | java -jar causeflow-relay.jar --mcp} should get its
 * answers, as {@code --stdio} does.
 *
 * <p>Thread-safety: one reader thread; answers are written under the output stream's monitor,
 * the lock the SDK's writer takes too, so lines never interleave.
 */
final class McpInputGuard {
  private static final String PARSE_ERROR = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
      + "-32700,\"message\":\"Parse error: not a JSON-RPC message (or longer than the size cap)\"}}";

  private final InputStream in;
  private final LineCountingOutput out;
  private final int maxChars;
  private final long graceNanos;
  /** Lines the output must carry before the SDK's input may end: answers owed. */
  private long owed;
  private final PipedOutputStream toSdk = new PipedOutputStream();
  private final PipedInputStream sdkInput;

  McpInputGuard(InputStream in, LineCountingOutput out, int maxChars, java.time.Duration grace)
      throws IOException {
    this.in = in;
    this.out = out;
    this.maxChars = maxChars;
    this.graceNanos = grace.toNanos();
    this.sdkInput = new PipedInputStream(toSdk, 1 << 16);
  }

  /** What the SDK reads: the checked lines, ending when stdin ends. */
  InputStream sdkInput() {
    return sdkInput;
  }

  /** Starts the reader thread. */
  void start() {
    Thread t = new Thread(this::pump, "mcp-stdin");
    t.setDaemon(true);
    t.start();
  }

  private void pump() {
    try (toSdk) {
      Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
      char[] chunk = new char[8192];
      StringBuilder line = new StringBuilder();
      boolean oversize = false;
      int n;
      while ((n = r.read(chunk)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = chunk[i];
          if (c == '\n') {
            finish(line, oversize);
            line.setLength(0);
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
      finish(line, oversize);
      awaitAnswers();
    } catch (IOException e) {
      Log.warn("MCP input ended (" + e.getClass().getSimpleName() + ")");
    }
  }

  private void finish(StringBuilder line, boolean oversize) throws IOException {
    if (oversize) {
      answer(PARSE_ERROR);
      return;
    }
    String s = line.toString().strip();
    if (s.isEmpty()) {
      return;
    }
    JsonNode m;
    try {
      m = Json.parse(s);
    } catch (IOException e) {
      answer(PARSE_ERROR);
      return;
    }
    String problem = problem(m);
    if (problem != null) {
      JsonNode id = m.isObject() ? m.get("id") : null;
      boolean echo = id != null && (id.isTextual() || id.isNumber());
      answer("{\"jsonrpc\":\"2.0\",\"id\":" + (echo ? id.toString() : "null")
          + ",\"error\":{\"code\":-32600,\"message\":\"Invalid Request: " + problem + "\"}}");
      return;
    }
    if (m.has("method") && m.has("id")) {
      owed++;
    }
    toSdk.write((s + "\n").getBytes(StandardCharsets.UTF_8));
    toSdk.flush();
  }

  /** Waits until every answer owed has been written, at most the grace period. */
  private void awaitAnswers() {
    long end = System.nanoTime() + graceNanos;
    while (out.lines() < owed && System.nanoTime() < end) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Why {@code m} is not a JSON-RPC 2.0 message the SDK can take, or null. */
  private static String problem(JsonNode m) {
    if (!m.isObject()) {
      return "a message must be a JSON object (batches are not supported)";
    }
    if (!"2.0".equals(m.path("jsonrpc").textValue())) {
      return "jsonrpc must be \\\"2.0\\\"";
    }
    JsonNode id = m.get("id");
    if (id != null && !(id.isTextual() || id.isIntegralNumber())) {
      return "id must be a string or an integer";
    }
    JsonNode params = m.get("params");
    if (params != null && !params.isObject() && !params.isArray()) {
      return "params must be an object";
    }
    if (m.has("method")) {
      return m.get("method").isTextual() ? null : "method must be a string";
    }
    if (id == null) {
      return "a message needs a method, or an id with a result or an error";
    }
    if (m.has("result")) {
      return null;
    }
    JsonNode error = m.get("error");
    if (error != null && error.isObject() && error.path("code").isIntegralNumber()
        && error.path("message").isTextual()) {
      return null;
    }
    return "a response needs a result, or an error with an integer code and a message";
  }

  private void answer(String json) {
    owed++;
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // the client went away; its input ends next
      }
    }
  }
}
