package io.lakeplan.testkit;

import io.lakeplan.testkit.internal.Inputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source files of one migration (the data on HDFS the migration copies, converts and
 * reconciles). Each {@code addFile} is one file; rows keep the columns and values given, so a test
 * can give a file a missing column or a bad value to test the migration's checks.
 */
public final class LandingFiles {

  private final String migrationId;
  private final Inputs inputs;

  LandingFiles(String migrationId, Inputs inputs) {
    this.migrationId = migrationId;
    this.inputs = inputs;
  }

  /** Adds one file holding {@code rows}. */
  @SafeVarargs
  public final LandingFiles addFile(Map<String, ?>... rows) {
    return addFile(List.of(rows));
  }

  /** Adds one file holding {@code rows}. */
  public LandingFiles addFile(List<? extends Map<String, ?>> rows) {
    List<Map<String, Object>> copy = new ArrayList<>(rows.size());
    for (Map<String, ?> row : rows) {
      copy.add(new LinkedHashMap<>(row));
    }
    inputs.addMigrationFile(migrationId, copy);
    return this;
  }

  /** The number of files added. */
  public int fileCount() {
    return inputs.migrationFiles(migrationId).size();
  }
}
