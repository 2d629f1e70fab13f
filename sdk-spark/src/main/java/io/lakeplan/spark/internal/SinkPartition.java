package io.lakeplan.spark.internal;

import java.io.Serializable;

/** A topic partition. */
record SinkPartition(String topic, int partition) implements Serializable {}
