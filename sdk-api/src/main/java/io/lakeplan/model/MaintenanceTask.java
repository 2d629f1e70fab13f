package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.immutables.value.Value;

/**
 * One maintenance operation on a table, with its own schedule. Destructive ones have a dry run. The
 * {@code type} key in YAML selects the operation.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = MaintenanceTask.ExpireSnapshots.class, name = "expire-snapshots"),
  @JsonSubTypes.Type(value = MaintenanceTask.RemoveOldMetadata.class, name = "remove-old-metadata"),
  @JsonSubTypes.Type(value = MaintenanceTask.Compact.class, name = "compact"),
  @JsonSubTypes.Type(value = MaintenanceTask.RewriteManifests.class, name = "rewrite-manifests"),
  @JsonSubTypes.Type(value = MaintenanceTask.RemoveOrphans.class, name = "remove-orphans"),
  @JsonSubTypes.Type(value = MaintenanceTask.HardDelete.class, name = "hard-delete")
})
public abstract class MaintenanceTask {
  /** The operation, also the default task id. */
  public enum Kind {
    EXPIRE_SNAPSHOTS,
    REMOVE_OLD_METADATA,
    COMPACT,
    REWRITE_MANIFESTS,
    REMOVE_ORPHANS,
    HARD_DELETE;

    /** The kebab-case name used as YAML type and default id, e.g. {@code expire-snapshots}. */
    public String typeName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Which operation this is. */
  @JsonIgnore
  public abstract Kind kind();

  /** The task id, unique within its table's maintenance. Default: the operation's type name. */
  @Value.Default
  public String id() {
    return kind().typeName();
  }

  /** When it runs; null to use the maintenance's (or the use case's) schedule. */
  public abstract Schedule schedule();

  /**
   * Calls the {@code visitor} method of this operation: an engine handles every operation, or does
   * not compile.
   */
  public abstract <R> R accept(Visitor<R> visitor);

  /** One method per operation; engines implement it to run each. */
  public interface Visitor<R> {
    R expireSnapshots(ExpireSnapshots task);

    R removeOldMetadata(RemoveOldMetadata task);

    R compact(Compact task);

    R rewriteManifests(RewriteManifests task);

    R removeOrphans(RemoveOrphans task);

    R hardDelete(HardDelete task);
  }

  /** Expire snapshots older than a retention, keeping the last few regardless. */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableExpireSnapshots.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableExpireSnapshots.class)
  @JsonTypeName("expire-snapshots")
  public abstract static class ExpireSnapshots extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.expireSnapshots(this);
    }

    @Override
    public Kind kind() {
      return Kind.EXPIRE_SNAPSHOTS;
    }

    /** Snapshots older than this expire. Required; must be positive. */
    public abstract Duration olderThan();

    /** Snapshots kept whatever their age. Default: 1; must be at least 1. */
    @Value.Default
    public int retainLast() {
      return 1;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link ExpireSnapshots}; every setter is named after its property. */
    public static final class Builder extends ImmutableExpireSnapshots.Builder {}
  }

  /** Keep only the newest metadata files ({@code write.metadata.previous-versions-max}). */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableRemoveOldMetadata.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableRemoveOldMetadata.class)
  @JsonTypeName("remove-old-metadata")
  public abstract static class RemoveOldMetadata extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.removeOldMetadata(this);
    }

    @Override
    public Kind kind() {
      return Kind.REMOVE_OLD_METADATA;
    }

    /** How many previous metadata files to keep. Default: 10; must be at least 1. */
    @Value.Default
    public int keep() {
      return 10;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link RemoveOldMetadata}; every setter is named after its property. */
    public static final class Builder extends ImmutableRemoveOldMetadata.Builder {}
  }

  /** Rewrite small files into larger ones, by bin-packing or sorting. */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableCompact.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableCompact.class)
  @JsonTypeName("compact")
  public abstract static class Compact extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compact(this);
    }

    /** Compaction strategies. */
    public enum Strategy {
      BINPACK,
      SORT
    }

    @Override
    public Kind kind() {
      return Kind.COMPACT;
    }

    /** The strategy. Default: BINPACK. */
    @Value.Default
    public Strategy strategy() {
      return Strategy.BINPACK;
    }

    /** The sort order for SORT; empty uses the table's sort order. */
    public abstract List<SortField> sortBy();

    /** The target size of rewritten files. Default: 512MB. */
    @Value.Default
    public DataSize targetFileSize() {
      return DataSize.ofMegabytes(512);
    }

    /** A file group is rewritten only with at least this many files. Default: 5. */
    @Value.Default
    public int minInputFiles() {
      return 5;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link Compact}; every setter is named after its property. */
    public static final class Builder extends ImmutableCompact.Builder {}
  }

  /** Rewrite manifests to match the partitioning, speeding up planning. */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableRewriteManifests.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableRewriteManifests.class)
  @JsonTypeName("rewrite-manifests")
  public abstract static class RewriteManifests extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.rewriteManifests(this);
    }

    @Override
    public Kind kind() {
      return Kind.REWRITE_MANIFESTS;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link RewriteManifests}; every setter is named after its property. */
    public static final class Builder extends ImmutableRewriteManifests.Builder {}
  }

  /** Delete files under the table location that no snapshot references. */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableRemoveOrphans.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableRemoveOrphans.class)
  @JsonTypeName("remove-orphans")
  public abstract static class RemoveOrphans extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.removeOrphans(this);
    }

    @Override
    public Kind kind() {
      return Kind.REMOVE_ORPHANS;
    }

    /**
     * Only files older than this are candidates, so files of writes in progress survive. Default:
     * 3d; must be positive.
     */
    @Value.Default
    public Duration olderThan() {
      return Duration.ofDays(3);
    }

    /** Whether to only report what would be removed. Default: false. */
    @Value.Default
    public boolean dryRun() {
      return false;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link RemoveOrphans}; every setter is named after its property. */
    public static final class Builder extends ImmutableRemoveOrphans.Builder {}
  }

  /**
   * Delete rows whose date or timestamp column is older than a retention, then expire the snapshots
   * that could still return them, with proof that none can.
   */
  @Value.Immutable
  @com.fasterxml.jackson.databind.annotation.JsonSerialize(as = ImmutableHardDelete.class)
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(as = ImmutableHardDelete.class)
  @JsonTypeName("hard-delete")
  public abstract static class HardDelete extends MaintenanceTask {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.hardDelete(this);
    }

    @Override
    public Kind kind() {
      return Kind.HARD_DELETE;
    }

    /** The date or timestamp column compared with the retention. Required. */
    public abstract String column();

    /** Rows older than this are deleted. Required; must be positive. */
    public abstract Duration olderThan();

    /** Whether to only report what would be deleted. Default: false. */
    @Value.Default
    public boolean dryRun() {
      return false;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link HardDelete}; every setter is named after its property. */
    public static final class Builder extends ImmutableHardDelete.Builder {}
  }
}
