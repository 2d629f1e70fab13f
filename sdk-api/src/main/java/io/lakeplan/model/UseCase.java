package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * A use case: one data set's whole life in the lake — its migration from Hadoop, its ingestion, its
 * processing and its maintenance — described once and compiled into DAGs by the planner.
 *
 * <pre>{@code
 * UseCase orders = UseCase.named("orders")
 *     .owner("sales-data@example.com")
 *     .schedule(Schedule.HOURLY)
 *     .migrate(m -> m.id("orders-history")
 *         .fromPath("hdfs://nn:8020/data/orders", FileFormat.PARQUET)
 *         .target("raw.orders", t -> t.requiredColumn("order_id", "long")
 *             .column("updated_at", "timestamp")))
 *     .mergeInto("process.orders", m -> m.id("orders-upsert")
 *         .source("raw.orders").addKey("order_id").orderBy("updated_at"))
 *     .build();
 * }</pre>
 *
 * <p>{@code build()} never throws for missing or inconsistent values: {@link
 * io.lakeplan.workspace.Validator#validate(UseCase)} (and the planner) report every problem at
 * once, each with its path.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableUseCase.class)
@JsonDeserialize(as = ImmutableUseCase.class)
public abstract class UseCase {
  /** The use-case name: lower-case letters, digits, - and _; prefixes every DAG id. Required. */
  public abstract String name();

  /** Who answers for it (a team address); the DAGs' owner. Required. */
  public abstract String owner();

  /** What it is for; may be null. */
  public abstract String description();

  /** Tags on every DAG, for search and filtering. */
  public abstract List<String> tags();

  /** The default schedule of ingestion, processing and maintenance; null: manual runs. */
  public abstract Schedule schedule();

  /** Who hears about runs. Default: failures only, no targets. */
  @Value.Default
  public NotificationPolicy notifications() {
    return NotificationPolicy.defaults();
  }

  /** How often a failed task is retried. Default: 1; valid 0–10. */
  @Value.Default
  public int retries() {
    return 1;
  }

  /** The wait before a retry. Default: 5m. */
  @Value.Default
  public Duration retryDelay() {
    return Duration.ofMinutes(5);
  }

  /** Whether a run waits for the previous run of the same DAG to succeed. Default: false. */
  @Value.Default
  public boolean dependsOnPast() {
    return false;
  }

  /** Dependencies lineage cannot see: other DAGs, or tables written elsewhere. */
  public abstract List<Dependency> dependencies();

  /** Tables created and kept besides migration targets, e.g. merge targets. */
  public abstract List<TableDefinition> tables();

  /** Historical data sets moved into Iceberg. */
  public abstract List<Migration> migrations();

  /** Batch extractions from JDBC databases. */
  public abstract List<JdbcIngestion> jdbcIngestions();

  /** Kafka ingestions. */
  public abstract List<KafkaIngestion> kafkaIngestions();

  /** Upserts into processed tables. */
  public abstract List<Merge> merges();

  /** Table maintenance. */
  public abstract List<Maintenance> maintenance();

  /** Teams' own Spark jobs. */
  public abstract List<SparkJob> sparkJobs();

  /** A builder for the use case {@code name}. */
  public static Builder named(String name) {
    return builder().name(name);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UseCase}. Plural setters replace, {@code add…} appends, order is free. */
  public static final class Builder extends ImmutableUseCase.Builder {
    /** Sets the default schedule from a preset or cron text. */
    public Builder schedule(String schedule) {
      return schedule(Schedule.parse(schedule));
    }

    /** Adds a dependency written {@code dag:ID} or {@code table:namespace.name}. */
    public Builder dependsOn(String dependency) {
      return addDependency(Dependency.parse(dependency));
    }

    /** Configures notifications with {@code spec}. */
    public Builder notify(Consumer<NotificationPolicy.Builder> spec) {
      NotificationPolicy.Builder builder = NotificationPolicy.builder();
      spec.accept(builder);
      return notifications(builder.build());
    }

    /** Declares the table {@code table}, defined by {@code spec}. */
    public Builder table(String table, Consumer<TableDefinition.Builder> spec) {
      TableDefinition.Builder builder = TableDefinition.builder().table(table);
      spec.accept(builder);
      return addTable(builder.build());
    }

    /** Adds a migration defined by {@code spec}. */
    public Builder migrate(Consumer<Migration.Builder> spec) {
      Migration.Builder builder = Migration.builder();
      spec.accept(builder);
      return addMigration(builder.build());
    }

    /** Adds a JDBC batch ingestion defined by {@code spec}. */
    public Builder ingestJdbc(Consumer<JdbcIngestion.Builder> spec) {
      JdbcIngestion.Builder builder = JdbcIngestion.builder();
      spec.accept(builder);
      return addJdbcIngestion(builder.build());
    }

    /** Adds a Kafka ingestion defined by {@code spec}. */
    public Builder ingestKafka(Consumer<KafkaIngestion.Builder> spec) {
      KafkaIngestion.Builder builder = KafkaIngestion.builder();
      spec.accept(builder);
      return addKafkaIngestion(builder.build());
    }

    /** Adds a merge into {@code target}, defined by {@code spec}. */
    public Builder mergeInto(String target, Consumer<Merge.Builder> spec) {
      Merge.Builder builder = Merge.builder();
      builder.target(target);
      spec.accept(builder);
      return addMerge(builder.build());
    }

    /** Adds maintenance of {@code table}, defined by {@code spec}. */
    public Builder maintain(String table, Consumer<Maintenance.Builder> spec) {
      Maintenance.Builder builder = Maintenance.builder();
      builder.table(table);
      spec.accept(builder);
      return addMaintenance(builder.build());
    }

    /** Adds a team's own Spark job defined by {@code spec}. */
    public Builder sparkJob(Consumer<SparkJob.Builder> spec) {
      SparkJob.Builder builder = SparkJob.builder();
      spec.accept(builder);
      return addSparkJob(builder.build());
    }
  }
}
