package io.lakeplan.aws.deploy;

import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.DataSyncSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.model.Migration;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.datasync.DataSyncClient;
import software.amazon.awssdk.services.datasync.model.DescribeLocationHdfsResponse;
import software.amazon.awssdk.services.datasync.model.DescribeLocationS3Response;
import software.amazon.awssdk.services.datasync.model.DescribeTaskResponse;
import software.amazon.awssdk.services.datasync.model.HdfsAuthenticationType;
import software.amazon.awssdk.services.datasync.model.HdfsNameNode;
import software.amazon.awssdk.services.datasync.model.LocationListEntry;
import software.amazon.awssdk.services.datasync.model.TagListEntry;
import software.amazon.awssdk.services.datasync.model.TaskListEntry;

/**
 * The DataSync resources of a deployment: per migration that copies ({@code hdfs://} source, {@code
 * s3://} landing), an HDFS location (the environment's agents and name nodes, simple authentication
 * as its HDFS user), an S3 location (the landing bucket and prefix, written with the environment's
 * bucket access role) and a task {@code lakeplan-USECASE-MIGRATION} from one to the other.
 *
 * <p>A task of that name whose locations are as wanted is kept. A task whose locations differ is
 * replaced — a task's locations cannot be changed, so a new one is created and the old one and its
 * locations removed — and the DAG that runs it gets the new ARN. Locations are found again by URI
 * and properties before any is created, so that a deployment that failed between creating a
 * location and its task does not leave a second one behind.
 */
final class DataSyncTasks {
  private static final String PERMISSIONS =
      "datasync:ListTasks, datasync:DescribeTask, datasync:CreateTask, datasync:DeleteTask,"
          + " datasync:ListLocations, datasync:DescribeLocationHdfs, datasync:DescribeLocationS3,"
          + " datasync:CreateLocationHdfs, datasync:CreateLocationS3, datasync:DeleteLocation,"
          + " datasync:TagResource and iam:PassRole on the bucket access role";

  /** What a dry run shows for the ARN of a task not created yet. */
  static final String NEW_TASK = "(the DataSync task this deployment creates)";

  private final Environment environment;
  private final DataSyncSettings settings;
  private final DataSyncClient dataSync;
  private final Duration callTimeout;

  DataSyncTasks(Environment environment, DataSyncClient dataSync, Duration callTimeout) {
    this.environment = environment;
    this.settings = environment.dataSync();
    this.dataSync = dataSync;
    this.callTimeout = callTimeout;
  }

  /**
   * The steps, and the task ARN per migration id: the task's when it is there and kept, {@link
   * #NEW_TASK} when the steps create it (the apply records the real ARN); the landing buckets the
   * tasks write (bucket → the first migration landing there).
   */
  record Planned(List<Step> steps, Map<String, String> taskArns, Map<String, String> landing) {}

