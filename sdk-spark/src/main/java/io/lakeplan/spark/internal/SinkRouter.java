package io.lakeplan.spark.internal;

import java.io.IOException;
import java.util.HashMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.unsafe.types.UTF8String;

/** One task's writer: good records to Iceberg's writer, malformed ones noted. */
final class SinkRouter implements DataWriter<InternalRow> {
  private final DataWriter<InternalRow> target;
  private final SinkLayout layout;
  private final HashMap<SinkPartition, long[]> malformedOffsets = new HashMap<>();
  private final HashMap<SinkPartition, Long> lastOffsets = new HashMap<>();
  private long good;
  private long malformed;
  private MalformedRecord first;

  /** The partition of the previous row and its last offset: rows come in runs of one. */
  private UTF8String lastTopic;

  private int lastPartition = -1;
  private long lastOffset = -1;

  SinkRouter(DataWriter<InternalRow> target, SinkLayout layout) {
    this.target = target;
    this.layout = layout;
  }

  @Override
  public void write(InternalRow row) throws IOException {
    noteOffset(row);
    if (row.isNullAt(layout.reason())) {
      good++;
      if (target != null) {
        target.write(row);
      }
    } else {
      note(row);
    }
  }

  /** Keeps the greatest offset read of each partition: where a new checkpoint would start. */
  private void noteOffset(InternalRow row) {
    UTF8String topic = row.getUTF8String(layout.topic());
    int partition = row.getInt(layout.partition());
    long offset = row.getLong(layout.offset());
    if (partition != lastPartition || !topic.equals(lastTopic)) {
      flushOffset();
      lastTopic = topic.clone();
      lastPartition = partition;
    }
    lastOffset = Math.max(lastOffset, offset);
  }

  private void flushOffset() {
    if (lastTopic != null) {
      lastOffsets.merge(
          new SinkPartition(lastTopic.toString(), lastPartition), lastOffset, Math::max);
    }
    lastOffset = -1;
  }

  private void note(InternalRow row) {
    malformed++;
    MalformedRecord record =
        new MalformedRecord(
            row.getUTF8String(layout.topic()).toString(),
            row.getInt(layout.partition()),
            row.getLong(layout.offset()),
            row.getUTF8String(layout.reason()).toString());
    long[] range =
        malformedOffsets.computeIfAbsent(
            new SinkPartition(record.topic(), record.partition()),
            partition -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
    range[0] = Math.min(range[0], record.offset());
    range[1] = Math.max(range[1], record.offset());
    if (first == null || MalformedRecord.FIRST.compare(record, first) < 0) {
      first = record;
    }
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    flushOffset();
    return new SinkTaskMessage(
        target == null ? null : target.commit(),
        good,
        malformed,
        malformedOffsets,
        first,
        lastOffsets);
  }

  @Override
  public void abort() throws IOException {
    if (target != null) {
      target.abort();
    }
  }

  @Override
  public void close() throws IOException {
    if (target != null) {
      target.close();
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return target == null ? new CustomTaskMetric[0] : target.currentMetricsValues();
  }
}
