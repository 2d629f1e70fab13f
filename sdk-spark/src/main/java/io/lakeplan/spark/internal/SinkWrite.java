package io.lakeplan.spark.internal;

import org.apache.iceberg.Transaction;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;

/** Iceberg's write of the target, its distribution and ordering included, with routing. */
final class SinkWrite implements Write, RequiresDistributionAndOrdering {
  private final SinkStream stream;
  private final Write target;
  private final SinkLayout layout;
  private final String queryId;
  private final Transaction adding;

  SinkWrite(
      SinkStream stream, Write target, SinkLayout layout, String queryId, Transaction adding) {
    this.stream = stream;
    this.target = target;
    this.layout = layout;
    this.queryId = queryId;
    this.adding = adding;
  }

  @Override
  public String description() {
    return "Lakeplan Kafka ingestion " + stream.ingestion().id() + ": " + target.description();
  }

  @Override
  public StreamingWrite toStreaming() {
    return new SinkBatchCommit(stream, target.toStreaming(), layout, queryId, adding);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return target.supportedCustomMetrics();
  }

  private RequiresDistributionAndOrdering required() {
    return target instanceof RequiresDistributionAndOrdering required ? required : null;
  }

  @Override
  public Distribution requiredDistribution() {
    return required() == null ? Distributions.unspecified() : required().requiredDistribution();
  }

  @Override
  public boolean distributionStrictlyRequired() {
    return required() == null || required().distributionStrictlyRequired();
  }

  @Override
  public int requiredNumPartitions() {
    return required() == null ? 0 : required().requiredNumPartitions();
  }

  @Override
  public long advisoryPartitionSizeInBytes() {
    return required() == null ? 0 : required().advisoryPartitionSizeInBytes();
  }

  @Override
  public SortOrder[] requiredOrdering() {
    return required() == null ? new SortOrder[0] : required().requiredOrdering();
  }
}
