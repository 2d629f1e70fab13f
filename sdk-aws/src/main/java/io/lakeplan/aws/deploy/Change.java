package io.lakeplan.aws.deploy;

import java.util.Objects;

/**
 * One resource of a deployment and what a deployment does to it.
 *
 * @param action create, update, delete, or leave it as it is
 * @param resource the kind and name of the resource, e.g. {@code S3 object
 *     s3://acme-mwaa/dags/x.py}
 * @param detail why, e.g. {@code content changed}; empty when there is nothing to add
 */
public record Change(Action action, String resource, String detail) {
  /** What a deployment does to a resource, with the mark the plan shows it with. */
  public enum Action {
    /** The resource is missing and is created. */
    CREATE("+"),
    /** The resource differs from what the deployment wants and is changed or replaced. */
    UPDATE("~"),
    /** The resource was deployed by Lakeplan and is no longer wanted: it is removed. */
    DELETE("-"),
    /** The resource is as wanted: nothing is done. */
    UNCHANGED("=");

    private final String mark;

    Action(String mark) {
      this.mark = mark;
    }

    /** The mark of the plan's line: {@code +}, {@code ~}, {@code -} or {@code =}. */
    public String mark() {
      return mark;
    }
  }

  public Change {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    detail = detail == null ? "" : detail;
  }

  /** The plan's line: {@code [+] S3 object s3://… (detail)}. */
  @Override
  public String toString() {
    return "[" + action.mark() + "] " + resource + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
