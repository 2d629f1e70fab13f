package io.lakeplan.spark.internal;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/** Creates the tasks' writers; Spark ships it to the executors. */
record SinkRouterFactory(
    StreamingDataWriterFactory target, SinkLayout layout, long lastCommittedBatch)
    implements StreamingDataWriterFactory {
  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    return new SinkRouter(
        epochId > lastCommittedBatch ? target.createWriter(partitionId, taskId, epochId) : null,
        layout);
  }
}
