package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * How migrations' copies reach AWS DataSync (the {@code data-sync} section of an {@link
 * Environment}): {@code lakeplan deploy} creates, per migration with an {@code hdfs://} source and
 * an {@code s3://} landing location, an HDFS location (these agents and name nodes), an S3 location
 * (this bucket access role) and a task, and the rendered {@code DataSyncOperator} runs that task.
 *
 * <pre>{@code
 * data-sync:
 *   agent-arns: [arn:aws:datasync:eu-west-1:123456789012:agent/agent-0123456789abcdef0]
 *   name-nodes: [namenode1.corp:8020]
 *   hdfs-user: hdfs
 *   s3-bucket-access-role-arn: arn:aws:iam::123456789012:role/lakeplan-datasync
 * }</pre>
 *
 * <p>Without agents, no DataSync resource is deployed and copy tasks run the task ARNs of {@code
 * airflow.data-sync-task-arns} (or the Airflow Variable default).
 */
@Value.Immutable
@JsonSerialize(as = ImmutableDataSyncSettings.class)
@JsonDeserialize(as = ImmutableDataSyncSettings.class)
public abstract class DataSyncSettings {
  private static final Pattern AGENT_ARN =
      Pattern.compile("arn:aws[a-z-]*:datasync:[a-z0-9-]+:\\d{12}:agent/agent-[0-9a-z]{17}");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  private static final Pattern NAME_NODE = Pattern.compile("[A-Za-z0-9.-]{1,255}:\\d{1,5}");

  /** The DataSync agents that read the HDFS cluster (ARNs); empty (the default): none deployed. */
  public abstract List<String> agentArns();

  /**
   * The cluster's name nodes as {@code host:port}; empty (the default): the host and port of each
   * migration's {@code hdfs://host:port/…} source (port 8020 when it has none).
   */
  public abstract List<String> nameNodes();

  /** The HDFS user DataSync reads as (simple authentication). Default: {@code hdfs}. */
  @Value.Default
  public String hdfsUser() {
    return "hdfs";
  }

  /**
   * The IAM role DataSync assumes to write the landing bucket; required when {@link #agentArns()}
   * is set.
   */
  public abstract String s3BucketAccessRoleArn();

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming each invalid value and the form to write
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    for (String agent : agentArns()) {
      if (agent == null || !AGENT_ARN.matcher(agent).matches()) {
        problems.add(
            "agent-arns: '"
                + agent
                + "' (an agent ARN, arn:aws:datasync:REGION:ACCOUNT:agent/agent-0123456789abcdef0)");
      }
    }
    for (String nameNode : nameNodes()) {
      if (nameNode == null || !NAME_NODE.matcher(nameNode).matches()) {
        problems.add("name-nodes: '" + nameNode + "' (host:port, e.g. namenode1.corp:8020)");
      }
    }
    if (hdfsUser() == null || hdfsUser().isBlank()) {
      problems.add("hdfs-user: '" + hdfsUser() + "' (must not be blank; default hdfs)");
    }
    String role = s3BucketAccessRoleArn();
    if (role != null && !ROLE_ARN.matcher(role).matches()) {
      problems.add(
          "s3-bucket-access-role-arn: '" + role + "' (a role ARN, arn:aws:iam::ACCOUNT:role/NAME)");
    }
    if (!agentArns().isEmpty() && role == null) {
      problems.add(
          "s3-bucket-access-role-arn: missing (DataSync needs a role to write the landing"
              + " bucket when agent-arns is set)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid data-sync settings: " + String.join("; ", problems));
    }
  }

  /** Whether DataSync resources are deployed: agents are set. */
  public boolean deployed() {
    return !agentArns().isEmpty();
  }

  /** A builder of settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DataSyncSettings}; every setter is named after its property. */
  public static final class Builder extends ImmutableDataSyncSettings.Builder {}
}
