package io.lakeplan.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.AwsClients;
import io.lakeplan.aws.MotoClients;
import io.lakeplan.aws.airflow.AirflowVersions;
import io.lakeplan.aws.iam.IamPolicies;
import io.lakeplan.aws.iam.PolicyDocument;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.DataSyncSettings;
import io.lakeplan.env.DeploySettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.IamSettings;
import io.lakeplan.plan.Plan;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.datasync.DataSyncClient;
import software.amazon.awssdk.services.datasync.model.DescribeTaskResponse;
import software.amazon.awssdk.services.datasync.model.TaskListEntry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.SSEDescription;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.SSEType;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link Deployment} on moto: DataSync locations and task from a migration (the HDFS location
 * through {@link DataSyncHdfsStub}, as moto has none), found again, replaced when the name nodes
 * change, and their ARN in the deployed DAG file; a failure midway — a create refused by DataSync,
 * access denied on the DAG folder (moto enforcing IAM) — fails on one line, and the next deployment
 * finishes the rest without duplicating what the first one made.
 */
@ExtendWith(MotoExtension.class)
class DeploymentIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", "..")).normalize();
  private static final String ARTIFACTS = "deploy-artifacts";
  private static final String MWAA = "deploy-mwaa";
  private static final String LANDING = "deploy-landing";
  private static final String ROLE = "lakeplan-jobs";
  private static final String AGENT =
      "arn:aws:datasync:us-east-1:123456789012:agent/agent-0123456789abcdef0";
  private static final String DATASYNC_ROLE = "arn:aws:iam::123456789012:role/lakeplan-datasync";
  private static final String DAG_FILE = "dags/orders.migration.py";

  @TempDir Path work;
  private MotoServer moto;
  private S3Client s3;
  private IamClient iam;
  private DataSyncClient motoDataSync;
  private DataSyncHdfsStub stub;
  private String applicationId;
  private String kmsKey;
  private Path jar;
  private Plan plan;

  @BeforeEach
  void setUp(MotoServer moto) throws Exception {
    moto.reset();
    this.moto = moto;
    s3 = MotoClients.onMoto(S3Client.builder().forcePathStyle(true), moto).build();
    iam = MotoClients.onMoto(IamClient.builder(), moto).build();
    motoDataSync = MotoClients.onMoto(DataSyncClient.builder(), moto).build();
    stub = new DataSyncHdfsStub(moto.endpoint());
    for (String bucket : List.of(ARTIFACTS, MWAA, LANDING)) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    iam.createRole(
        b ->
            b.roleName(ROLE)
                .assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                        + "{\"Service\":\"emr-serverless.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
    try (EmrServerlessClient emr =
        MotoClients.onMoto(EmrServerlessClient.builder(), moto).build()) {
      // moto takes only emr-N.N.0 labels: emr-8.1.0 stands for the emr-spark-8.x releases
      applicationId =
          emr.createApplication(b -> b.name("lakeplan").releaseLabel("emr-8.1.0").type("SPARK"))
              .applicationId();
    }
    try (KmsClient kms = MotoClients.onMoto(KmsClient.builder(), moto).build()) {
      kmsKey = kms.createKey(b -> b.description("lakeplan deploy test")).keyMetadata().arn();
    }
    landingEncryption(kmsKey);
    jar = Files.writeString(work.resolve("job.jar"), "a stand-in for the job jar");
    Path useCases = Files.createDirectories(work.resolve("use-cases"));
    Files.writeString(
        useCases.resolve("orders.yaml"),
        String.join(
            "\n",
            "api-version: lakeplan/v1",
            "name: orders",
            "owner: it@example.com",
            "schedule: '@daily'",
            "migrations:",
            "  - id: orders-history",
            "    source:",
            "      path: hdfs://namenode1.corp:8020/data/orders",
            "      format: parquet",
            "    landing: s3://" + LANDING + "/orders",
            "    target:",
            "      table: raw.orders",
            "      columns:",
            "        - {name: order_id, type: long, required: true}",
            ""));
    plan = Workspace.loadStrict(useCases).plan();
  }

  @AfterEach
  void tearDown() {
    stub.close();
    s3.close();
    iam.close();
    motoDataSync.close();
  }

  private Environment environment(UnaryOperator<DataSyncSettings.Builder> dataSync) {
    return Environment.builder()
        .name("moto")
        .region(MotoServer.REGION)
        .endpointOverride(moto.endpoint().toString())
        .catalog(
            CatalogSettings.builder()
                .type(CatalogSettings.Type.GLUE)
                .warehouse("s3://" + LANDING + "/warehouse")
                .build())
        .watermarks("dynamodb:deploy-watermarks")
        .kmsKey(kmsKey)
        .airflow(
            AirflowSettings.builder()
                .emrApplicationId(applicationId)
                .executionRoleArn("arn:aws:iam::123456789012:role/" + ROLE)
                .jobJar("s3://" + ARTIFACTS + "/lakeplan/job.jar")
                .specLocation("s3://" + ARTIFACTS + "/plans/{use_case}/{spec_version}/plan.json")
                .logUri("s3://" + ARTIFACTS + "/logs/")
                .build())
        .deploy(DeploySettings.builder().dagsLocation("s3://" + MWAA + "/dags").build())
        .dataSync(
            dataSync
                .apply(
                    DataSyncSettings.builder()
                        .addAgentArn(AGENT)
                        .s3BucketAccessRoleArn(DATASYNC_ROLE))
                .build())
        .build();
  }

  /** A deployment whose DataSync calls go through the stub, everything else to moto. */
  private Deployment deployment(Environment environment, AwsClients clients) {
    return deployment(
        environment,
        clients,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)));
  }

  private Deployment deployment(
      Environment environment, AwsClients clients, AwsCredentialsProvider credentials) {
    return Deployment.builder()
        .environment(environment)
        .jobJar(jar)
        .clients(clients)
        .dataSync(
            DataSyncClient.builder()
                .endpointOverride(stub.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(MotoServer.REGION))
                .credentialsProvider(credentials)
                .build())
        .build();
  }

  private List<Change> deploy(Environment environment) {
    try (Deployment deployment = deployment(environment, MotoClients.of(environment))) {
      return deployment.apply(deployment.plan(plan), change -> {});
    }
  }

  private DeployPlan planOnly(Environment environment) {
    try (Deployment deployment = deployment(environment, MotoClients.of(environment))) {
      return deployment.plan(plan);
    }
  }

  /**
   * Every object the deployment wrote (job jar, plan JSON and environment file, DAG files) reads
   * back SSE-KMS with {@code key}, and the watermark table is SSE-KMS with it.
   */
  private void assertEverythingDeployedIsEncryptedWith(String key) {
    List<String> objects = new ArrayList<>();
    List<String> unencrypted = new ArrayList<>();
    for (String bucket : List.of(ARTIFACTS, MWAA)) {
      for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
        objects.add(bucket + "/" + object.key());
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(object.key()));
        if (head.serverSideEncryption() != ServerSideEncryption.AWS_KMS
            || !key.equals(head.ssekmsKeyId())) {
          unencrypted.add(
              bucket
                  + "/"
                  + object.key()
                  + " "
                  + head.serverSideEncryptionAsString()
                  + " "
                  + head.ssekmsKeyId());
        }
      }
    }
    assertThat(objects)
        .contains(ARTIFACTS + "/lakeplan/job.jar", MWAA + "/" + DAG_FILE)
        .anyMatch(name -> name.endsWith("/plan.json"))
        .anyMatch(name -> name.matches(".*/environment-[0-9a-f]{12}\\.yaml"));
    assertThat(unencrypted).isEmpty();
    try (DynamoDbClient dynamoDb = MotoClients.onMoto(DynamoDbClient.builder(), moto).build()) {
      SSEDescription sse =
          dynamoDb.describeTable(b -> b.tableName("deploy-watermarks")).table().sseDescription();
      assertThat(sse.status()).isEqualTo(SSEStatus.ENABLED);
      assertThat(sse.sseType()).isEqualTo(SSEType.KMS);
      assertThat(sse.kmsMasterKeyArn()).isEqualTo(key);
    }
  }

  /** Sets the landing bucket's default encryption: SSE-KMS with {@code key}, or SSE-S3 (null). */
  private void landingEncryption(String key) {
    s3.putBucketEncryption(
        b ->
            b.bucket(LANDING)
                .serverSideEncryptionConfiguration(
                    c ->
                        c.rules(
                            r ->
                                r.applyServerSideEncryptionByDefault(
                                    d ->
                                        d.sseAlgorithm(
                                                key == null
                                                    ? ServerSideEncryption.AES256
                                                    : ServerSideEncryption.AWS_KMS)
                                            .kmsMasterKeyID(key)))));
  }

  @Test
  void deploy_landingBucketWithoutTheKeyByDefault_isRefusedBeforeAnyChange_namingTheFix() {
    landingEncryption(null);
    Environment environment = environment(b -> b);

    assertThatThrownBy(() -> planOnly(environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "S3 bucket "
                + LANDING
                + " (landing of migration orders-history) has default encryption AES256:"
                + " DataSync copies land with the bucket's default encryption, so set it to"
                + " SSE-KMS with kms-key "
                + kmsKey
                + " (aws s3api put-bucket-encryption --bucket "
                + LANDING
                + " --server-side-encryption-configuration"
                + " '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":"
                + "\"aws:kms\",\"KMSMasterKeyID\":\""
                + kmsKey
                + "\"},\"BucketKeyEnabled\":true}]}')");
    assertThat(tasks()).isEmpty();

    landingEncryption(kmsKey);
    assertThat(planOnly(environment).hasChanges()).isTrue();
  }

  private List<TaskListEntry> tasks() {
    return motoDataSync.listTasks(b -> {}).tasks();
  }

  private String dagFile() {
    return s3.getObjectAsBytes(b -> b.bucket(MWAA).key(DAG_FILE)).asUtf8String();
  }

  @Test
  void deploy_migrationCopy_createsHdfsAndS3LocationsAndTask_andTheDagRunsIt() throws Exception {
    Environment environment = environment(b -> b);

    DeployPlan dryRun = planOnly(environment);

    assertThat(dryRun.changes())
        .contains(
            new Change(
                Change.Action.CREATE,
                "DataSync task lakeplan-orders-orders-history (migration orders-history)",
                "HDFS hdfs://namenode1.corp:8020/data/orders/ -> s3://" + LANDING + "/orders/"));
    assertThat(tasks()).isEmpty();

    deploy(environment);

    assertThat(tasks()).hasSize(1);
    TaskListEntry task = tasks().get(0);
    assertThat(task.name()).isEqualTo("lakeplan-orders-orders-history");
    assertThat(stub.createLocationHdfsRequests()).hasSize(1);
    assertThat(stub.createLocationHdfsRequests().get(0))
        .isEqualTo(
            JSON.readTree(
                "{\"Subdirectory\":\"/data/orders/\",\"NameNodes\":[{\"Hostname\":"
                    + "\"namenode1.corp\",\"Port\":8020}],\"AuthenticationType\":\"SIMPLE\","
                    + "\"SimpleUser\":\"hdfs\",\"AgentArns\":[\""
                    + AGENT
                    + "\"],\"Tags\":[{\"Key\":\"lakeplan:use-case\",\"Value\":\"orders\"},"
                    + "{\"Key\":\"lakeplan:migration\",\"Value\":\"orders-history\"},"
                    + "{\"Key\":\"lakeplan:environment\",\"Value\":\"moto\"}]}"));
    DescribeTaskResponse described = motoDataSync.describeTask(b -> b.taskArn(task.taskArn()));
    assertThat(described.sourceLocationArn()).isEqualTo(stub.hdfsLocationArns().get(0));
    var landing =
        motoDataSync.describeLocationS3(b -> b.locationArn(described.destinationLocationArn()));
    assertThat(landing.s3Config().bucketAccessRoleArn()).isEqualTo(DATASYNC_ROLE);
    assertThat(DataSyncTasks.folder(landing.locationUri()))
        .isEqualTo("s3://" + LANDING + "/orders/");
    assertThat(dagFile()).contains("task_arn=\"" + task.taskArn() + "\"");
    assertEverythingDeployedIsEncryptedWith(kmsKey);

    DeployPlan again = planOnly(environment);

    assertThat(again.hasChanges()).as(again.report()).isFalse();
    assertThat(again.changes())
        .contains(
            new Change(
                Change.Action.UNCHANGED,
                "DataSync task lakeplan-orders-orders-history (migration orders-history)",
                task.taskArn()));
  }

  @Test
  void deploy_withRoleNames_attachesTheGeneratedPolicies_andUpdatesOnlyWhatDiffers()
      throws Exception {
    iam.createRole(
        b ->
            b.roleName("lakeplan-mwaa")
                .assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"Service\":\"airflow-env.amazonaws.com\"},"
                        + "\"Action\":\"sts:AssumeRole\"}]}"));
    Environment environment =
        Environment.builder()
            .from(environment(b -> b))
            .iam(IamSettings.builder().jobRoleName(ROLE).mwaaRoleName("lakeplan-mwaa").build())
            .build();
    PolicyDocument jobs = IamPolicies.forUseCase(plan, "orders", environment);
    PolicyDocument mwaa = IamPolicies.forEnvironment(plan, environment);
    String jobsResource = "IAM policy lakeplan-moto-job-orders (attached to role " + ROLE + ")";
    String mwaaResource = "IAM policy lakeplan-moto-mwaa (attached to role lakeplan-mwaa)";

    DeployPlan dryRun = planOnly(environment);

    assertThat(dryRun.changes())
        .contains(
            new Change(
                Change.Action.CREATE, jobsResource, "EMR Serverless jobs of use case orders"),
            new Change(Change.Action.CREATE, mwaaResource, "MWAA running the DAGs"));
    assertThat(policyArns()).isEmpty();

    deploy(environment);

    String jobsArn = policyArns().get("lakeplan-moto-job-orders");
    String mwaaArn = policyArns().get("lakeplan-moto-mwaa");
    assertThat(attached(ROLE)).containsExactly(jobsArn);
    assertThat(attached("lakeplan-mwaa")).containsExactly(mwaaArn);
    assertThat(defaultDocument(jobsArn)).isEqualTo(JSON.readTree(jobs.toJson()));
    assertThat(defaultDocument(mwaaArn)).isEqualTo(JSON.readTree(mwaa.toJson()));
    DeployPlan again = planOnly(environment);
    assertThat(again.hasChanges()).as(again.report()).isFalse();

    // a version edited by hand (IAM's five versions all taken) and a detached policy are repaired
    String edited =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::other/*\"}]}";
    for (int version = 2; version <= 5; version++) {
      boolean last = version == 5;
      iam.createPolicyVersion(b -> b.policyArn(jobsArn).policyDocument(edited).setAsDefault(last));
    }
    iam.detachRolePolicy(b -> b.roleName("lakeplan-mwaa").policyArn(mwaaArn));
    DeployPlan repair = planOnly(environment);
    assertThat(repair.changes())
        .contains(new Change(Change.Action.UPDATE, jobsResource, "statements changed"))
        .contains(new Change(Change.Action.UPDATE, mwaaResource, "not attached to the role"));
    deploy(environment);
    assertThat(defaultDocument(jobsArn)).isEqualTo(JSON.readTree(jobs.toJson()));
    assertThat(iam.listPolicyVersions(b -> b.policyArn(jobsArn)).versions()).hasSize(5);
    assertThat(attached("lakeplan-mwaa")).containsExactly(mwaaArn);
    assertThat(planOnly(environment).hasChanges()).isFalse();
  }

  @Test
  void deploy_withAMissingRole_failsOnOneLineNamingTheSetting() {
    Environment environment =
        Environment.builder()
            .from(environment(b -> b))
            .iam(IamSettings.builder().mwaaRoleName("no-such-role").build())
            .build();

    assertThatThrownBy(() -> planOnly(environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "IAM role no-such-role does not exist: create it, or fix iam.mwaa-role-name (Lakeplan"
                + " attaches its policies to the role, it does not create roles)");
    assertThat(policyArns()).isEmpty();
  }

  /** Lakeplan's managed policies, name to ARN. */
  private Map<String, String> policyArns() {
    Map<String, String> arns = new java.util.TreeMap<>();
    iam.listPolicies(b -> b.scope("Local").pathPrefix("/lakeplan/"))
        .policies()
        .forEach(policy -> arns.put(policy.policyName(), policy.arn()));
    return arns;
  }

  private List<String> attached(String role) {
    return iam.listAttachedRolePolicies(b -> b.roleName(role)).attachedPolicies().stream()
        .map(software.amazon.awssdk.services.iam.model.AttachedPolicy::policyArn)
        .toList();
  }

  private com.fasterxml.jackson.databind.JsonNode defaultDocument(String arn) throws Exception {
    String version = iam.getPolicy(b -> b.policyArn(arn)).policy().defaultVersionId();
    String document =
        iam.getPolicyVersion(b -> b.policyArn(arn).versionId(version)).policyVersion().document();
    return JSON.readTree(
        document.startsWith("%7B")
            ? java.net.URLDecoder.decode(document, java.nio.charset.StandardCharsets.UTF_8)
            : document);
  }

  @Test
  void deploy_whenTheNameNodesChange_replacesTheTask_andTheDagRunsTheNewOne() {
    deploy(environment(b -> b));
    String first = tasks().get(0).taskArn();
    Environment highlyAvailable =
        environment(b -> b.addNameNode("namenode1.corp:8020").addNameNode("namenode2.corp:8020"));

    List<Change> applied = deploy(highlyAvailable);

    assertThat(applied)
        .filteredOn(change -> change.resource().startsWith("DataSync task"))
        .extracting(Change::action)
        .containsExactly(Change.Action.UPDATE);
    assertThat(tasks()).hasSize(1);
    String second = tasks().get(0).taskArn();
    assertThat(second).isNotEqualTo(first);
    assertThat(stub.createLocationHdfsRequests()).hasSize(2);
    assertThat(stub.createLocationHdfsRequests().get(1).get("NameNodes").size()).isEqualTo(2);
    // the old task's locations are gone; the new task's remain (HDFS + S3, the S3 one reused)
    assertThat(motoDataSync.listLocations(b -> {}).locations()).hasSize(2);
    assertThat(dagFile()).contains("task_arn=\"" + second + "\"").doesNotContain(first);
    assertThat(planOnly(highlyAvailable).hasChanges()).isFalse();
  }

  @Test
  void deploy_whenDataSyncRefusesTheTask_failsOnOneLine_andTheNextDeployReusesTheLocations() {
    Environment environment = environment(b -> b);
    stub.failNext("CreateTask", "DataSync agent is offline.");

    assertThatThrownBy(() -> deploy(environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "DataSync task lakeplan-orders-orders-history (region us-east-1) failed:"
                + " DataSync agent is offline. (InvalidRequestException)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(tasks()).isEmpty();
    assertThat(s3.listObjectsV2(b -> b.bucket(MWAA)).contents()).isEmpty();

    List<Change> applied = deploy(environment);

    assertThat(applied).filteredOn(change -> change.action() != Change.Action.CREATE).isEmpty();
    assertThat(tasks()).hasSize(1);
    assertThat(stub.createLocationHdfsRequests()).hasSize(1);
    assertThat(motoDataSync.listLocations(b -> {}).locations()).hasSize(2);
    assertThat(planOnly(environment).hasChanges()).isFalse();
  }

  @Test
  void deploy_withAccessDeniedOnTheDagFolder_failsOnOneLine_andTheNextDeployFinishes()
      throws Exception {
    // no DataSync here: moto, enforcing IAM, checks signatures, which the stub's forwarding breaks
    Environment environment =
        Environment.builder()
            .from(environment(b -> b))
            .dataSync(DataSyncSettings.builder().build())
            .build();
    iam.createUser(b -> b.userName("deployer"));
    iam.putUserPolicy(
        b ->
            b.userName("deployer")
                .policyName("all-but-the-dag-folder")
                .policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
                        + "{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":"
                        + "\"arn:aws:s3:::"
                        + MWAA
                        + "/dags/*\"}]}"));
    AccessKey key = iam.createAccessKey(b -> b.userName("deployer")).accessKey();
    AwsCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
    AwsClients deployer = AwsClients.of(environment, credentials);
    List<Change> before = new ArrayList<>();
    moto.enforceIam(true);
    try (Deployment deployment = deployment(environment, deployer, credentials)) {
      DeployPlan changes = deployment.plan(plan);
      assertThatThrownBy(() -> deployment.apply(changes, before::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Access denied to S3 object s3://"
                  + MWAA
                  + "/dags/lakeplan_quarantine.py (DAG file) (region us-east-1): the identity that"
                  + " deploys needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket"
                  + " on it (Access Denied)")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    } finally {
      moto.enforceIam(false);
    }
    assertThat(before)
        .extracting(Change::resource)
        .anyMatch(resource -> resource.equals("Glue database raw"))
        .anyMatch(resource -> resource.equals("DynamoDB table deploy-watermarks"))
        .anyMatch(resource -> resource.contains("(job jar)"))
        .noneMatch(resource -> resource.contains("(DAG file)"));

    List<Change> after = deploy(environment);

    assertThat(after)
        .extracting(Change::resource)
        .allMatch(resource -> resource.contains("(DAG file)"), "only the DAG files are left")
        .isNotEmpty();
    assertThat(planOnly(environment).hasChanges()).isFalse();
  }

  /**
   * The deployed DAG file, downloaded back from the emulated bucket, runs under {@code airflow dags
   * test} (the newest Airflow MWAA offers): its DataSync task starts an execution of the task the
   * deployment created, and its Spark tasks start EMR Serverless job runs of the deployed job jar
   * with the deployed plan JSON.
   */
  @Test
  void deploy_thenAirflowDagsTestOfTheDownloadedDagFile_runsTheDeployedTaskAndJobs()
      throws Exception {
    Path bin = AirflowVersions.bin(AirflowVersions.NEWEST);
    Environment environment =
        Environment.builder()
            .from(environment(b -> b))
            .airflow(
                AirflowSettings.builder()
                    .from(environment(b -> b).airflow())
                    .pollInterval(java.time.Duration.ofSeconds(1))
                    .maxAttempts(60)
                    .build())
            .build();
    deploy(environment);
    String taskArn = tasks().get(0).taskArn();
    Path dags = Files.createDirectories(work.resolve("dags"));
    Files.writeString(dags.resolve("orders.migration.py"), dagFile());

    Map<String, String> airflow = new java.util.HashMap<>();
    airflow.put("AIRFLOW_HOME", work.resolve("airflow-home").toString());
    airflow.put("AIRFLOW__CORE__DAGS_FOLDER", dags.toString());
    airflow.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
    airflow.put(
        "AIRFLOW_CONN_AWS_DEFAULT",
        "{\"conn_type\":\"aws\",\"login\":\"testing\",\"password\":\"testing\",\"extra\":"
            + "{\"region_name\":\""
            + MotoServer.REGION
            + "\",\"endpoint_url\":\""
            + moto.endpoint()
            + "\"}}");
    run(airflow, bin.resolve("airflow").toString(), "db", "migrate");
    run(
        airflow,
        bin.resolve("airflow").toString(),
        "dags",
        "test",
        "orders.migration",
        "2024-06-01");

    assertThat(motoDataSync.describeTask(b -> b.taskArn(taskArn)).currentTaskExecutionArn())
        .as("an execution of the deployed DataSync task")
        .startsWith(taskArn + "/execution/");
    try (EmrServerlessClient emr =
        MotoClients.onMoto(EmrServerlessClient.builder(), moto).build()) {
      var runs = emr.listJobRuns(b -> b.applicationId(applicationId)).jobRuns();
      var dag = plan.dag("orders.migration");
      assertThat(runs)
          .extracting(run -> run.name())
          .containsExactlyInAnyOrderElementsOf(
              dag.tasks().stream()
                  .filter(task -> task.spec().runsOnSpark())
                  .map(task -> "orders.migration." + task.id())
                  .toList());
      for (var summary : runs) {
        var jobRun =
            emr.getJobRun(b -> b.applicationId(applicationId).jobRunId(summary.id())).jobRun();
        var submit = jobRun.jobDriver().sparkSubmit();
        assertThat(submit.entryPoint()).isEqualTo(environment.airflow().jobJar());
        String spec = submit.entryPointArguments().get(1);
        // the plan JSON the job reads is the one deployed
        assertThat(
                s3.getObjectAsBytes(
                        b ->
                            b.bucket(ARTIFACTS)
                                .key(spec.substring(("s3://" + ARTIFACTS + "/").length())))
                    .asUtf8String())
            .contains("\"orders.migration\"");
      }
    }
  }

  private void run(Map<String, String> environment, String... command) throws Exception {
    Path log = Files.createTempFile(work, "process", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " failed:\n" + Files.readString(log));
    }
  }
}
