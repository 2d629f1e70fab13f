package io.lakeplan.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import java.util.Set;
import org.immutables.value.Value;

/**
 * What one task does, with everything an engine needs to do it: engines dispatch on the concrete
 * type. {@link #reads()} and {@link #writes()} are the task's table lineage.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TaskSpec.CreateTable.class, name = "create-table"),
  @JsonSubTypes.Type(value = TaskSpec.Copy.class, name = "copy"),
  @JsonSubTypes.Type(value = TaskSpec.Convert.class, name = "convert"),
  @JsonSubTypes.Type(value = TaskSpec.Reconcile.class, name = "reconcile"),
  @JsonSubTypes.Type(value = TaskSpec.RecordWatermark.class, name = "record-watermark"),
  @JsonSubTypes.Type(value = TaskSpec.IngestJdbc.class, name = "ingest-jdbc"),
  @JsonSubTypes.Type(value = TaskSpec.IngestKafka.class, name = "ingest-kafka"),
  @JsonSubTypes.Type(value = TaskSpec.MergeInto.class, name = "merge"),
  @JsonSubTypes.Type(value = TaskSpec.Maintain.class, name = "maintain"),
  @JsonSubTypes.Type(value = TaskSpec.RunSparkJob.class, name = "spark-job")
})
public abstract class TaskSpec {
  /** Tables whose data this task reads. */
  @JsonIgnore
  public Set<TableId> reads() {
    return Set.of();
  }

  /** Tables whose data this task writes. */
  @JsonIgnore
  public Set<TableId> writes() {
    return Set.of();
  }

  /** Whether this task runs on Spark (as opposed to a file transfer or catalog call). */
  @JsonIgnore
  public boolean runsOnSpark() {
    return true;
  }

  /**
   * Calls the method of {@code visitor} for this task's kind: how an engine dispatches, so that a
   * new kind fails to compile in every engine that does not handle it.
   */
  public abstract <R> R accept(Visitor<R> visitor);

  /**
   * One method per task kind; an {@link io.lakeplan.spi.Engine} implements it to run each.
   *
   * @param <R> what a visit returns
   */
  public interface Visitor<R> {
    /** Visits a CreateTable task. */
    R createTable(CreateTable spec);

    /** Visits a Copy task. */
    R copy(Copy spec);

    /** Visits a Convert task. */
    R convert(Convert spec);

    /** Visits a Reconcile task. */
    R reconcile(Reconcile spec);

    /** Visits a RecordWatermark task. */
    R recordWatermark(RecordWatermark spec);

    /** Visits a IngestJdbc task. */
    R ingestJdbc(IngestJdbc spec);

    /** Visits a IngestKafka task. */
    R ingestKafka(IngestKafka spec);

    /** Visits a MergeInto task. */
    R mergeInto(MergeInto spec);

    /** Visits a Maintain task. */
    R maintain(Maintain spec);

    /** Visits a RunSparkJob task. */
    R runSparkJob(RunSparkJob spec);
  }

  /** Creates a table if it does not exist and reports drift if it does. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableCreateTable.class)
  @JsonDeserialize(as = ImmutableCreateTable.class)
  @JsonTypeName("create-table")
  public abstract static class CreateTable extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.createTable(this);
    }

    public abstract TableDefinition table();

    @Override
    public Set<TableId> writes() {
      return Set.of(table().table());
    }

    public static CreateTable of(TableDefinition table) {
      return ImmutableCreateTable.builder().table(table).build();
    }
  }

  /** Copies a migration's source files to its landing location. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableCopy.class)
  @JsonDeserialize(as = ImmutableCopy.class)
  @JsonTypeName("copy")
  public abstract static class Copy extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.copy(this);
    }

    public abstract Migration migration();

    /** A file transfer (Hadoop file system locally, DataSync on AWS), not a Spark job. */
    @Override
    public boolean runsOnSpark() {
      return false;
    }

    public static Copy of(Migration migration) {
      return ImmutableCopy.builder().migration(migration).build();
    }
  }

  /** Converts a migration's landing (or source) data into its Iceberg table. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableConvert.class)
  @JsonDeserialize(as = ImmutableConvert.class)
  @JsonTypeName("convert")
  public abstract static class Convert extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.convert(this);
    }

    public abstract Migration migration();

    @Override
    public Set<TableId> writes() {
      return Set.of(migration().target().table());
    }

    public static Convert of(Migration migration) {
      return ImmutableConvert.builder().migration(migration).build();
    }
  }

  /** Proves that a migration's source and target agree. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableReconcile.class)
  @JsonDeserialize(as = ImmutableReconcile.class)
  @JsonTypeName("reconcile")
  public abstract static class Reconcile extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.reconcile(this);
    }

    public abstract Migration migration();

    @Override
    public Set<TableId> reads() {
      return Set.of(migration().target().table());
    }

    public static Reconcile of(Migration migration) {
      return ImmutableReconcile.builder().migration(migration).build();
    }
  }

  /** Records the maximum of a migration's watermark column in the watermark store. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableRecordWatermark.class)
  @JsonDeserialize(as = ImmutableRecordWatermark.class)
  @JsonTypeName("record-watermark")
  public abstract static class RecordWatermark extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.recordWatermark(this);
    }

    public abstract Migration migration();

    @Override
    public Set<TableId> reads() {
      return Set.of(migration().target().table());
    }

    public static RecordWatermark of(Migration migration) {
      return ImmutableRecordWatermark.builder().migration(migration).build();
    }
  }

  /** Extracts one JDBC table or query into Iceberg. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableIngestJdbc.class)
  @JsonDeserialize(as = ImmutableIngestJdbc.class)
  @JsonTypeName("ingest-jdbc")
  public abstract static class IngestJdbc extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.ingestJdbc(this);
    }

    public abstract JdbcIngestion ingestion();

    @Override
    public Set<TableId> writes() {
      return Set.of(ingestion().target());
    }

    public static IngestJdbc of(JdbcIngestion ingestion) {
      return ImmutableIngestJdbc.builder().ingestion(ingestion).build();
    }
  }

  /** Reads Kafka topics into Iceberg. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableIngestKafka.class)
  @JsonDeserialize(as = ImmutableIngestKafka.class)
  @JsonTypeName("ingest-kafka")
  public abstract static class IngestKafka extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.ingestKafka(this);
    }

    public abstract KafkaIngestion ingestion();

    @Override
    public Set<TableId> writes() {
      return Set.of(ingestion().target(), ingestion().effectiveDeadLetterTable());
    }

    public static IngestKafka of(KafkaIngestion ingestion) {
      return ImmutableIngestKafka.builder().ingestion(ingestion).build();
    }
  }

  /** Upserts a source into a target with {@code MERGE INTO}. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableMergeInto.class)
  @JsonDeserialize(as = ImmutableMergeInto.class)
  @JsonTypeName("merge")
  public abstract static class MergeInto extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.mergeInto(this);
    }

    public abstract Merge merge();

    @Override
    public Set<TableId> reads() {
      return merge().source() == null ? Set.of() : Set.of(merge().source());
    }

    @Override
    public Set<TableId> writes() {
      return Set.of(merge().target());
    }

    public static MergeInto of(Merge merge) {
      return ImmutableMergeInto.builder().merge(merge).build();
    }
  }

  /**
   * One maintenance operation on a table. Maintenance is not lineage: it neither feeds nor waits
   * for the table's writers.
   */
  @Value.Immutable
  @JsonSerialize(as = ImmutableMaintain.class)
  @JsonDeserialize(as = ImmutableMaintain.class)
  @JsonTypeName("maintain")
  public abstract static class Maintain extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.maintain(this);
    }

    public abstract TableId table();

    public abstract MaintenanceTask operation();

    public static Maintain of(TableId table, MaintenanceTask operation) {
      return ImmutableMaintain.builder().table(table).operation(operation).build();
    }
  }

  /** Runs a team's own Spark job as it is. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableRunSparkJob.class)
  @JsonDeserialize(as = ImmutableRunSparkJob.class)
  @JsonTypeName("spark-job")
  public abstract static class RunSparkJob extends TaskSpec {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.runSparkJob(this);
    }

    public abstract SparkJob job();

    public static RunSparkJob of(SparkJob job) {
      return ImmutableRunSparkJob.builder().job(job).build();
    }
  }
}
