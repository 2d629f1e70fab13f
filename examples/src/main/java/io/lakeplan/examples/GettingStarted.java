package io.lakeplan.examples;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import java.util.List;

/**
 * The first steps of docs/site/getting-started.md ("A use case in Java"): a smaller orders use case
 * in the DSL, then validating, planning and writing it as YAML. The page includes the marked
 * section; {@code DocSnippetsTest} runs it.
 */
public final class GettingStarted {
  private GettingStarted() {}

  /** The use case of the page, its problems (none), its plan and its YAML. */
  public record Result(UseCase useCase, List<Problem> problems, Plan plan, String yaml) {}

  /** Builds, validates, plans and writes the page's use case. */
  public static Result run() {
    // --8<-- [start:java-dsl]
    UseCase orders =
        UseCase.named("orders")
            .owner("sales-data@example.com")
            .schedule(Schedule.HOURLY)
            .table(
                "process.orders",
                t -> t.requiredColumn("order_id", "long").column("updated_at", "timestamp"))
            .migrate(
                m ->
                    m.id("orders-history")
                        .fromPath("data/hdfs/orders", FileFormat.PARQUET)
                        .target(
                            "raw.orders",
                            t ->
                                t.requiredColumn("order_id", "long")
                                    .column("op", "string")
                                    .column("updated_at", "timestamp"))
                        .watermarkColumn("updated_at"))
            .mergeInto(
                "process.orders",
                m ->
                    m.id("orders-upsert")
                        .source("raw.orders")
                        .addKey("order_id")
                        .orderBy("updated_at")
                        .deleteWhen("op = 'D'"))
            .build();

    List<Problem> problems = Validator.validate(orders); // every problem at once, never throws
    Plan plan = Planner.plan(orders); // throws ValidationException listing all problems
    String yaml = UseCaseCodec.toYaml(orders); // lossless: fromYaml(toYaml(u)).equals(u)
    // --8<-- [end:java-dsl]
    return new Result(orders, problems, plan, yaml);
  }
}
