import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs {@code io.lakeplan.bench.InMemoryPipelineBench} of whichever benchmarks jar is on the class
 * path twice in one JVM — 50 warm-ups + 10 runs, then 30 timed runs (60 tests before the timed ones,
 * as the bench's defaults) — and adds the process CPU time of the 30 timed runs, per test. On a
 * machine shared with other work, CPU time moves less with the load than wall time. It includes the
 * bench's {@code System.gc()} before each test; the CPU of 30 more {@code System.gc()} calls alone is
 * printed too. Compiled against the jar, not part of the Maven build: see
 * {@code bench/run-pipeline-in-memory-ab.sh}.
 *
 * <p>Usage: {@code java -cp JAR:DIR InMemoryPipelineCpu OUT_PREFIX}; writes {@code OUT_PREFIX.json}
 * (the bench's own result of the 30 timed runs) and {@code OUT_PREFIX.cpu} (three numbers: CPU ms
 * per test, CPU ms per lone System.gc(), wall ms per test).
 */
public final class InMemoryPipelineCpu {

  private InMemoryPipelineCpu() {}

  public static void main(String[] args) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    String out = args[0];
    io.lakeplan.bench.InMemoryPipelineBench.main(
        new String[] {"--warmups", "50", "--runs", "10", "--out", out + "-warmup.json"});
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    io.lakeplan.bench.InMemoryPipelineBench.main(
        new String[] {"--warmups", "0", "--runs", "30", "--out", out + ".json"});
    long cpu1 = os.getProcessCpuTime();
    long wall1 = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      System.gc();
    }
    long cpu2 = os.getProcessCpuTime();
    String line =
        String.format(
            Locale.ROOT,
            "%.2f %.2f %.2f",
            (cpu1 - cpu0) / 30e6,
            (cpu2 - cpu1) / 30e6,
            (wall1 - wall0) / 30e6);
    Files.writeString(Path.of(out + ".cpu"), line + "\n");
    System.out.println("process CPU ms per test, per lone System.gc(), wall ms per test: " + line);
  }
}
