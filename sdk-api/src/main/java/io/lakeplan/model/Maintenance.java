package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * The maintenance of one table: a list of operations, each on its own schedule (or this
 * maintenance's). Operations with different schedules land in different DAGs.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableMaintenance.class)
@JsonDeserialize(as = ImmutableMaintenance.class)
public abstract class Maintenance {
  /** The step id, unique in the use case. Required. */
  public abstract String id();

  /** The table maintained. Required. */
  public abstract TableId table();

  /** The default schedule of the tasks; null to use the use case's. */
  public abstract Schedule schedule();

  /** The operations. At least one is required. */
  public abstract List<MaintenanceTask> tasks();

  /** A builder of maintenance. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Maintenance}; every setter is named after its property. */
  public static final class Builder extends ImmutableMaintenance.Builder {
    /** Sets the table from its {@code namespace.name} text. */
    public Builder table(String table) {
      return table(TableId.parse(table));
    }

    /** Expires snapshots older than {@code olderThan}, keeping the last {@code retainLast}. */
    public Builder expireSnapshots(Duration olderThan, int retainLast) {
      return addTask(
          MaintenanceTask.ExpireSnapshots.builder()
              .olderThan(olderThan)
              .retainLast(retainLast)
              .build());
    }

    /**
     * Adds an expire-snapshots task configured by {@code spec}: its retention ({@code olderThan},
     * required), the snapshots kept whatever their age ({@code retainLast}, default 1), and its own
     * id and schedule when it should not take the defaults.
     */
    public Builder expireSnapshots(Consumer<MaintenanceTask.ExpireSnapshots.Builder> spec) {
      MaintenanceTask.ExpireSnapshots.Builder builder = MaintenanceTask.ExpireSnapshots.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Keeps the newest {@code keep} metadata files. */
    public Builder removeOldMetadata(int keep) {
      return addTask(MaintenanceTask.RemoveOldMetadata.builder().keep(keep).build());
    }

    /**
     * Adds a remove-old-metadata task configured by {@code spec}: how many previous metadata files
     * it keeps ({@code keep}, default 10, at least 1), and its own id and schedule when it should
     * not take the defaults (e.g. to run it less often than the table's other tasks).
     */
    public Builder removeOldMetadata(Consumer<MaintenanceTask.RemoveOldMetadata.Builder> spec) {
      MaintenanceTask.RemoveOldMetadata.Builder builder =
          MaintenanceTask.RemoveOldMetadata.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Adds a compaction configured by {@code spec}. */
    public Builder compact(Consumer<MaintenanceTask.Compact.Builder> spec) {
      MaintenanceTask.Compact.Builder builder = MaintenanceTask.Compact.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Adds a manifest rewrite. */
    public Builder rewriteManifests() {
      return addTask(MaintenanceTask.RewriteManifests.builder().build());
    }

    /**
     * Adds a manifest rewrite configured by {@code spec}: the task has no settings of its own, so
     * {@code spec} sets only its id and schedule, for a rewrite that runs apart from the table's
     * other tasks (the defaults are those of {@link #rewriteManifests()}).
     */
    public Builder rewriteManifests(Consumer<MaintenanceTask.RewriteManifests.Builder> spec) {
      MaintenanceTask.RewriteManifests.Builder builder = MaintenanceTask.RewriteManifests.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Adds an orphan-file removal configured by {@code spec}. */
    public Builder removeOrphans(Consumer<MaintenanceTask.RemoveOrphans.Builder> spec) {
      MaintenanceTask.RemoveOrphans.Builder builder = MaintenanceTask.RemoveOrphans.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Hard-deletes rows whose {@code column} is older than {@code olderThan}. */
    public Builder hardDelete(String column, Duration olderThan) {
      return addTask(
          MaintenanceTask.HardDelete.builder().column(column).olderThan(olderThan).build());
    }

    /**
     * Adds a hard delete configured by {@code spec}: the date or timestamp {@code column} and the
     * retention {@code olderThan} (both required), {@code dryRun} (default false) to only report
     * what would be deleted, and its own id and schedule when it should not take the defaults.
     */
    public Builder hardDelete(Consumer<MaintenanceTask.HardDelete.Builder> spec) {
      MaintenanceTask.HardDelete.Builder builder = MaintenanceTask.HardDelete.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }
  }
}
