package com.example.shop;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static io.lakeplan.testkit.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.UseCase;
import io.lakeplan.run.DagRun;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.testkit.PipelineTestExtension;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.workspace.Validator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shop-orders use case through Lakeplan's public API, as a user's build runs it. */
class ShopOrdersTest {
  private static final Instant START = Instant.parse("2024-06-01T00:30:00Z");

  @RegisterExtension
  static final PipelineTestExtension PIPELINE =
      PipelineTestExtension.forBuilder(
          () -> PipelineTestDriver.builder().useCase(ShopOrders.useCase()).startTime(START));

  @Test
  void useCase_hasNoProblems() {
    assertThat(Validator.validate(ShopOrders.useCase())).isEmpty();
  }

  @Test
  void useCase_withAKeyThatIsNotAColumn_hasAProblemNamingIt() {
    UseCase broken =
        UseCase.named("broken")
            .owner("shop-data@example.com")
            .table("raw.shop_orders", t -> t.requiredColumn("order_id", "long"))
            .table("process.shop_orders", t -> t.requiredColumn("order_id", "long"))
            .mergeInto(
                "process.shop_orders",
                m -> m.id("upsert").source("raw.shop_orders").addKey("customer_ref"))
            .build();

    List<Problem> problems = Validator.validate(broken);

    // every problem at once: the key is missing from the target and from the source
    assertThat(problems)
        .hasSize(2)
        .allSatisfy(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.UNKNOWN_COLUMN);
              assertThat(problem.path()).isEqualTo("merges[upsert].keys[0]");
              assertThat(problem.message()).contains("'customer_ref'");
            });
    assertThat(problems)
        .extracting(Problem::message)
        .anySatisfy(message -> assertThat(message).contains("target process.shop_orders"))
        .anySatisfy(message -> assertThat(message).contains("source raw.shop_orders"));
  }

  @Test
  void yaml_roundTrip_givesTheSameUseCase() {
    UseCase useCase = ShopOrders.useCase();

    String yaml = UseCaseCodec.toYaml(useCase);

    assertThat(yaml).startsWith("api-version: " + UseCaseCodec.API_VERSION);
    assertThat(UseCaseCodec.fromYaml(yaml)).isEqualTo(useCase);
  }

  @Test
  void history_isMigratedThenUpserted_latestChangeWinsAndDeletesRemove(PipelineTestDriver driver) {
    driver
        .landingFiles("history")
        .addFile(
            change(1, "NEW", "10.00", "I", "2024-05-01T10:00:00"),
            change(1, "PAID", "10.00", "U", "2024-05-02T09:00:00"),
            change(2, "NEW", "25.50", "I", "2024-05-01T12:00:00"))
        .addFile(
            change(2, "CANCELLED", "25.50", "D", "2024-05-03T08:00:00"),
            change(3, "NEW", "99.99", "I", "2024-05-03T09:00:00"));

    for (DagRun run : driver.runAll()) {
      assertThat(run).succeeded();
    }

    assertThat(driver.table("raw.shop_orders")).hasRowCount(5);
    assertThat(driver.table("process.shop_orders"))
        .containsExactlyInAnyOrder(
            order(1, "PAID", "10.00", "2024-05-02T09:00:00"),
            order(3, "NEW", "99.99", "2024-05-03T09:00:00"));
    assertThat(driver.watermarks())
        .hasWatermark("raw.shop_orders", Instant.parse("2024-05-03T09:00:00Z"));
  }

  private static Map<String, Object> change(
      long id, String status, String amount, String op, String updatedAt) {
    return row(
        "order_id", id, "status", status, "amount", amount, "op", op, "updated_at", updatedAt);
  }

  private static Map<String, Object> order(
      long id, String status, String amount, String updatedAt) {
    return row("order_id", id, "status", status, "amount", amount, "updated_at", updatedAt);
  }
}
