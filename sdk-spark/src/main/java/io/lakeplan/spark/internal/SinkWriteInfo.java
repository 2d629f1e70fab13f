package io.lakeplan.spark.internal;

import java.util.Optional;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** What Iceberg is told it writes: the target's columns only, under the stream's query id. */
record SinkWriteInfo(LogicalWriteInfo stream, StructType target) implements LogicalWriteInfo {
  @Override
  public CaseInsensitiveStringMap options() {
    return stream.options();
  }

  @Override
  public String queryId() {
    return stream.queryId();
  }

  @Override
  public StructType schema() {
    return target;
  }

  @Override
  public Optional<StructType> rowIdSchema() {
    return stream.rowIdSchema();
  }

  @Override
  public Optional<StructType> metadataSchema() {
    return stream.metadataSchema();
  }
}
