package io.lakeplan.bench;

import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validation and planning of a workspace of {@link #count} generated use cases (five DAGs each).
 * {@code validate} is {@code Validator.validate(all)}; {@code plan} is {@code Planner.plan(all)},
 * which validates and then compiles. Single-shot: each measured call is one whole run, as for a CLI
 * or CI invocation, after warm-up runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xms4g", "-Xmx8g"})
public class PlanBenchmark {
  /** The generator seed: every run benchmarks the same use cases. */
  static final long SEED = 20_240_501L;

  /** How many use cases the workspace has. */
  @Param({"1000", "10000", "100000"})
  public int count;

  private List<UseCase> useCases;

  /** Generates the use cases and checks they are valid, so the benchmark plans real DAGs. */
  @Setup(Level.Trial)
  public void generate() {
    useCases = UseCaseGenerator.generate(count, SEED);
    List<Problem> problems = Validator.validate(useCases.subList(0, Math.min(count, 100)));
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Generated use cases have problems: " + problems);
    }
  }

  /** Validates the whole workspace. */
  @Benchmark
  public List<Problem> validate() {
    return Validator.validate(useCases);
  }

  /** Validates and compiles the whole workspace into a plan. */
  @Benchmark
  public Plan plan() {
    return Planner.plan(useCases);
  }
}
