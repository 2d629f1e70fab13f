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

    /** Adds an expire-snapshots task configured by {@code spec}. */
    public Builder expireSnapshots(Consumer<ImmutableExpireSnapshots.Builder> spec) {
      ImmutableExpireSnapshots.Builder builder = MaintenanceTask.ExpireSnapshots.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Keeps the newest {@code keep} metadata files. */
    public Builder removeOldMetadata(int keep) {
      return addTask(MaintenanceTask.RemoveOldMetadata.builder().keep(keep).build());
    }

    /** Adds a compaction configured by {@code spec}. */
    public Builder compact(Consumer<ImmutableCompact.Builder> spec) {
      ImmutableCompact.Builder builder = MaintenanceTask.Compact.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Adds a manifest rewrite. */
    public Builder rewriteManifests() {
      return addTask(MaintenanceTask.RewriteManifests.builder().build());
    }

    /** Adds an orphan-file removal configured by {@code spec}. */
    public Builder removeOrphans(Consumer<ImmutableRemoveOrphans.Builder> spec) {
      ImmutableRemoveOrphans.Builder builder = MaintenanceTask.RemoveOrphans.builder();
      spec.accept(builder);
      return addTask(builder.build());
    }

    /** Hard-deletes rows whose {@code column} is older than {@code olderThan}. */
    public Builder hardDelete(String column, Duration olderThan) {
      return addTask(
          MaintenanceTask.HardDelete.builder().column(column).olderThan(olderThan).build());
    }
  }
}
