package io.lakeplan.testkit;

import java.time.Instant;
import java.util.Map;

/**
 * One Iceberg snapshot of an output table.
 *
 * @param snapshotId the snapshot id
 * @param parentId the parent snapshot's id, or null for the first
 * @param operation Iceberg's operation: {@code append}, {@code overwrite}, {@code replace} or
 *     {@code delete}
 * @param committedAt the driver clock's time of the commit
 * @param summary the snapshot summary, including Lakeplan's properties ({@code lakeplan.…})
 */
public record TableSnapshot(
    long snapshotId,
    Long parentId,
    String operation,
    Instant committedAt,
    Map<String, String> summary) {}
