package io.lakeplan.workspace;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import java.util.HashMap;
import java.util.Map;

/**
 * What the files left out of a workspace (invalid ones) would have declared: their tables, written
 * or declared, and their DAGs. A valid use case that reads such a table or waits for such a DAG is
 * told that it depends on an invalid file, rather than that nothing declares what it needs. Built
 * from use cases as far as they could be read, so every value may be missing.
 */
final class LeftOut {
  /** Nothing left out. */
  public static final LeftOut NONE = new LeftOut();

  private final Map<TableId, String> tables = new HashMap<>();
  private final Map<String, String> useCases = new HashMap<>();
  private final Map<String, String> dags = new HashMap<>();

  /** Records that {@code file}, holding {@code useCase} (possibly partial), is left out. */
  public void add(String file, UseCase useCase) {
    if (useCase == null) {
      return;
    }
    if (useCase.name() != null) {
      useCases.putIfAbsent(useCase.name(), file);
    }
    for (TableDefinition table : useCase.tables()) {
      table(table == null ? null : table.table(), file);
    }
    for (Migration migration : useCase.migrations()) {
      if (migration != null && migration.target() != null) {
        table(migration.target().table(), file);
      }
    }
    for (JdbcIngestion ingestion : useCase.jdbcIngestions()) {
      table(ingestion == null ? null : ingestion.target(), file);
    }
    for (KafkaIngestion ingestion : useCase.kafkaIngestions()) {
      table(ingestion == null ? null : ingestion.target(), file);
    }
    for (Merge merge : useCase.merges()) {
      table(merge == null ? null : merge.target(), file);
    }
    for (SparkJob job : useCase.sparkJobs()) {
      if (job != null && job.dag() != null) {
        dags.putIfAbsent(job.dag(), file);
      }
    }
  }

  private void table(TableId table, String file) {
    if (table != null) {
      tables.putIfAbsent(table, file);
    }
  }

  /** The file of a left-out use case that declares or writes {@code table}, or null. */
  String fileOf(TableId table) {
    return tables.get(table);
  }

  /**
   * The file of a left-out use case that would define DAG {@code dagId} (a DAG named in it, or one
   * of the {@code <use case>.<kind>} DAGs of its name), or null.
   */
  String fileOfDag(String dagId) {
    String file = dags.get(dagId);
    int dot = dagId.indexOf('.');
    return file != null || dot < 0 ? file : useCases.get(dagId.substring(0, dot));
  }
}
