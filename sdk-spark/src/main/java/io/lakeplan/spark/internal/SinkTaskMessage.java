package io.lakeplan.spark.internal;

import java.util.HashMap;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What one task wrote: Iceberg's message for the good records (null when the batch was already
 * committed), the counts, the offset range of the malformed records per topic partition, the first
 * malformed record, and the last offset read per topic partition, good or malformed.
 */
record SinkTaskMessage(
    WriterCommitMessage written,
    long good,
    long malformed,
    HashMap<SinkPartition, long[]> malformedOffsets,
    MalformedRecord first,
    HashMap<SinkPartition, Long> lastOffsets)
    implements WriterCommitMessage {}
