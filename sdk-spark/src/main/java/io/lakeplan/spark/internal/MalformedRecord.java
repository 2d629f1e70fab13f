package io.lakeplan.spark.internal;

import java.io.Serializable;
import java.util.Comparator;

/** A malformed record: where it is, and why. */
record MalformedRecord(String topic, int partition, long offset, String reason)
    implements Serializable {
  static final Comparator<MalformedRecord> FIRST =
      Comparator.comparing(MalformedRecord::topic)
          .thenComparingInt(MalformedRecord::partition)
          .thenComparingLong(MalformedRecord::offset);
}
