package ai.causeflow.dbaccess.benchmarks;

import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A companion to {@link MaskingBenchmark} for shared machines: the same corpus and the same two
 * methods, timed by the thread's CPU time instead of wall-clock time, so that other processes
 * competing for the cores do not lower the figure. Reports MB per CPU-second (= MB/s per core),
 * next to {@code charLoop}: a loop that only reads every character once, the floor on this
 * machine.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * ai.causeflow.dbaccess.benchmarks.MaskingCpuTime}
 */
public final class MaskingCpuTime {
  private MaskingCpuTime() {}

  public static void main(String[] args) {
    MaskingBenchmark b = new MaskingBenchmark();
    b.setup();
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    MaskingBenchmark.Bytes bytes = new MaskingBenchmark.Bytes();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int warm = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    for (String which : new String[] {"charLoop", "masking", "naiveRegex"}) {
      boolean slow = which.equals("naiveRegex");
      int n = slow ? Math.max(3, runs / 40) : runs;
      for (int i = 0; i < (slow ? Math.max(2, warm / 20) : warm); i++) {
        run(b, which, bytes, bh);
      }
      long cpu0 = mx.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        run(b, which, bytes, bh);
      }
      double cpuS = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double wallS = (System.nanoTime() - wall0) / 1e9;
      double mb = (double) b.corpusChars * n / 1e6;
      System.out.printf(Locale.ROOT,
          "%-10s passes=%d corpus=%.2f MB  %.1f MB per CPU-second  (%.1f MB/s wall)%n", which, n,
          b.corpusChars / 1e6, mb / cpuS, mb / wallS);
    }
  }

  private static void run(MaskingBenchmark b, String which, MaskingBenchmark.Bytes bytes,
      Blackhole bh) {
    if (which.equals("charLoop")) {
      // the floor: read every character of every string once and do nothing with it
      long sum = 0;
      for (Map<String, Object> row : b.rows) {
        for (Object v : row.values()) {
          if (v instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
              sum += s.charAt(i) < 128 ? 0 : 1;
            }
          }
        }
      }
      bh.consume(sum);
    } else if (which.equals("masking")) {
      b.masking(bytes, bh);
    } else {
      b.naiveRegex(bytes, bh);
    }
    bh.consume(new MaskingStats());
    bh.consume(Map.of());
  }
}
