package io.lakeplan.testkit;

import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/**
 * AssertJ assertions for pipeline tests: {@code assertThat(driver.table("process.orders"))
 * .containsExactlyInAnyOrder(row("order_id", 1, "status", "PAID"))}, {@code
 * assertThat(run).succeeded()}, {@code assertThat(driver.watermarks()).hasWatermark(…)}. Expected
 * rows are converted to the table's column types first, so {@code 1} matches a long column and
 * {@code "12.50"} a decimal one.
 */
public final class PipelineAssertions {

  private PipelineAssertions() {}

  /** Assertions on a table. */
  public static TableAssert assertThat(OutputTable table) {
    return new TableAssert(table);
  }

  /** Assertions on a DAG run. */
  public static DagRunAssert assertThat(DagRun run) {
    return new DagRunAssert(run);
  }

  /** Assertions on a watermark store. */
  public static WatermarksAssert assertThat(InMemoryWatermarkStore store) {
    return new WatermarksAssert(store);
  }

  /** Assertions on recorded notifications (AssertJ's list assertions). */
  public static ListAssert<Notification> assertThat(List<Notification> notifications) {
    return Assertions.assertThat(notifications);
  }

  /** Assertions on a table's rows, snapshots and files. */
  public static final class TableAssert extends AbstractAssert<TableAssert, OutputTable> {

    TableAssert(OutputTable actual) {
      super(actual, TableAssert.class);
    }

    /** The table holds exactly these rows, in any order (duplicates counted). */
    @SafeVarargs
    public final TableAssert containsExactlyInAnyOrder(Map<String, ?>... rows) {
      return containsExactlyInAnyOrderElementsOf(Arrays.asList(rows));
    }

    /** The table holds exactly these rows, in any order (duplicates counted). */
    public TableAssert containsExactlyInAnyOrderElementsOf(List<? extends Map<String, ?>> rows) {
      isNotNull();
      List<Map<String, Object>> actualRows = actual.rows();
      List<Map<String, Object>> expected = conform(rows);
      List<Map<String, Object>> missing = new ArrayList<>(expected);
      List<Map<String, Object>> unexpected = new ArrayList<>();
      for (Map<String, Object> row : actualRows) {
        if (!missing.remove(row)) {
          unexpected.add(row);
        }
      }
      if (!missing.isEmpty() || !unexpected.isEmpty()) {
        failWithMessage(
            "%s: expected exactly %d rows (any order) but had %d.%n missing: %s%n unexpected: %s",
            actual, expected.size(), actualRows.size(), missing, unexpected);
      }
      return this;
    }

    /** The table holds at least these rows. */
    @SafeVarargs
    public final TableAssert contains(Map<String, ?>... rows) {
      isNotNull();
      List<Map<String, Object>> remaining = new ArrayList<>(actual.rows());
      List<Map<String, Object>> missing = new ArrayList<>();
      for (Map<String, Object> row : conform(Arrays.asList(rows))) {
        if (!remaining.remove(row)) {
          missing.add(row);
        }
      }
      if (!missing.isEmpty()) {
        failWithMessage("%s: missing rows %s%n rows: %s", actual, missing, actual.rows());
      }
      return this;
    }

    /** The table holds none of these rows. */
    @SafeVarargs
    public final TableAssert doesNotContain(Map<String, ?>... rows) {
      isNotNull();
      List<Map<String, Object>> actualRows = actual.rows();
      List<Map<String, Object>> found =
          conform(Arrays.asList(rows)).stream().filter(actualRows::contains).toList();
      if (!found.isEmpty()) {
        failWithMessage("%s: expected not to contain %s", actual, found);
      }
      return this;
    }

    /** The table has no rows (it may not exist). */
    public TableAssert isEmpty() {
      return hasRowCount(0);
    }

    /** The table has {@code count} rows. */
    public TableAssert hasRowCount(int count) {
      isNotNull();
      int rows = actual.rowCount();
      if (rows != count) {
        failWithMessage("%s: expected %d rows but had %d: %s", actual, count, rows, actual.rows());
      }
      return this;
    }

