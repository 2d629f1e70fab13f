package io.lakeplan.bench;

import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Times the phases of planning without JMH, to see where the time goes: {@code java -cp
 * bench/target/benchmarks.jar io.lakeplan.bench.PlanTiming 10000 [repeats]}.
 */
public final class PlanTiming {
  private PlanTiming() {}

  /** Generates {@code args[0]} use cases and prints validate and plan times per repeat. */
  public static void main(String[] args) {
    int count = Integer.parseInt(args[0]);
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<UseCase> useCases = UseCaseGenerator.generate(count, PlanBenchmark.SEED);
    // CPU time of this thread beside wall time: on a shared machine other processes stretch the
    // wall time, much less the CPU time
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int repeat = 0; repeat < repeats; repeat++) {
      long startCpu = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      List<Problem> problems = Validator.validate(useCases);
      long validated = System.nanoTime();
      long validatedCpu = threads.getCurrentThreadCpuTime();
      Plan plan = Planner.plan(useCases);
      long planned = System.nanoTime();
      long plannedCpu = threads.getCurrentThreadCpuTime();
      if (!problems.isEmpty()) {
        throw new IllegalStateException(problems.size() + " problems, first: " + problems.get(0));
      }
      System.out.printf(
          "n=%d validate=%d ms plan(validate+compile)=%d ms validate-cpu=%d ms plan-cpu=%d ms"
              + " dags=%d%n",
          count,
          (validated - start) / 1_000_000,
          (planned - validated) / 1_000_000,
          (validatedCpu - startCpu) / 1_000_000,
          (plannedCpu - validatedCpu) / 1_000_000,
          plan.dags().size());
    }
  }
}
