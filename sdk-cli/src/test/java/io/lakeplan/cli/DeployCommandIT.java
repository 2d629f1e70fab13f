package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.RenderedFile;
import io.lakeplan.aws.airflow.Rendering;
import io.lakeplan.aws.emr.EmrServerlessEngine;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.DeploySettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.env.IamSettings;
import io.lakeplan.plan.Plan;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code lakeplan deploy PATH --env FILE} in process on the emulated AWS (moto): a dry run changes
 * nothing; a deployment creates the Glue databases, the DynamoDB watermark table and the S3 objects
 * (job jar, plan JSON, DAG files equal to the renderer's); a second one changes nothing and says
 * so; a removed use case's DAG files are removed and nobody else's; a changed jar is uploaded
 * again. Bad input (unknown application, release that cannot run the jar, missing role, role
 * without EMR Serverless trust, missing jar, missing bucket) stops it on one line before anything
 * is created.
 */
@ExtendWith(MotoExtension.class)
class DeployCommandIT {
  private static final String ARTIFACTS = "deploy-artifacts";
  private static final String MWAA = "deploy-mwaa";
  private static final String LAKE = "deploy-lake";
  private static final String ROLE = "lakeplan-jobs";
  private static final String TABLE = "deploy-watermarks";
  private static final String EMR_TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"emr-serverless.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  @TempDir Path work;
  private S3Client s3;
  private GlueClient glue;
  private DynamoDbClient dynamoDb;
  private EmrServerlessClient emrServerless;
  private IamClient iam;
  private MotoServer moto;
  private String kmsKey;
  private Path jar;

  @BeforeEach
  void setUp(MotoServer moto) throws Exception {
    moto.reset();
    this.moto = moto;
    s3 = MotoClientsCli.client(S3Client.builder().forcePathStyle(true), moto);
    glue = MotoClientsCli.client(GlueClient.builder(), moto);
    dynamoDb = MotoClientsCli.client(DynamoDbClient.builder(), moto);
    emrServerless = MotoClientsCli.client(EmrServerlessClient.builder(), moto);
    iam = MotoClientsCli.client(IamClient.builder(), moto);
    try (KmsClient kms = MotoClientsCli.client(KmsClient.builder(), moto)) {
      kmsKey = kms.createKey(b -> b.description("lakeplan deploy test")).keyMetadata().arn();
    }
    for (String bucket : List.of(ARTIFACTS, MWAA, LAKE)) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    jar = Files.writeString(work.resolve("lakeplan-job.jar"), "a stand-in for the job jar");
    Files.createDirectories(work.resolve("use-cases"));
    Files.writeString(work.resolve("use-cases/sales.yaml"), useCase("sales"));
    Files.writeString(work.resolve("use-cases/stock.yaml"), useCase("stock"));
  }

  @AfterEach
  void tearDown() {
    s3.close();
    glue.close();
    dynamoDb.close();
    emrServerless.close();
    iam.close();
  }

  private static String useCase(String name) {
    return String.join(
        "\n",
        "api-version: lakeplan/v1",
        "name: " + name,
        "owner: it@example.com",
        "schedule: '@daily'",
        "tables:",
        "  - table: raw." + name,
        "    external: true",
        "    columns:",
        "      - {name: id, type: long, required: true}",
        "  - table: process." + name,
        "    columns:",
        "      - {name: id, type: long, required: true}",
        "merges:",
        "  - id: " + name + "-merge",
        "    source: raw." + name,
        "    target: process." + name,
        "    keys: [id]",
        "");
  }

  /** An application of {@code releaseLabel} (moto takes emr-N.N.0: emr-8.1.0 stands for 8.x). */
  private String application(String releaseLabel) {
    return emrServerless
        .createApplication(b -> b.name("lakeplan").releaseLabel(releaseLabel).type("SPARK"))
        .applicationId();
  }

  private void role(String trust) {
    iam.createRole(b -> b.roleName(ROLE).assumeRolePolicyDocument(trust));
  }

  private Environment environment(
      String applicationId, UnaryOperator<AirflowSettings.Builder> more) {
    return Environment.builder()
        .name("moto")
        .region(MotoServer.REGION)
        .endpointOverride(moto.endpoint().toString())
        .catalog(
            CatalogSettings.builder()
                .type(CatalogSettings.Type.GLUE)
                .warehouse("s3://" + LAKE + "/warehouse")
                .build())
        .watermarks("dynamodb:" + TABLE)
        .kmsKey(kmsKey)
        .airflow(
            more.apply(
                    AirflowSettings.builder()
                        .emrApplicationId(applicationId)
                        .executionRoleArn("arn:aws:iam::123456789012:role/" + ROLE)
                        .jobJar("s3://" + ARTIFACTS + "/lakeplan/lakeplan-job.jar")
                        .specLocation(
                            "s3://" + ARTIFACTS + "/plans/{use_case}/{spec_version}/plan.json")
                        .logUri("s3://" + ARTIFACTS + "/logs/"))
                .build())
        .deploy(DeploySettings.builder().dagsLocation("s3://" + MWAA + "/dags/").build())
        .build();
  }

  private Path write(Environment environment) throws Exception {
    return Files.writeString(work.resolve("env.yaml"), Environments.toYaml(environment));
  }

  private CliRun deploy(Path env, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "deploy",
                work.resolve("use-cases").toString(),
                "--env",
                env.toString(),
                "--job-jar",
                jar.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private Map<String, String> objects(String bucket) {
    Map<String, String> objects = new TreeMap<>();
    for (S3Object object :
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().toList()) {
      objects.put(
          object.key(),
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()))
              .asString(StandardCharsets.UTF_8));
    }
    return objects;
  }

  private boolean tableExists() {
    try {
      dynamoDb.describeTable(b -> b.tableName(TABLE));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  @Test
  void deploy_dryRunThenDeployThenAgain_createsOnceAndThenSaysNothingChanged() throws Exception {
    role(EMR_TRUST);
    Environment environment = environment(application("emr-8.1.0"), b -> b);
    Path env = write(environment);
    // someone else's DAG in the same folder
    s3.putObject(b -> b.bucket(MWAA).key("dags/theirs.py"), RequestBody.fromString("# theirs"));

    CliRun dryRun = deploy(env, "--dry-run");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .contains("dry run:")
        .contains("[+] Glue database process")
        .contains("[+] Glue database raw")
        .contains("[+] DynamoDB table " + TABLE)
        .contains("[+] S3 object s3://" + ARTIFACTS + "/lakeplan/lakeplan-job.jar (job jar)")
        .contains("[+] S3 object s3://" + MWAA + "/dags/sales.transformation.py (DAG file)")
        .contains("Dry run: nothing changed.")
        .doesNotContain("done ");
    assertThat(objects(MWAA)).containsOnlyKeys("dags/theirs.py");
    assertThat(objects(ARTIFACTS)).isEmpty();
    assertThat(tableExists()).isFalse();
    assertThat(glue.getDatabases(b -> {}).databaseList()).isEmpty();

    CliRun first = deploy(env);

    assertThat(first.exitCode()).as(first.err()).isZero();
    Plan plan = Workspace.loadStrict(work.resolve("use-cases")).plan();
    Rendering rendering = AirflowRenderer.to(environment).render(plan);
    Map<String, String> expected = new TreeMap<>();
    expected.put("dags/theirs.py", "# theirs");
    for (RenderedFile file : rendering.files()) {
      expected.put("dags/" + file.fileName(), file.content());
    }
    if (!rendering.pools().isEmpty()) {
      expected.put("dags/" + Rendering.POOLS_FILE, rendering.poolsJson());
    }
    assertThat(objects(MWAA)).isEqualTo(expected);
    Map<String, String> artifacts = new TreeMap<>();
    artifacts.put("lakeplan/lakeplan-job.jar", Files.readString(jar));
    EmrServerlessEngine.planFiles(environment.airflow(), plan)
        .forEach(
            (location, json) ->
                artifacts.put(location.substring(("s3://" + ARTIFACTS + "/").length()), json));
    // beside each plan JSON, the environment file its jobs read (--env)
    EmrServerlessEngine.environmentFiles(environment, plan)
        .forEach(
            (location, yaml) ->
                artifacts.put(location.substring(("s3://" + ARTIFACTS + "/").length()), yaml));
    assertThat(artifacts.keySet())
        .anyMatch(key -> key.matches(".*/environment-[0-9a-f]{12}\\.yaml"));
    assertThat(objects(ARTIFACTS)).isEqualTo(artifacts);
    assertThat(tableExists()).isTrue();
    assertThat(glue.getDatabases(b -> {}).databaseList())
        .extracting(Database::name)
        .containsExactlyInAnyOrder("raw", "process");
    long created = Pattern.compile("(?m)^  done \\[\\+\\] ").matcher(first.out()).results().count();
    // the two databases, the table, the artifacts and the DAG folder's files but theirs
    assertThat(created).as(first.out()).isEqualTo(2 + 1 + artifacts.size() + expected.size() - 1);
    assertThat(first.out()).contains("Deployed: " + created + " changes applied.");

    CliRun second = deploy(env);

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out())
        .contains("No changes: " + created + " resources are up to date.")
        .doesNotContain("done ");
  }

  @Test
  void deploy_withTheJobRoleNamed_showsThenAttachesOnePolicyPerUseCase() throws Exception {
    role(EMR_TRUST);
    Environment environment =
        Environment.builder()
            .from(environment(application("emr-8.1.0"), b -> b))
            .iam(IamSettings.builder().jobRoleName(ROLE).build())
            .build();
    Path env = write(environment);

    CliRun dryRun = deploy(env, "--dry-run");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .contains(
            "[+] IAM policy lakeplan-moto-job-sales (attached to role "
                + ROLE
                + ") (EMR Serverless jobs of use case sales)")
        .contains("[+] IAM policy lakeplan-moto-job-stock (attached to role " + ROLE + ")");
    assertThat(iam.listAttachedRolePolicies(b -> b.roleName(ROLE)).attachedPolicies()).isEmpty();

    CliRun deployed = deploy(env);

    assertThat(deployed.exitCode()).as(deployed.err()).isZero();
    assertThat(iam.listAttachedRolePolicies(b -> b.roleName(ROLE)).attachedPolicies())
        .extracting(software.amazon.awssdk.services.iam.model.AttachedPolicy::policyName)
        .containsExactlyInAnyOrder("lakeplan-moto-job-sales", "lakeplan-moto-job-stock");
  }

  @Test
  void deploy_afterAUseCaseIsRemoved_removesItsDagFilesOnly_andUploadsAChangedJar()
      throws Exception {
    role(EMR_TRUST);
    Path env = write(environment(application("emr-8.1.0"), b -> b));
    s3.putObject(b -> b.bucket(MWAA).key("dags/theirs.py"), RequestBody.fromString("# theirs"));
    assertThat(deploy(env).exitCode()).isZero();
    Map<String, String> before = objects(MWAA);
    assertThat(before).containsKey("dags/stock.transformation.py");

    Files.delete(work.resolve("use-cases/stock.yaml"));
    Files.writeString(jar, "a newer stand-in for the job jar");
    CliRun again = deploy(env);

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .contains(
            "[-] S3 object s3://"
                + MWAA
                + "/dags/stock.transformation.py (DAG file) (no longer rendered: its use case or"
                + " DAG was removed)")
        .containsPattern(
            "\\[~\\] S3 object s3://"
                + ARTIFACTS
                + "/lakeplan/lakeplan-job.jar \\(job jar\\) \\(content changed: sha256 [0-9a-f]{12}"
                + " -> [0-9a-f]{12}\\)")
        .doesNotContain("sales.transformation.py");
    Map<String, String> after = objects(MWAA);
    assertThat(after.keySet()).noneMatch(key -> key.startsWith("dags/stock."));
    assertThat(after).containsEntry("dags/theirs.py", "# theirs");
    assertThat(after.get("dags/sales.transformation.py"))
        .isEqualTo(before.get("dags/sales.transformation.py"));
    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(ARTIFACTS).key("lakeplan/lakeplan-job.jar"))
                .asUtf8String())
        .isEqualTo("a newer stand-in for the job jar");
  }

  @Test
  void deploy_withAnUnknownApplication_saysSoOnOneLine_andCreatesNothing() throws Exception {
    role(EMR_TRUST);
    Path env = write(environment("00fnosuchapp00", b -> b));

    CliRun run = deploy(env);

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "lakeplan: error: EMR Serverless application 00fnosuchapp00 does not exist (region "
                + MotoServer.REGION
                + "): create it (type Spark, release emr-spark-8.1.0) or fix"
                + " airflow.emr-application-id (and check the region and endpoint-override) (run"
                + " with --verbose for details)");
    assertNothingCreated();
  }

  @Test
  void deploy_withAReleaseThatCannotRunTheJar_saysSoOnOneLine_andCreatesNothing() throws Exception {
    role(EMR_TRUST);
    String applicationId = application("emr-7.0.0");
    Path env = write(environment(applicationId, b -> b));

    CliRun run = deploy(env);

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "lakeplan: error: EMR Serverless application "
                + applicationId
                + " has release emr-7.0.0 (Spark 3, Scala 2.12), which cannot run the Lakeplan job"
                + " jar (Spark 4.1, Scala 2.13): create an application with release"
                + " emr-spark-8.1.0 (or a newer emr-spark-8.x) and set airflow.emr-application-id"
                + " to it (run with --verbose for details)");
    assertNothingCreated();
  }

  @Test
  void deploy_withAMissingRole_orOneEmrServerlessCannotAssume_saysSoOnOneLine() throws Exception {
    String applicationId = application("emr-8.1.0");
    Path env = write(environment(applicationId, b -> b));
    String arn = "arn:aws:iam::123456789012:role/" + ROLE;

    CliRun missing = deploy(env);

    assertThat(missing.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(missing.err().lines().toList())
        .containsExactly(
            "lakeplan: error: IAM role "
                + ROLE
                + " does not exist (airflow.execution-role-arn "
                + arn
                + "): create the job role, trusting emr-serverless.amazonaws.com, or fix"
                + " airflow.execution-role-arn (run with --verbose for details)");

    role(EMR_TRUST.replace("emr-serverless", "glue"));
    CliRun untrusted = deploy(env);

    assertThat(untrusted.err().lines().toList())
        .containsExactly(
            "lakeplan: error: IAM role "
                + arn
                + " (airflow.execution-role-arn) does not trust emr-serverless.amazonaws.com, so"
                + " EMR Serverless cannot run jobs as it: add the service principal to its trust"
                + " policy, or name the job role (run with --verbose for details)");
    assertNothingCreated();
  }

  @Test
  void deploy_withAMissingJarOrBucketOrTemplate_saysSoOnOneLine_andCreatesNothing()
      throws Exception {
    role(EMR_TRUST);
    String applicationId = application("emr-8.1.0");
    Path env = write(environment(applicationId, b -> b));

    CliRun noJar =
        CliRun.of(
            "deploy",
            work.resolve("use-cases").toString(),
            "--env",
            env.toString(),
            "--job-jar",
            work.resolve("missing.jar").toString());

    assertThat(noJar.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(noJar.err().lines().toList())
        .containsExactly(
            "lakeplan: error: Cannot deploy to environment moto: the job jar "
                + work.resolve("missing.jar")
                + ": no such file (build it with ./mvnw -pl sdk-spark -am package, or fix"
                + " --job-jar / deploy.job-jar-file) (run with --verbose for details)");

    Path noBucket =
        write(environment(applicationId, b -> b.jobJar("s3://deploy-no-such-bucket/job.jar")));
    CliRun missingBucket = deploy(noBucket);

    assertThat(missingBucket.err().lines().toList())
        .containsExactly(
            "lakeplan: error: S3 bucket deploy-no-such-bucket (region "
                + MotoServer.REGION
                + ") does not exist: create it, or fix airflow.job-jar (and check the region and"
                + " endpoint-override) (run with --verbose for details)");

    Path template =
        write(
            environment(
                applicationId, b -> b.specLocation("{{ var.value.lakeplan_spec_root }}/x")));
    CliRun unresolved = deploy(template);

    assertThat(unresolved.err())
        .startsWith("lakeplan: error: Cannot deploy to environment moto: airflow.spec-location");
    assertThat(unresolved.err().lines()).hasSize(1);
    assertNothingCreated();
  }

  private void assertNothingCreated() {
    assertThat(objects(MWAA)).isEmpty();
    assertThat(objects(ARTIFACTS)).isEmpty();
    assertThat(tableExists()).isFalse();
    assertThat(glue.getDatabases(b -> {}).databaseList()).isEmpty();
  }
}
