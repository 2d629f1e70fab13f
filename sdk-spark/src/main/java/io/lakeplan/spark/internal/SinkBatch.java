package io.lakeplan.spark.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/** A batch's tasks, summed up. */
record SinkBatch(
    WriterCommitMessage[] written,
    long good,
    long malformed,
    Map<SinkPartition, long[]> malformedOffsets,
    MalformedRecord first,
    Map<String, Map<Integer, Long>> lastOffsets) {
  static SinkBatch of(WriterCommitMessage[] messages) {
    List<WriterCommitMessage> written = new ArrayList<>();
    long good = 0;
    long malformed = 0;
    Map<SinkPartition, long[]> offsets = new HashMap<>();
    Map<String, Map<Integer, Long>> lastOffsets = new TreeMap<>();
    MalformedRecord first = null;
    for (WriterCommitMessage message : messages) {
      if (!(message instanceof SinkTaskMessage task)) {
        continue; // a task that never committed (Spark passes null for it when aborting)
      }
      if (task.written() != null) {
        written.add(task.written());
      }
      good += task.good();
      malformed += task.malformed();
      task.malformedOffsets()
          .forEach(
              (partition, range) ->
                  offsets.merge(
                      partition,
                      range,
                      (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
      if (task.first() != null
          && (first == null || MalformedRecord.FIRST.compare(task.first(), first) < 0)) {
        first = task.first();
      }
      task.lastOffsets()
          .forEach(
              (partition, last) ->
                  lastOffsets
                      .computeIfAbsent(partition.topic(), topic -> new TreeMap<>())
                      .merge(partition.partition(), last, Math::max));
    }
    return new SinkBatch(
        written.toArray(WriterCommitMessage[]::new), good, malformed, offsets, first, lastOffsets);
  }
}
