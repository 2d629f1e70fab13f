package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.KafkaIngestion;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.types.StructType;

/**
 * A stream being written: what it ingests, where relative paths and the watermarks live, the
 * target's columns (with those {@code pending} adds), the counts its batches add to, and the
 * columns {@code append-new-columns} adds in the next batch's commit (empty once added).
 */
record SinkStream(
    Context context,
    KafkaIngestion ingestion,
    StructType target,
    AtomicLong rows,
    AtomicLong rejected,
    AtomicReference<Map<String, ColumnType>> pending) {}