  /** What the plan's copies need, read from DataSync. */
  Planned plan(Plan plan) {
    List<Wanted> wanted = wanted(plan);
    if (wanted.isEmpty()) {
      return new Planned(List.of(), Map.of(), Map.of());
    }
    Map<String, String> landing = new LinkedHashMap<>();
    wanted.forEach(task -> landing.putIfAbsent(task.bucket(), task.migrationId()));
    List<TaskListEntry> tasks =
        call(
            "DataSync tasks",
            () ->
                dataSync
                    .listTasksPaginator(
                        b -> b.overrideConfiguration(CallLimits.timeout(callTimeout)))
                    .tasks()
                    .stream()
                    .toList());
    List<Step> steps = new ArrayList<>();
    Map<String, String> arns = new LinkedHashMap<>();
    for (Wanted task : wanted) {
      String resource = "DataSync task " + task.name() + " (migration " + task.migrationId() + ")";
      List<String> named =
          tasks.stream()
              .filter(entry -> task.name().equals(entry.name()))
              .map(TaskListEntry::taskArn)
              .toList();
      String kept = null;
      List<String> replaced = new ArrayList<>();
      for (String arn : named) {
        if (kept == null && matches(task, arn)) {
          kept = arn;
        } else {
          replaced.add(arn);
        }
      }
      if (kept != null && replaced.isEmpty()) {
        steps.add(Step.unchanged(resource, kept));
        arns.put(task.migrationId(), kept);
        continue;
      }
      if (kept != null) {
        String keep = kept;
        arns.put(task.migrationId(), keep);
        steps.add(
            Step.of(
                Change.Action.DELETE,
                "DataSync tasks named " + task.name(),
                "duplicates of " + keep + ": " + replaced,
                () -> replaced.forEach(arn -> deleteTaskAndLocations(arn, keep))));
        continue;
      }
      arns.put(task.migrationId(), NEW_TASK);
      Change.Action action = named.isEmpty() ? Change.Action.CREATE : Change.Action.UPDATE;
      String detail =
          named.isEmpty()
              ? "HDFS " + task.hdfsUri() + " -> " + task.s3Uri()
              : "replaced (locations changed: HDFS "
                  + task.hdfsUri()
                  + " -> "
                  + task.s3Uri()
                  + "); the DAG runs the new task";
      steps.add(
          Step.of(
              action,
              resource,
              detail,
              () -> {
                String source = findOrCreateHdfs(task);
                String destination = findOrCreateS3(task);
                String arn = createTask(task, source, destination);
                arns.put(task.migrationId(), arn);
                replaced.forEach(old -> deleteTaskAndLocations(old, arn));
              }));
    }
    return new Planned(steps, arns, landing);
  }

  /** A task the plan needs. */
  private record Wanted(
      String useCase,
      String migrationId,
      String name,
      String hdfsUri,
      List<HdfsNameNode> nameNodes,
      String hdfsSubdirectory,
      String bucket,
      String s3Subdirectory) {
    String s3Uri() {
      return "s3://" + bucket + "/" + s3Subdirectory;
    }
  }

