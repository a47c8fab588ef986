package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Masking throughput over generated incident rows (log lines, JSON payloads, ids, timestamps,
 * amounts; about 5% of rows carry one piece of PII). Each invocation masks the whole corpus; the
 * {@code bytes} counter reports characters masked per second (ASCII corpus: 1 char = 1 byte), so
 * MB/s = bytes ops/s / 10^6.
 *
 * <ul>
 *   <li>{@code masking}: {@code Masking.defaults().maskRow} on every row.</li>
 *   <li>{@code naiveRegex}: the baseline - each detector's regular expression run over every
 *       string (and stringified number) in turn with {@code replaceAll}.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Masking -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
  static final int ROWS = 4_000;

  /** Characters processed, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  static final List<Pattern> NAIVE = List.of(
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
      Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b"),
      Pattern.compile("\\b\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}\\b"),
      Pattern.compile("\\b\\d{2}\\.?\\d{3}\\.?\\d{3}/?\\d{4}-?\\d{2}\\b"),
      Pattern.compile("(?:\\+\\d{1,3}[ .-]?)?\\(?\\d{2,3}\\)?[ .-]?\\d{4,5}[ .-]?\\d{4}\\b"),
      Pattern.compile("(?i)bearer\\s+[A-Za-z0-9\\-._~+/]+=*"),
      Pattern.compile("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"),
      Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"),
      Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b"),
      Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b"),
      Pattern.compile("://[^:/\\s@]+:[^@\\s/]+@"),
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"));

  List<Column> columns;
  List<Map<String, Object>> rows;
  long corpusChars;
  Masking masking;

  @Setup
  public void setup() {
    masking = Masking.defaults();
    columns = List.of(new Column("id", "int8", "public.incident_events"),
        new Column("occurred_at", "timestamptz", "public.incident_events"),
        new Column("service", "text", "public.incident_events"),
        new Column("message", "text", "public.incident_events"),
        new Column("payload", "jsonb", "public.incident_events"),
        new Column("amount", "numeric", "public.incident_events"));
    rows = IncidentCorpus.rows(new Random(42), ROWS);
    corpusChars = IncidentCorpus.chars(rows);
  }

  @Benchmark
  public void masking(Bytes bytes, Blackhole bh) {
    MaskingStats stats = new MaskingStats(); // one per request in the pipeline, not per row
    for (Map<String, Object> row : rows) {
      bh.consume(masking.maskRow(columns, row, stats));
    }
    bh.consume(stats);
    bytes.bytes += corpusChars;
  }

  @Benchmark
  public void naiveRegex(Bytes bytes, Blackhole bh) {
    for (Map<String, Object> row : rows) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : row.entrySet()) {
        Object v = e.getValue();
        if (v instanceof String || v instanceof Number) {
          String s = v.toString();
          for (Pattern p : NAIVE) {
            s = p.matcher(s).replaceAll("***");
          }
          out.put(e.getKey(), s);
        } else {
          out.put(e.getKey(), v);
        }
      }
      bh.consume(out);
    }
    bytes.bytes += corpusChars;
  }

  /** Generates the rows, deterministically for a given seed. */
  static final class IncidentCorpus {
    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
    private static final String[] SERVICES = {"checkout-api", "payments-worker", "orders-db-sync",
        "auth-gateway", "notification-svc"};
    private static final String[] CLASSES = {"c.a.checkout.CartService", "c.a.pay.PaymentProcessor",
        "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.a.auth.TokenFilter", "c.a.orders.OrderSync"};
    private static final String[] MESSAGES = {
        "processed order %s in %d ms (items=%d, total=%s)",
        "retrying request %s attempt=%d backoff=%dms status=503 upstream=payments",
        "SQL Error: 0, SQLState: 40P01 deadlock detected on relation orders (pid %d, txid %d)",
        "cache miss for key cart:%s ttl=%ds hit_ratio=0.%d",
        "GET /api/v2/orders/%s/items?page=%d 200 %dms trace_id=%s",
        "connection pool saturated: active=%d idle=0 waiting=%d max=%d",
        "queryid=%d calls=%d mean_exec_time=%s ms rows=%d",
    };

    static List<Map<String, Object>> rows(Random r, int n) {
      List<Map<String, Object>> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 9_000_000L + i);
        row.put("occurred_at", String.format("2026-11-29T%02d:%02d:%02d.%03dZ", r.nextInt(24),
            r.nextInt(60), r.nextInt(60), r.nextInt(1000)));
        row.put("service", SERVICES[r.nextInt(SERVICES.length)]);
        String msg = String.format("%s %s [%s] %s - %s", row.get("occurred_at"),
            LEVELS[r.nextInt(LEVELS.length)], "http-nio-8080-exec-" + r.nextInt(20),
            CLASSES[r.nextInt(CLASSES.length)], message(r));
        String payload = String.format("{\"event\":\"%s\",\"order_id\":\"ORD-2026-%06d\","
            + "\"trace_id\":\"%016x%016x\",\"span_id\":\"%016x\",\"amount\":%d.%02d,\"currency\":\"BRL\","
            + "\"items\":[{\"sku\":\"SKU-%05d\",\"qty\":%d},{\"sku\":\"SKU-%05d\",\"qty\":%d}],"
            + "\"version\":\"2.%d.%d\",\"host\":\"ip-10-0-%d-%d.ec2.internal\","
            + "\"request_id\":\"%s\",\"ts\":%d}",
            r.nextBoolean() ? "order.updated" : "payment.failed", r.nextInt(1_000_000),
            r.nextLong(), r.nextLong(), r.nextLong(), r.nextInt(10_000), r.nextInt(100), r.nextInt(100_000),
            1 + r.nextInt(5), r.nextInt(100_000), 1 + r.nextInt(5), r.nextInt(20), r.nextInt(20),
            r.nextInt(256), r.nextInt(256), new java.util.UUID(r.nextLong(), r.nextLong()),
            1_764_000_000_000L + r.nextInt(1_000_000_000));
        if (r.nextInt(100) < 5) {
          String pii = pii(r);
          if (r.nextBoolean()) {
            msg = msg + " customer=" + pii;
          } else {
            payload = payload.substring(0, payload.length() - 1) + ",\"contact\":\"" + pii + "\"}";
          }
        }
        row.put("message", msg);
        row.put("payload", payload);
        row.put("amount", new java.math.BigDecimal(r.nextInt(1_000_000) + "." + r.nextInt(100)));
        rows.add(row);
      }
      return rows;
    }

    private static String message(Random r) {
      String t = MESSAGES[r.nextInt(MESSAGES.length)];
      return switch (t.substring(0, 4)) {
        case "proc" -> String.format(t, "ORD-" + r.nextInt(1_000_000), r.nextInt(900),
            r.nextInt(9), r.nextInt(9999) + "." + r.nextInt(99));
        case "retr" -> String.format(t, new java.util.UUID(r.nextLong(), r.nextLong()),
            r.nextInt(5), r.nextInt(3000));
        case "SQL " -> String.format(t, r.nextInt(60_000), 700_000_000 + r.nextInt(1_000_000));
        case "cach" -> String.format(t, Long.toHexString(r.nextLong()), r.nextInt(3600),
            r.nextInt(99));
        case "GET " -> String.format(t, r.nextInt(1_000_000), r.nextInt(9), r.nextInt(900),
            Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()));
        case "conn" -> String.format(t, 20, r.nextInt(200), 20);
        default -> String.format(t, r.nextLong(), r.nextInt(100_000), r.nextInt(999) + "."
            + r.nextInt(999), r.nextInt(10_000));
      };
    }

    private static String pii(Random r) {
      return switch (r.nextInt(6)) {
        case 0 -> "maria.silva" + r.nextInt(1000) + "@example.com.br";
        case 1 -> "4111 1111 1111 1111";
        case 2 -> "529.982.247-25";
        case 3 -> "(11) 98765-" + (1000 + r.nextInt(9000));
        case 4 -> "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        default -> "postgres://app:S3cr3t" + r.nextInt(100) + "@db.internal:5432/app";
      };
    }

    static long chars(List<Map<String, Object>> rows) {
      long n = 0;
      for (Map<String, Object> row : rows) {
        for (Object v : row.values()) {
          n += String.valueOf(v).length();
        }
      }
      return n;
    }
  }
}
