package io.lakeplan.spark;

import io.lakeplan.spark.internal.CrashPoints;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.OutputFile;

/**
 * The kill matrix's file IO for the {@code lakeplan} catalog in a child job: Hadoop file IO that
 * offers two crash points inside Iceberg's own work, where the executors cannot reach.
 *
 * <ul>
 *   <li>{@code before-commit}: the task's first new table metadata file is about to be written, so
 *       its data files and manifests are written and nothing is committed.
 *   <li>{@code after-first-delete}: the first file a maintenance action deletes is gone, the others
 *       are not (expiry and orphan removal delete after their commit, one file at a time here).
 * </ul>
 */
public class KillMatrixFileIO extends HadoopFileIO {
  private static final long serialVersionUID = 1L;

  @Override
  public OutputFile newOutputFile(String path) {
    if (path.endsWith(".metadata.json")) {
      CrashPoints.reach("before-commit");
    }
    return super.newOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    super.deleteFile(path);
    CrashPoints.reach("after-first-delete");
  }

  @Override
  public void deleteFiles(Iterable<String> paths) throws BulkDeletionFailureException {
    for (String path : paths) {
      deleteFile(path);
    }
  }
}