  private List<Wanted> wanted(Plan plan) {
    if (!settings.deployed()) {
      return List.of();
    }
    Map<String, Wanted> byMigration = new LinkedHashMap<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        if (task.spec() instanceof TaskSpec.Copy copy
            && !byMigration.containsKey(copy.migration().id())) {
          byMigration.put(copy.migration().id(), wanted(dag.useCase(), copy.migration()));
        }
      }
    }
    return List.copyOf(byMigration.values());
  }

  private Wanted wanted(String useCase, Migration migration) {
    String source = migration.source().path();
    String landing = migration.landing();
    URI hdfs;
    try {
      hdfs = source == null ? null : new URI(source);
    } catch (URISyntaxException e) {
      hdfs = null;
    }
    if (hdfs == null || !"hdfs".equals(hdfs.getScheme()) || hdfs.getHost() == null) {
      throw new IllegalStateException(
          "Migration "
              + migration.id()
              + " of use case "
              + useCase
              + " copies from '"
              + source
              + "', which DataSync cannot read from an HDFS location: give it an"
              + " hdfs://NAMENODE:PORT/path source, or leave data-sync.agent-arns out of the"
              + " environment");
    }
    if (landing == null || !landing.startsWith("s3://")) {
      throw new IllegalStateException(
          "Migration "
              + migration.id()
              + " of use case "
              + useCase
              + " lands in '"
              + landing
              + "', not an s3:// location DataSync can write: fix its landing");
    }
    List<HdfsNameNode> nameNodes = new ArrayList<>();
    if (settings.nameNodes().isEmpty()) {
      nameNodes.add(
          HdfsNameNode.builder()
              .hostname(hdfs.getHost())
              .port(hdfs.getPort() < 0 ? 8020 : hdfs.getPort())
              .build());
    } else {
      for (String nameNode : settings.nameNodes()) {
        int colon = nameNode.lastIndexOf(':');
        nameNodes.add(
            HdfsNameNode.builder()
                .hostname(nameNode.substring(0, colon))
                .port(Integer.parseInt(nameNode.substring(colon + 1)))
                .build());
      }
    }
    String subdirectory = folder(hdfs.getPath());
    S3Location target = S3Location.parse("landing of migration " + migration.id(), landing);
    String name = name("lakeplan-" + useCase + "-" + migration.id());
    return new Wanted(
        useCase,
        migration.id(),
        name,
        "hdfs://" + nameNodes.get(0).hostname() + ":" + nameNodes.get(0).port() + subdirectory,
        List.copyOf(nameNodes),
        subdirectory,
        target.bucket(),
        folder(target.key()).substring(1));
  }

  /** Whether task {@code arn} runs from the wanted HDFS location to the wanted S3 location. */
  private boolean matches(Wanted task, String arn) {
    DescribeTaskResponse described = describe(arn);
    return hdfsMatches(task, described.sourceLocationArn())
        && s3Matches(task, described.destinationLocationArn());
  }

  private boolean hdfsMatches(Wanted task, String arn) {
    DescribeLocationHdfsResponse location;
    try {
      location =
          dataSync.describeLocationHdfs(
              b -> b.locationArn(arn).overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (SdkException e) {
      if ("InvalidRequestException".equals(DeployErrors.errorCode(e))) {
        return false; // gone, or not an HDFS location
      }
      throw DeployErrors.failure(environment, "DataSync location " + arn, PERMISSIONS, e);
    }
    return Objects.equals(location.nameNodes(), task.nameNodes())
        && Objects.equals(sorted(location.agentArns()), sorted(settings.agentArns()))
        && location.authenticationType() == HdfsAuthenticationType.SIMPLE
        && settings.hdfsUser().equals(location.simpleUser())
        && path(location.locationUri()).equals(task.hdfsSubdirectory());
  }

  private boolean s3Matches(Wanted task, String arn) {
    DescribeLocationS3Response location;
    try {
      location =
          dataSync.describeLocationS3(
              b -> b.locationArn(arn).overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (SdkException e) {
      if ("InvalidRequestException".equals(DeployErrors.errorCode(e))) {
        return false;
      }
      throw DeployErrors.failure(environment, "DataSync location " + arn, PERMISSIONS, e);
    }
    return folder(location.locationUri()).equals(folder(task.s3Uri()))
        && location.s3Config() != null
        && settings.s3BucketAccessRoleArn().equals(location.s3Config().bucketAccessRoleArn());
  }

  private String findOrCreateHdfs(Wanted task) {
    for (String arn : locations(task.hdfsUri())) {
      if (hdfsMatches(task, arn)) {
        return arn;
      }
    }
    return call(
        "DataSync HDFS location " + task.hdfsUri(),
        () ->
            dataSync
                .createLocationHdfs(
                    b ->
                        b.nameNodes(task.nameNodes())
                            .agentArns(settings.agentArns())
                            .authenticationType(HdfsAuthenticationType.SIMPLE)
                            .simpleUser(settings.hdfsUser())
                            .subdirectory(task.hdfsSubdirectory())
                            .tags(tags(task))
                            .overrideConfiguration(CallLimits.timeout(callTimeout)))
                .locationArn());
  }

  private String findOrCreateS3(Wanted task) {
    for (String arn : locations(task.s3Uri())) {
      if (s3Matches(task, arn)) {
        return arn;
      }
    }
    return call(
        "DataSync S3 location " + task.s3Uri(),
        () ->
            dataSync
                .createLocationS3(
                    b ->
                        b.s3BucketArn("arn:aws:s3:::" + task.bucket())
                            .subdirectory(task.s3Subdirectory())
                            .s3Config(c -> c.bucketAccessRoleArn(settings.s3BucketAccessRoleArn()))
                            .tags(tags(task))
                            .overrideConfiguration(CallLimits.timeout(callTimeout)))
                .locationArn());
  }

  private String createTask(Wanted task, String source, String destination) {
    return call(
        "DataSync task " + task.name(),
        () ->
            dataSync
                .createTask(
                    b ->
                        b.name(task.name())
                            .sourceLocationArn(source)
                            .destinationLocationArn(destination)
                            .tags(tags(task))
                            .overrideConfiguration(CallLimits.timeout(callTimeout)))
                .taskArn());
  }

  /**
   * Deletes task {@code arn}, then those of its two locations that task {@code kept} (which
   * replaces it) does not use.
   */
  private void deleteTaskAndLocations(String arn, String kept) {
    DescribeTaskResponse described = describe(arn);
    DescribeTaskResponse keptTask = describe(kept);
    List<String> inUse = List.of(keptTask.sourceLocationArn(), keptTask.destinationLocationArn());
    call(
        "DataSync task " + arn,
        () ->
            dataSync.deleteTask(
                b -> b.taskArn(arn).overrideConfiguration(CallLimits.timeout(callTimeout))));
    for (String location :
        List.of(described.sourceLocationArn(), described.destinationLocationArn())) {
      if (inUse.contains(location)) {
        continue;
      }
      try {
        dataSync.deleteLocation(
            b -> b.locationArn(location).overrideConfiguration(CallLimits.timeout(callTimeout)));
      } catch (SdkException e) {
        if (!"InvalidRequestException".equals(DeployErrors.errorCode(e))) {
          throw DeployErrors.failure(environment, "DataSync location " + location, PERMISSIONS, e);
        }
      }
    }
  }

  private DescribeTaskResponse describe(String arn) {
    return call(
        "DataSync task " + arn,
        () ->
            dataSync.describeTask(
                b -> b.taskArn(arn).overrideConfiguration(CallLimits.timeout(callTimeout))));
  }

  /** The ARNs of the locations whose URI is {@code uri} (trailing slashes ignored). */
  private List<String> locations(String uri) {
    List<LocationListEntry> all =
        call(
            "DataSync locations",
            () ->
                dataSync
                    .listLocationsPaginator(
                        b -> b.overrideConfiguration(CallLimits.timeout(callTimeout)))
                    .locations()
                    .stream()
                    .toList());
    return all.stream()
        .filter(entry -> folder(entry.locationUri()).equals(folder(uri)))
        .map(LocationListEntry::locationArn)
        .toList();
  }

  private List<TagListEntry> tags(Wanted task) {
    return List.of(
        TagListEntry.builder().key("lakeplan:use-case").value(task.useCase()).build(),
        TagListEntry.builder().key("lakeplan:migration").value(task.migrationId()).build(),
        TagListEntry.builder().key("lakeplan:environment").value(environment.name()).build());
  }

  private <T> T call(String resource, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  /**
   * {@code path} (or location URI) with one trailing slash, a leading one when it is a path, and no
   * doubled slash after the scheme's.
   */
  static String folder(String path) {
    String trimmed = path == null ? "" : path.strip().replaceAll("(?<!:)/{2,}", "/");
    if (!trimmed.endsWith("/")) {
      trimmed = trimmed + "/";
    }
    return trimmed.startsWith("/") || trimmed.contains("://") ? trimmed : "/" + trimmed;
  }

  /** The path of a location URI such as {@code hdfs://host:8020/data/}, as a folder. */
  private static String path(String uri) {
    if (uri == null) {
      return "/";
    }
    int scheme = uri.indexOf("://");
    int slash = scheme < 0 ? uri.indexOf('/') : uri.indexOf('/', scheme + 3);
    return folder(slash < 0 ? "/" : uri.substring(slash));
  }

  private static List<String> sorted(List<String> values) {
    return values == null ? List.of() : values.stream().sorted().toList();
  }

  /** {@code name} with characters DataSync does not allow in a task name replaced. */
  private static String name(String name) {
    String cleaned = name.replaceAll("[^a-zA-Z0-9\\s+=._:@/-]", "-");
    return cleaned.length() > 256 ? cleaned.substring(0, 256) : cleaned;
  }
}
