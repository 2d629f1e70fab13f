package io.lakeplan.aws.deploy;

import io.lakeplan.aws.AwsClients;
import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.RenderedFile;
import io.lakeplan.aws.airflow.Rendering;
import io.lakeplan.aws.emr.EmrServerlessEngine;
import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.datasync.DataSyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Deploys a plan to an AWS environment ({@code lakeplan deploy}): the Glue database of each layer
 * its tables live in, the DynamoDB watermark table, the IAM policies generated from the plan on the
 * roles named by {@code iam.job-role-name} and {@code iam.mwaa-role-name}, a DataSync HDFS
 * location, S3 location and task per migration copy, the job jar, each use case's plan JSON, and
 * the Airflow DAG files in the MWAA environment's DAG folder — rendered with the DataSync task ARNs
 * found or created.
 *
 * <p>{@link #plan} reads what is there and says, per resource, what applying would do (create,
 * update, delete, nothing) without changing anything: a dry run. {@link #apply} then applies it in
 * an order that lets a second deployment finish whatever a failure left: the infrastructure first
 * (databases, table, DataSync), then the job jar and plans, then the DAG files that use them, and
 * last the removal of DAG files Lakeplan uploaded before that are no longer rendered (a removed use
 * case's or DAG's). Objects are compared by the SHA-256 of their content, recorded in their
 * metadata; a deployment with nothing changed changes nothing. DAG files are removed only when this
 * environment's deployment uploaded them: nobody else's file in the DAG folder is touched.
 *
 * <p>Before anything is read, bad input stops the deployment on one line naming the setting or
 * resource and the fix: a setting still an Airflow Variable template, a missing job jar or bucket,
 * an unknown EMR Serverless application or one whose release cannot run the jar, an execution role
 * that does not exist or does not trust EMR Serverless, and access denied on any call.
 *
 * <pre>{@code
 * try (Deployment deployment = Deployment.builder().environment(environment).jobJar(jar).build()) {
 *   DeployPlan changes = deployment.plan(plan);
 *   System.out.print(changes.report());
 *   deployment.apply(changes, change -> System.out.println("done: " + change));
 * }
 * }</pre>
 */
public final class Deployment implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);

  private final Environment environment;
  private final Path jobJar;
  private final Duration callTimeout;
  private final S3Client s3;
  private final DynamoDbClient dynamoDb;
  private final GlueClient glue;
  private final IamClient iam;
  private final EmrServerlessClient emrServerless;
  private final DataSyncClient dataSync;
  private final DataSyncTasks dataSyncTasks;

  private Deployment(Builder builder) {
    this.environment = builder.environment;
    this.jobJar = builder.jobJar;
    this.callTimeout = builder.callTimeout;
    AwsClients clients =
        builder.clients != null ? builder.clients : AwsClients.of(builder.environment);
    List<AutoCloseable> made = new ArrayList<>();
    try {
      this.s3 = made(made, clients.s3());
      this.dynamoDb = made(made, clients.dynamoDb());
      this.glue = made(made, clients.glue());
      this.iam = made(made, clients.iam());
      this.emrServerless = made(made, clients.emrServerless());
      this.dataSync = builder.dataSync != null ? builder.dataSync : made(made, clients.dataSync());
    } catch (SdkException e) {
      for (AutoCloseable client : made) {
        try {
          client.close();
        } catch (Exception ignored) {
          // the clients made so far hold no connection yet; the failure below is what matters
        }
      }
      throw new IllegalArgumentException(
          "Cannot make the AWS clients of environment "
              + environment.name()
              + " ("
              + AwsErrors.firstLine(e)
              + "): set its region (or AWS_REGION) and check endpoint-override",
          e);
    }
    this.dataSyncTasks = new DataSyncTasks(environment, dataSync, callTimeout);
  }

  private static <T extends AutoCloseable> T made(List<AutoCloseable> made, T client) {
    made.add(client);
    return client;
  }

  /** A builder; {@link Builder#environment} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Deployment}. */
  public static final class Builder {
    private Environment environment;
    private Path jobJar;
    private AwsClients clients;
    private DataSyncClient dataSync;
    private Duration callTimeout = AwsClients.CALL_TIMEOUT;

    private Builder() {}

    /** The environment deployed to. Required. */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * The local job jar uploaded to {@code airflow.job-jar}. Default: none, which {@link
     * Deployment#plan} refuses, naming the fix.
     */
    public Builder jobJar(Path jobJar) {
      this.jobJar = jobJar;
      return this;
    }

    /**
     * Where the AWS clients come from. Default: {@link AwsClients#of(Environment)} (the
     * environment's region and endpoint override, the default credential chain).
     */
    public Builder clients(AwsClients clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /**
     * The DataSync client. Default: one from {@link #clients}. Closed with the deployment either
     * way.
     */
    public Builder dataSync(DataSyncClient dataSync) {
      this.dataSync = Objects.requireNonNull(dataSync, "dataSync");
      return this;
    }

    /** The limit of one API call, its SDK retries included. Default: 30 s. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
      return this;
    }

    /** The deployment; its clients are made now and closed with it. */
    public Deployment build() {
      Objects.requireNonNull(environment, "environment");
      return new Deployment(this);
    }
  }

  /** The environment deployed to. */
  public Environment environment() {
    return environment;
  }

  /**
   * What deploying {@code plan} would change, read from AWS without changing anything.
   *
   * @throws IllegalArgumentException listing every setting that cannot be deployed with, and how to
   *     fix it
   * @throws IllegalStateException on one line naming the resource and the fix when a check fails or
   *     AWS refuses a read
   */
  public DeployPlan plan(Plan plan) {
    Preflight.settings(environment, jobJar);
    Preflight.buckets(environment, s3, callTimeout);
    try (EmrServerlessEngine engine =
        EmrServerlessEngine.builder()
            .environment(environment)
            .emrServerless(emrServerless)
            .s3(s3)
            .callTimeout(callTimeout)
            .build()) {
      engine.requireApplication();
    }
    Preflight.executionRole(environment, iam, callTimeout);

    List<Step> infrastructure = new ArrayList<>();
    if (environment.catalog().type() == CatalogSettings.Type.GLUE) {
      infrastructure.addAll(
          new GlueDatabases(environment, glue, callTimeout).steps(databases(plan)));
    }
    infrastructure.addAll(new WatermarkTable(environment, dynamoDb, callTimeout).steps());
    infrastructure.addAll(new RolePolicies(environment, iam, callTimeout).steps(plan));
    DataSyncTasks.Planned dataSyncPlan = dataSyncTasks.plan(plan);
    LandingEncryption.require(environment, s3, callTimeout, dataSyncPlan.landing());
    infrastructure.addAll(dataSyncPlan.steps());
    List<Step> artifacts = artifacts(plan, dataSyncPlan.taskArns());
    return new DeployPlan(plan, infrastructure, artifacts);
  }

  /**
   * Applies {@code changes}: the infrastructure, then the job jar, plans and DAG files (rendered
   * again with the DataSync task ARNs now known, and compared again), then the removals. {@code
   * applied} hears of each change once it is made.
   *
   * @return what was changed, in order
   * @throws IllegalStateException on one line naming the resource and the fix when a call fails;
   *     what was applied before stays, and deploying again finishes the rest
   */
  public List<Change> apply(DeployPlan changes, Consumer<Change> applied) {
    List<Change> done = new ArrayList<>();
    Consumer<Step> run =
        step -> {
          if (step.apply() == null) {
            return;
          }
          step.apply().run();
          LOG.info("Deployed: {}", step.change());
          done.add(step.change());
          applied.accept(step.change());
        };
    changes.infrastructure().forEach(run);
    List<Step> artifacts =
        changes.infrastructure().stream().anyMatch(step -> step.apply() != null)
            ? artifacts(changes.plan(), dataSyncTasks.plan(changes.plan()).taskArns())
            : changes.artifacts();
    artifacts.stream().filter(step -> step.change().action() != Change.Action.DELETE).forEach(run);
    artifacts.stream().filter(step -> step.change().action() == Change.Action.DELETE).forEach(run);
    return List.copyOf(done);
  }

  /** The job jar, plan JSON files, DAG files and pools, and the stale DAG files. */
  private List<Step> artifacts(Plan plan, Map<String, String> taskArns) {
    AirflowSettings airflow = environment.airflow();
    List<S3Artifacts.Artifact> wanted = new ArrayList<>();
    wanted.add(
        S3Artifacts.Artifact.file(
            "job jar",
            S3Location.parse("airflow.job-jar", airflow.jobJar()),
            jobJar,
            "application/java-archive"));
    EmrServerlessEngine.planFiles(airflow, plan)
        .forEach(
            (location, json) ->
                wanted.add(
                    S3Artifacts.Artifact.text(
                        "plan JSON",
                        S3Location.parse("airflow.spec-location", location),
                        json,
                        "application/json")));
    // the environment file the jobs read (--env), beside each plan JSON
    EmrServerlessEngine.environmentFiles(environment, plan)
        .forEach(
            (location, yaml) ->
                wanted.add(
                    S3Artifacts.Artifact.text(
                        "environment file",
                        S3Location.parse("airflow.spec-location", location),
                        yaml,
                        "application/yaml")));
    Rendering rendering = render(plan, taskArns);
    S3Location dags =
        S3Location.parse("deploy.dags-location", environment.deploy().dagsLocation()).asFolder();
    for (RenderedFile file : rendering.files()) {
      wanted.add(
          S3Artifacts.Artifact.text(
              "DAG file", dags.resolve(file.fileName()), file.content(), "text/x-python"));
    }
    if (!rendering.pools().isEmpty()) {
      wanted.add(
          S3Artifacts.Artifact.text(
              "Airflow pools: airflow pools import " + Rendering.POOLS_FILE,
              dags.resolve(Rendering.POOLS_FILE),
              rendering.poolsJson(),
              "application/json"));
    }
    S3Artifacts objects = new S3Artifacts(environment, s3, callTimeout);
    List<Step> steps = new ArrayList<>(objects.steps(wanted));
    Set<S3Location> locations = new HashSet<>();
    wanted.forEach(artifact -> locations.add(artifact.location()));
    steps.addAll(objects.stale(dags, locations));
    return steps;
  }

  /** The DAG files, running the DataSync tasks of {@code taskArns} (migration id to ARN). */
  private Rendering render(Plan plan, Map<String, String> taskArns) {
    Environment target =
        Environment.builder()
            .from(environment)
            .airflow(
                AirflowSettings.builder()
                    .from(environment.airflow())
                    .putAllDataSyncTaskArns(taskArns)
                    .build())
            .build();
    Rendering rendering = AirflowRenderer.to(target).render(plan);
    if (!rendering.problems().isEmpty()) {
      throw new IllegalStateException(
          "Cannot render the DAG files for environment "
              + environment.name()
              + ": "
              + rendering.problems().get(0)
              + (rendering.problems().size() > 1
                  ? " (and " + (rendering.problems().size() - 1) + " more)"
                  : ""));
    }
    return rendering;
  }

  /** The Glue database of each namespace the plan's tasks read or write, sorted. */
  static Set<String> databases(Plan plan) {
    Set<String> databases = new TreeSet<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        for (TableId table : task.spec().reads()) {
          databases.add(table.namespace());
        }
        for (TableId table : task.spec().writes()) {
          databases.add(table.namespace());
        }
      }
    }
    return databases;
  }

  /** Closes the clients. */
  @Override
  public void close() {
    s3.close();
    dynamoDb.close();
    glue.close();
    iam.close();
    emrServerless.close();
    dataSync.close();
  }
}
