package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.InMemoryWatermarkStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableTasksTest {

  private static TableDefinition orders() {
    return TableDefinition.builder()
        .table("ct.orders")
        .requiredColumn("order_id", "long")
        .column("amount", "decimal(12,2)")
        .column("updated_at", "timestamp")
        .partitionBy("day(updated_at)", "bucket(4, order_id)")
        .sortBy("order_id")
        .putProperty("write.target-file-size-bytes", "1048576")
        .formatVersion(2)
        .build();
  }

  private static TaskResult create(InMemoryEngine engine, TableDefinition definition) {
    return engine.run(
        Dag.builder().id("t.dag").useCase("t").build(),
        Task.of("t.create", TaskSpec.CreateTable.of(definition)));
  }

  @Test
  void createTable_existingTableWithOtherLayout_failsNamingEachDifferenceAndChangesNothing() {
    try (Lake lake = new Lake(() -> Instant.EPOCH)) {
      InMemoryEngine engine =
          new InMemoryEngine(lake, new InMemoryWatermarkStore(), new Inputs(), (d, t, table) -> {});
      assertThat(create(engine, orders()).status()).isEqualTo(TaskResult.Status.SUCCEEDED);
      assertThat(create(engine, orders()).summary()).contains("exists and matches");
      TableDefinition changed =
          TableDefinition.builder()
              .from(orders())
              .partitionBy(List.of(PartitionField.parse("month(updated_at)")))
              .sortBy(List.of(SortField.parse("order_id desc")))
              .formatVersion(1)
              .properties(Map.of("write.target-file-size-bytes", "2097152"))
              .build();

      TaskResult result = create(engine, changed);

      assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
      assertThat(result.summary())
          .contains("Table ct.orders differs from its definition (not changed)")
          .contains(
              "partitioned by [day(updated_at), bucket(4, order_id)] in the table, definition"
                  + " says [month(updated_at)]")
          .contains("sorted by [order_id] in the table, definition says [order_id desc]")
          .contains("format v2 in the table, definition says v1")
          .contains(
              "property write.target-file-size-bytes is 1048576 in the table, definition says"
                  + " 2097152");
      assertThat(lake.find(orders().table()).spec().fields()).hasSize(2);
    }
  }
}
