package io.lakeplan.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * Commits of the in-memory engine, each one Iceberg snapshot with Lakeplan's summary properties.
 */
final class Writes {

  private Writes() {}

  /** Appends {@code records} in one commit; returns the new snapshot, or null if none was made. */
  static Snapshot append(
      Lake lake, Table table, List<Record> records, Map<String, String> properties) {
    List<DataFile> files = lake.write(table, records);
    AppendFiles append = Lake.inline(table.newAppend());
    files.forEach(append::appendFile);
    properties.forEach(append::set);
    append.commit();
    lake.committed(table);
    return table.currentSnapshot();
  }

  /**
   * A copy-on-write change of {@code table}: each file in {@code rewritten} is replaced by the rows
   * given for it (removed when none are left), and {@code inserts} are added, in one commit.
   */
  static Snapshot overwrite(
      Lake lake,
      Table table,
      Map<DataFile, List<Record>> rewritten,
      List<Record> inserts,
      Map<String, String> properties) {
    OverwriteFiles overwrite = Lake.inline(table.newOverwrite());
    List<Record> kept = new ArrayList<>(inserts);
    for (Map.Entry<DataFile, List<Record>> entry : rewritten.entrySet()) {
      overwrite.deleteFile(entry.getKey());
      kept.addAll(entry.getValue());
    }
    // rows of rewritten files and new rows share files per partition, as Spark's writers do
    lake.write(table, kept).forEach(overwrite::addFile);
    properties.forEach(overwrite::set);
    overwrite.commit();
    lake.committed(table);
    return table.currentSnapshot();
  }
}
