package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class LakeTest {

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()));

  @Test
  void read_ofAWrittenFile_isWhatWasWritten_evenAfterASchemaChange_andFailsOnceDeleted() {
    try (Lake lake = new Lake(() -> Instant.EPOCH)) {
      Table table = lake.createIfAbsent(TableId.of("raw", "people"), SCHEMA);
      List<Record> records = List.of(person(1, "ada"), person(2, null));
      DataFile file = lake.write(table, records).get(0);

      assertThat(lake.read(table.io(), file.location(), table.schema()))
          .containsExactlyElementsOf(records);

      // a new column: the file is decoded with the new schema, the column reads as null
      table.updateSchema().addColumn("email", Types.StringType.get()).commit();
      table.refresh();
      List<Record> evolved = lake.read(table.io(), file.location(), table.schema());
      assertThat(evolved).hasSize(2);
      assertThat(evolved.get(0).struct()).isEqualTo(table.schema().asStruct());
      assertThat(evolved.get(0).getField("name")).isEqualTo("ada");
      assertThat(evolved.get(0).getField("email")).isNull();

      table.io().deleteFile(file.location());
      assertThatThrownBy(() -> lake.read(table.io(), file.location(), SCHEMA))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void close_deletesEveryFileTheLakeWrote_committedOrNot() {
    Lake lake = new Lake(() -> Instant.EPOCH);
    Table table = lake.createIfAbsent(TableId.of("raw", "people"), SCHEMA);
    var append = table.newAppend();
    lake.write(table, List.of(person(1, "ada"))).forEach(append::appendFile);
    append.commit();
    lake.committed(table);
    DataFile uncommitted = lake.write(table, List.of(person(2, "bob"))).get(0);
    Set<String> files = lake.referencedFiles(table);
    List<String> all = new ArrayList<>(files);
    all.add(uncommitted.location());
    assertThat(all).allMatch(lake::fileExists);

    lake.close();

    assertThat(all).noneMatch(lake::fileExists);
  }

  private static Record person(long id, String name) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    record.setField("id", id);
    record.setField("name", name);
    return record;
  }
}