    /** The table retains {@code count} snapshots. */
    public TableAssert hasSnapshotCount(int count) {
      isNotNull();
      if (actual.snapshotCount() != count) {
        failWithMessage(
            "%s: expected %d snapshots but had %d: %s",
            actual, count, actual.snapshotCount(), actual.snapshots());
      }
      return this;
    }

    /** The table's current snapshot has {@code count} live data files. */
    public TableAssert hasDataFileCount(int count) {
      isNotNull();
      if (actual.dataFileCount() != count) {
        failWithMessage(
            "%s: expected %d data files but had %d", actual, count, actual.dataFileCount());
      }
      return this;
    }

    /** The table exists. */
    public TableAssert exists() {
      isNotNull();
      if (!actual.exists()) {
        failWithMessage("%s: expected to exist", actual);
      }
      return this;
    }

    /** The table does not exist. */
    public TableAssert doesNotExist() {
      isNotNull();
      if (actual.exists()) {
        failWithMessage("%s: expected not to exist", actual);
      }
      return this;
    }

    /** List assertions on the rows, for anything else. */
    public ListAssert<Map<String, Object>> rows() {
      isNotNull();
      return Assertions.assertThat(actual.rows());
    }

    private List<Map<String, Object>> conform(List<? extends Map<String, ?>> rows) {
      List<Map<String, Object>> conformed = new ArrayList<>();
      for (Map<String, ?> row : rows) {
        conformed.add(actual.conform(row));
      }
      return conformed;
    }
  }

  /** Assertions on a DAG run. */
  public static final class DagRunAssert extends AbstractAssert<DagRunAssert, DagRun> {

    DagRunAssert(DagRun actual) {
      super(actual, DagRunAssert.class);
    }

    /** Every task succeeded. */
    public DagRunAssert succeeded() {
      isNotNull();
      if (!actual.succeeded()) {
        failWithMessage("Expected the run to succeed but: %s", actual);
      }
      return this;
    }

    /** At least one task failed. */
    public DagRunAssert failed() {
      isNotNull();
      if (actual.succeeded()) {
        failWithMessage("Expected the run to fail but: %s", actual);
      }
      return this;
    }

    /** Task {@code taskId} ended with {@code status}. */
    public DagRunAssert hasTaskStatus(String taskId, TaskResult.Status status) {
      isNotNull();
      TaskResult result = actual.result(taskId);
      if (result.status() != status) {
        failWithMessage("Expected task %s to be %s but: %s", taskId, status, result);
      }
      return this;
    }

    /** Task {@code taskId} failed with a summary containing {@code text}. */
    public DagRunAssert hasFailedTask(String taskId, String text) {
      hasTaskStatus(taskId, TaskResult.Status.FAILED);
      if (!actual.result(taskId).summary().contains(text)) {
        failWithMessage(
            "Expected task %s to fail with '%s' but: %s", taskId, text, actual.result(taskId));
      }
      return this;
    }
  }

  /** Assertions on a watermark store. */
  public static final class WatermarksAssert
      extends AbstractAssert<WatermarksAssert, InMemoryWatermarkStore> {

    WatermarksAssert(InMemoryWatermarkStore actual) {
      super(actual, WatermarksAssert.class);
    }

    /** {@code key} holds {@code expected}. */
    public WatermarksAssert hasWatermark(String key, Watermark expected) {
      isNotNull();
      Optional<Watermark> value = actual.get(key);
      if (value.isEmpty() || !value.get().equals(expected)) {
        failWithMessage(
            "Expected watermark %s = %s but was %s (store: %s)",
            key, expected, value.orElse(null), actual.snapshot());
      }
      return this;
    }

    /** {@code key} holds the timestamp {@code expected}. */
    public WatermarksAssert hasWatermark(String key, Instant expected) {
      return hasWatermark(key, Watermark.of(expected));
    }

    /** {@code key} has no watermark. */
    public WatermarksAssert hasNoWatermark(String key) {
      isNotNull();
      if (actual.get(key).isPresent()) {
        failWithMessage("Expected no watermark for %s but was %s", key, actual.get(key).get());
      }
      return this;
    }
  }
}
