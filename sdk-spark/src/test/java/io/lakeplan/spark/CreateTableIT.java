package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.junit.jupiter.api.Test;

class CreateTableIT {

  private final Path base = TestSpark.newDir("create-table");

  private static TableDefinition orders(String name) {
    return TableDefinition.builder()
        .table("ct." + name)
        .requiredColumn("order_id", "long")
        .column("amount", "decimal(12,2)")
        .column("updated_at", "timestamp")
        .partitionBy("day(updated_at)", "bucket(4, order_id)")
        .sortBy("order_id")
        .putProperty("write.target-file-size-bytes", "1048576")
        .formatVersion(2)
        .build();
  }

  private static Table load(String name) throws Exception {
    return Spark3Util.loadIcebergTable(TestSpark.session(), "lakeplan.ct." + name);
  }

  @Test
  void createTable_newTable_createsPartitionsSortOrderAndProperties() throws Exception {
    TaskResult result = TestSpark.run(base, TaskSpec.CreateTable.of(orders("created")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("created table ct.created");
    Table table = load("created");
    assertThat(table.spec().fields())
        .extracting(field -> field.transform().toString())
        .containsExactly("day", "bucket[4]");
    assertThat(table.sortOrder().fields()).hasSize(1);
    assertThat(table.schema().findField("order_id").isRequired()).isTrue();
    assertThat(table.properties()).containsEntry("write.target-file-size-bytes", "1048576");
    assertThat(((HasTableOperations) table).operations().current().formatVersion()).isEqualTo(2);
  }

  @Test
  void createTable_rerun_leavesTableAsItIs() throws Exception {
    TestSpark.run(base, TaskSpec.CreateTable.of(orders("rerun")));
    String metadataBefore =
        ((HasTableOperations) load("rerun")).operations().current().metadataFileLocation();

    TaskResult second = TestSpark.run(base, TaskSpec.CreateTable.of(orders("rerun")));

    assertThat(second.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(second.summary()).contains("exists and matches");
    assertThat(((HasTableOperations) load("rerun")).operations().current().metadataFileLocation())
        .isEqualTo(metadataBefore);
  }

  @Test
  void createTable_existingTableWithOtherColumns_failsWithDiffAndChangesNothing() throws Exception {
    TestSpark.run(base, TaskSpec.CreateTable.of(orders("drifted")));
    TableDefinition changed =
        TableDefinition.builder()
            .table("ct.drifted")
            .requiredColumn("order_id", "long")
            .column("amount", "decimal(14,2)")
            .column("status", "string")
            .build();

    TaskResult result = TestSpark.run(base, TaskSpec.CreateTable.of(changed));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("Table ct.drifted differs from its definition (not changed)")
        .contains("column amount has type decimal(12,2), definition says decimal(14,2)")
        .contains("column status string is missing in the table")
        .contains("column updated_at timestamp is in the table but not in the definition");
    assertThat(load("drifted").schema().findField("status")).isNull();
  }

  @Test
  void createTable_existingTableWithOtherLayout_failsNamingEachDifferenceAndChangesNothing()
      throws Exception {
    TestSpark.run(base, TaskSpec.CreateTable.of(orders("relaid")));
    String metadataBefore =
        ((HasTableOperations) load("relaid")).operations().current().metadataFileLocation();
    TableDefinition changed =
        TableDefinition.builder()
            .from(orders("relaid"))
            .partitionBy(List.of(PartitionField.parse("month(updated_at)")))
            .sortBy(List.of(SortField.parse("order_id desc")))
            .formatVersion(1)
            .properties(Map.of("write.target-file-size-bytes", "2097152"))
            .build();

    TaskResult result = TestSpark.run(base, TaskSpec.CreateTable.of(changed));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("Table ct.relaid differs from its definition (not changed)")
        .contains(
            "partitioned by [day(updated_at), bucket(4, order_id)] in the table, definition says"
                + " [month(updated_at)]")
        .contains("sorted by [order_id] in the table, definition says [order_id desc]")
        .contains("format v2 in the table, definition says v1")
        .contains(
            "property write.target-file-size-bytes is 1048576 in the table, definition says"
                + " 2097152")
        .contains("change the table (ALTER TABLE) or the definition");
    assertThat(((HasTableOperations) load("relaid")).operations().current().metadataFileLocation())
        .isEqualTo(metadataBefore);
  }

  @Test
  void createTable_nameWithQuote_isRejectedBeforeAnySql() {
    TestSpark.session().sql("CREATE NAMESPACE IF NOT EXISTS lakeplan.ct");
    TableDefinition unsafe =
        TableDefinition.builder().table(TableId.of("ct", "bad`name")).column("id", "long").build();

    TaskResult result = TestSpark.run(base, TaskSpec.CreateTable.of(unsafe));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Unsafe SQL identifier: 'bad`name'");
    assertThat(TestSpark.session().sql("SHOW TABLES IN lakeplan.ct").collectAsList())
        .noneMatch(row -> row.getString(1).contains("bad"));
  }
}
