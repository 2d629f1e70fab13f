package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class PartitionerTest {

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "region", Types.StringType.get()),
          Types.NestedField.optional(3, "at", Types.TimestampType.withoutZone()));

  @Test
  void dayAndHour_matchIcebergsTransforms_beforeAndAfterTheEpochAndAtBoundaries() {
    List<Long> micros = new ArrayList<>();
    long day = 86_400_000_000L;
    for (long edge : new long[] {0, day, -day, 3_600_000_000L, -3_600_000_000L}) {
      micros.add(edge);
      micros.add(edge - 1);
      micros.add(edge + 1);
    }
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      micros.add(random.nextLong() % (400L * 365 * day)); // about 1570..2370
    }
    for (String transform : List.of("day", "hour")) {
      PartitionSpec spec =
          transform.equals("day")
              ? PartitionSpec.builderFor(SCHEMA).day("at").build()
              : PartitionSpec.builderFor(SCHEMA).hour("at").build();
      var iceberg =
          (transform.equals("day") ? Transforms.day() : Transforms.hour())
              .bind(Types.TimestampType.withoutZone());
      Partitioner partitioner = new Partitioner(spec, SCHEMA);
      for (long value : micros) {
        Map<PartitionKey, List<Record>> groups = partitioner.group(List.of(record(1, "eu", value)));
        PartitionKey key = groups.keySet().iterator().next();
        assertThat(key.get(0, Integer.class))
            .as("%s of %d micros", transform, value)
            .isEqualTo(iceberg.apply(value));
      }
    }
  }

  @Test
  void group_keepsFirstAppearanceOrder_andUsesIcebergForOtherTransforms() {
    PartitionSpec spec =
        PartitionSpec.builderFor(SCHEMA).identity("region").bucket("id", 4).build();
    List<Record> records =
        List.of(record(1, "us", 0), record(2, "eu", 0), record(3, "us", 0), record(4, null, 0));
    Map<PartitionKey, List<Record>> groups = new Partitioner(spec, SCHEMA).group(records);

    var bucket = Transforms.bucket(4).bind(Types.LongType.get());
    int total = 0;
    List<String> regions = new ArrayList<>();
    for (Map.Entry<PartitionKey, List<Record>> group : groups.entrySet()) {
      for (Record record : group.getValue()) {
        assertThat(group.getKey().get(0, String.class)).isEqualTo(record.getField("region"));
        assertThat(group.getKey().get(1, Integer.class))
            .isEqualTo(bucket.apply((Long) record.getField("id")));
        total++;
      }
      regions.add(group.getKey().get(0, String.class));
    }
    assertThat(total).isEqualTo(4);
    assertThat(regions.get(0)).isEqualTo("us");
    assertThat(regions).contains(null, "eu");
  }

  @Test
  void unpartitioned_isOneGroupOfEveryRecord() {
    List<Record> records = List.of(record(1, "us", 0), record(2, "eu", 5));
    Map<PartitionKey, List<Record>> groups =
        new Partitioner(PartitionSpec.unpartitioned(), SCHEMA).group(records);
    assertThat(groups).hasSize(1);
    assertThat(groups.values().iterator().next()).containsExactlyElementsOf(records);
  }

  private static Record record(long id, String region, long micros) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    record.setField("id", id);
    record.setField("region", region);
    record.setField(
        "at",
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L),
            (int) Math.floorMod(micros, 1_000_000L) * 1_000,
            ZoneOffset.UTC));
    return record;
  }
}
