package io.lakeplan.spark.internal;

import java.io.Serializable;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Where the routing columns sit in the stream's rows. */
record SinkLayout(int reason) implements Serializable {
  int topic() {
    return reason + 1;
  }

  int partition() {
    return reason + 2;
  }

  int offset() {
    return reason + 3;
  }

  static SinkLayout of(StructType target, StructType input) {
    StructField[] fields = input.fields();
    int width = target.fields().length;
    boolean matches = fields.length == width + KafkaSink.ROUTING_COLUMNS.size();
    for (int i = 0; matches && i < width; i++) {
      StructField column = target.fields()[i];
      matches =
          fields[i].name().equalsIgnoreCase(column.name())
              && fields[i].dataType().sameType(column.dataType());
    }
    for (int i = 0; matches && i < KafkaSink.ROUTING_COLUMNS.size(); i++) {
      matches = fields[width + i].name().equals(KafkaSink.ROUTING_COLUMNS.get(i));
    }
    if (!matches) {
      throw new IllegalStateException(
          "A Kafka ingestion's stream must have the target's columns "
              + target.simpleString()
              + " followed by "
              + KafkaSink.ROUTING_COLUMNS
              + ", not "
              + input.simpleString());
    }
    return new SinkLayout(width);
  }
}
