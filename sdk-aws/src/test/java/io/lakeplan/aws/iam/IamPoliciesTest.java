package io.lakeplan.aws.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.IamSettings;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IamPoliciesTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/iam");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void forPlan_examples_matchGoldenFiles() throws IOException {
    List<PolicyDocument> policies = IamExamples.policies();

    if (Boolean.getBoolean("lakeplan.updateGolden")) {
      Files.createDirectories(GOLDEN);
      try (Stream<Path> stale = Files.list(GOLDEN)) {
        for (Path path : stale.toList()) {
          Files.delete(path);
        }
      }
      for (PolicyDocument policy : policies) {
        Files.writeString(GOLDEN.resolve(policy.name() + ".json"), policy.toJson());
      }
    }
    List<String> goldenNames;
    try (Stream<Path> files = Files.list(GOLDEN)) {
      goldenNames = files.map(path -> path.getFileName().toString()).sorted().toList();
    }
    assertThat(policies)
        .extracting(policy -> policy.name() + ".json")
        .containsExactlyInAnyOrderElementsOf(goldenNames)
        .containsExactly(
            "lakeplan-prod-job-orders.json",
            "lakeplan-prod-job-payments.json",
            "lakeplan-prod-mwaa.json");
    for (PolicyDocument policy : policies) {
      assertThat(policy.toJson())
          .as(
              policy.name()
                  + " (re-run with -Dlakeplan.updateGolden=true after a deliberate change)")
          .isEqualTo(
              Files.readString(GOLDEN.resolve(policy.name() + ".json"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void forPlan_twice_givesIdenticalBytes() {
    List<String> first = IamExamples.policies().stream().map(PolicyDocument::toJson).toList();
    List<String> second = IamExamples.policies().stream().map(PolicyDocument::toJson).toList();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void everyPolicy_noStarActionAndStarResourcesOnlyWhereAwsNamesAtRunTime() throws IOException {
    for (PolicyDocument policy : IamExamples.policies()) {
      JsonNode document = JSON.readTree(policy.toJson());
      assertThat(document.get("Version").asText()).isEqualTo("2012-10-17");
      for (JsonNode statement : document.get("Statement")) {
        assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
        for (JsonNode action : statement.get("Action")) {
          assertThat(action.asText()).as(policy.name()).doesNotContain("*");
        }
        for (JsonNode resource : statement.get("Resource")) {
          String arn = resource.asText();
          assertThat(arn).as(policy.name()).isNotEqualTo("*").startsWith("arn:aws:");
          // the account part of every non-S3 ARN is the environment's
          if (!arn.startsWith("arn:aws:s3:::") && !arn.startsWith("arn:aws:iam::")) {
            assertThat(arn.split(":")[4]).as(arn).isEqualTo("123456789012");
          }
        }
      }
    }
  }

  @Test
  void forUseCase_payments_derivesEachResourceFromThePlan() {
    PolicyDocument policy =
        IamPolicies.forUseCase(IamExamples.plan(), "payments", IamExamples.environment());

    String warehouse = "arn:aws:s3:::acme-lake/warehouse/";
    assertThat(policy.statement("S3WriteData").resources())
        .containsExactly(
            "arn:aws:s3:::acme-checkpoints/payments/payment-events/*",
            warehouse + "process.db/payments/*",
            warehouse + "raw.db/payments/*",
            warehouse + "raw.db/payments_dead_letter/*");
    assertThat(policy.statement("S3ReadData").resources())
        .containsExactly("arn:aws:s3:::acme-landing/payments/*");
    assertThat(policy.statement("S3ListAcmeLake").conditions().get("StringLike").get("s3:prefix"))
        .contains("warehouse/raw.db/payments", "warehouse/raw.db/payments/*")
        .doesNotContain("payments/*");
    assertThat(policy.statement("S3ReadJobFiles").resources())
        .containsExactly(
            "arn:aws:s3:::acme-artifacts/lakeplan/lakeplan-job.jar",
            "arn:aws:s3:::acme-artifacts/lakeplan/plans/payments/*");
    assertThat(policy.statement("S3WriteJobLogs").resources())
        .containsExactly("arn:aws:s3:::acme-logs/emr-serverless/applications/00fexampleapp01/*");
    assertThat(policy.statement("GlueWriteTables").resources())
        .contains(
            "arn:aws:glue:eu-west-1:123456789012:catalog",
            "arn:aws:glue:eu-west-1:123456789012:database/raw",
            "arn:aws:glue:eu-west-1:123456789012:table/raw/payments_dead_letter");
    assertThat(
            policy
                .statement("DynamoDbWriteWatermarks")
                .conditions()
                .get("ForAllValues:StringEquals")
                .get("dynamodb:LeadingKeys"))
        .containsExactly("raw.payments");
    // the Kafka ingestion reads the key the migration writes: no read-only statement
    assertThat(policy.statement("DynamoDbReadWatermarks")).isNull();
    assertThat(policy.statement("DynamoDbWriteWatermarks").resources())
        .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/lakeplan-watermarks");
    assertThat(policy.statement("SecretsManagerReadSecrets").resources())
        .containsExactly(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments-db-??????");
    assertThat(policy.statement("SsmReadParameters").resources())
        .containsExactly(
            "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/kafka/lakeplan-password");
    assertThat(policy.statement("KmsUseKey").actions())
        .containsExactly("kms:Decrypt", "kms:GenerateDataKey");
    assertThat(policy.notes()).isEmpty();
  }

  @Test
  void forUseCase_orders_relativeLandingIsANoteNotAPermission() {
    PolicyDocument policy =
        IamPolicies.forUseCase(IamExamples.plan(), "orders", IamExamples.environment());

    assertThat(policy.notes())
        .containsExactly(
            "landing of migration orders-history 'data/landing/orders' is not an s3:// location:"
                + " no S3 permission for it (jobs on EMR Serverless read and write S3)");
    assertThat(policy.statement("S3ReadData")).isNull();
    // the merges read raw.orders, which maintenance also rewrites: written wins
    assertThat(policy.statement("S3WriteData").resources())
        .contains("arn:aws:s3:::acme-lake/warehouse/raw.db/orders/*");
    assertThat(policy.statement("SecretsManagerReadSecrets")).isNull();
  }

  @Test
  void forUseCase_readingAnotherUseCasesTable_getsReadOnlyAccessToIt(@TempDir Path folder)
      throws IOException {
    Files.writeString(
        folder.resolve("reports.yaml"),
        String.join(
            "\n",
            "api-version: lakeplan/v1",
            "name: reports",
            "owner: reports@example.com",
            "schedule: '@daily'",
            "tables:",
            "  - table: analytics.orders",
            "    columns:",
            "      - {name: order_id, type: long, required: true}",
            "      - {name: status, type: string}",
            "      - {name: updated_at, type: timestamp}",
            "merges:",
            "  - id: orders-copy",
            "    target: analytics.orders",
            "    source: process.orders",
            "    keys: [order_id]",
            ""));
    Files.copy(IamExamples.ORDERS.resolve("orders.yaml"), folder.resolve("orders.yaml"));
    Plan plan = Workspace.loadStrict(folder).plan();

    PolicyDocument policy = IamPolicies.forUseCase(plan, "reports", IamExamples.environment());

    String warehouse = "arn:aws:s3:::acme-lake/warehouse/";
    assertThat(policy.statement("S3ReadData").resources())
        .containsExactly(warehouse + "process.db/orders/*");
    assertThat(policy.statement("S3WriteData").resources())
        .containsExactly(warehouse + "analytics.db/orders/*");
    assertThat(policy.statement("GlueReadTables").resources())
        .contains("arn:aws:glue:eu-west-1:123456789012:table/process/orders");
    assertThat(policy.statement("GlueWriteTables").resources())
        .doesNotContain("arn:aws:glue:eu-west-1:123456789012:table/process/orders")
        .doesNotContain("arn:aws:glue:eu-west-1:123456789012:database/process");
    assertThat(policy.statement("DynamoDbWriteWatermarks")).isNull();
  }

  @Test
  void forEnvironment_mwaa_passesOnlyTheJobRoleToEmrServerless() {
    PolicyDocument policy =
        IamPolicies.forEnvironment(IamExamples.plan(), IamExamples.environment());

    Statement pass = policy.statement("IamPassJobRole");
    assertThat(pass.resources()).containsExactly("arn:aws:iam::123456789012:role/lakeplan-jobs");
    assertThat(pass.conditions().get("StringEquals").get("iam:PassedToService"))
        .containsExactly("emr-serverless.amazonaws.com");
    assertThat(policy.statement("EmrServerlessStartJobs").resources())
        .containsExactly(
            "arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00fexampleapp01");
    assertThat(policy.statement("DataSyncStartCopies").resources())
        .containsExactly(
            "arn:aws:datasync:eu-west-1:123456789012:task/task-0123456789abcdef0",
            "arn:aws:datasync:eu-west-1:123456789012:task/task-0fedcba9876543210");
    assertThat(policy.statement("SnsPublishNotifications").resources())
        // every DAG names a topic of its own, so the environment's default topic is not used
        .containsExactly(
            "arn:aws:sns:eu-west-1:123456789012:lake-mail",
            "arn:aws:sns:eu-west-1:123456789012:orders-alerts",
            "arn:aws:sns:eu-west-1:123456789012:payments-alerts");
    assertThat(policy.statement("SecretsManagerReadWebhooks").resources())
        .containsExactly(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/slack/payments-??????");
    assertThat(policy.statement("CloudWatchLogsAirflow").resources())
        .containsExactly("arn:aws:logs:eu-west-1:123456789012:log-group:airflow-lake-prod-*");
  }

  @Test
  void forEnvironment_deployedDataSyncTasks_matchedByEnvironmentTag() {
    Environment environment =
        Environment.builder()
            .from(IamExamples.environment())
            .airflow(
                AirflowSettings.builder()
                    .from(IamExamples.environment().airflow())
                    .dataSyncTaskArns(java.util.Map.of())
                    .build())
            .dataSync(
                io.lakeplan.env.DataSyncSettings.builder()
                    .addAgentArn(
                        "arn:aws:datasync:eu-west-1:123456789012:agent/agent-0123456789abcdef0")
                    .s3BucketAccessRoleArn("arn:aws:iam::123456789012:role/lakeplan-datasync")
                    .build())
            .build();

    PolicyDocument policy = IamPolicies.forEnvironment(IamExamples.plan(), environment);

    Statement tasks = policy.statement("DataSyncDeployedTasks");
    assertThat(tasks.resources()).containsExactly("arn:aws:datasync:eu-west-1:123456789012:task/*");
    assertThat(tasks.conditions().get("StringEquals").get("aws:ResourceTag/lakeplan:environment"))
        .containsExactly("prod");
  }

  @Test
  void specLocationByDagId_readsTheUseCasesDagFoldersOnly() {
    Environment environment =
        Environment.builder()
            .from(IamExamples.environment())
            .airflow(
                AirflowSettings.builder()
                    .from(IamExamples.environment().airflow())
                    .specLocation("s3://acme-artifacts/plans/{dag_id}/{spec_version}/plan.json")
                    .build())
            .build();
    Plan plan = IamExamples.plan();

    PolicyDocument policy = IamPolicies.forUseCase(plan, "payments", environment);

    List<String> expected = new ArrayList<>();
    plan.dags().stream()
        .filter(dag -> dag.useCase().equals("payments"))
        .forEach(dag -> expected.add("arn:aws:s3:::acme-artifacts/plans/" + dag.id() + "/*"));
    expected.add("arn:aws:s3:::acme-artifacts/lakeplan/lakeplan-job.jar");
    assertThat(expected).hasSizeGreaterThan(2);
    assertThat(policy.statement("S3ReadJobFiles").resources())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void bucketsNamedAlike_getASidEach() {
    // acme.landing and acme-landing both read as AcmeLanding in a sid
    Environment environment =
        Environment.builder()
            .from(IamExamples.environment())
            .catalog(
                CatalogSettings.builder()
                    .type(CatalogSettings.Type.GLUE)
                    .warehouse("s3://acme.landing/warehouse")
                    .build())
            .build();

    PolicyDocument policy = IamPolicies.forUseCase(IamExamples.plan(), "payments", environment);

    assertThat(policy.statements())
        .extracting(Statement::sid)
        .contains("S3ListAcmeLanding", "S3ListAcmeLanding2")
        .doesNotHaveDuplicates();
    assertThat(policy.statement("S3ListAcmeLanding").resources())
        .containsExactly("arn:aws:s3:::acme-landing");
    assertThat(policy.statement("S3ListAcmeLanding2").resources())
        .containsExactly("arn:aws:s3:::acme.landing");
  }

  @Test
  void accountId_fromIamSettings_overridesTheRoleArns() {
    Environment environment =
        Environment.builder()
            .from(IamExamples.environment())
            .iam(IamSettings.builder().accountId("210987654321").build())
            .build();

    PolicyDocument policy = IamPolicies.forUseCase(IamExamples.plan(), "orders", environment);

    assertThat(policy.statement("GlueReadTables").resources())
        .allMatch(arn -> arn.startsWith("arn:aws:glue:eu-west-1:210987654321:"));
  }

  @Test
  void forPlan_templatesAndLocalCatalog_oneMessageListingEachFix() {
    Environment local = Environment.builder().name("dev").build();
    Plan plan = IamExamples.plan();

    assertThatThrownBy(() -> IamPolicies.forPlan(plan, local))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot generate IAM policies for environment dev: region: not set")
        .hasMessageContaining("catalog.type: hadoop")
        .hasMessageContaining(
            "airflow.emr-application-id: '{{ var.value.lakeplan_emr_application_id }}'")
        .hasMessageContaining("iam.account-id: not set")
        .hasMessageNotContaining("\n");
  }

  @Test
  void jobRoleName_notTheExecutionRole_isRefused() {
    Environment environment =
        Environment.builder()
            .from(IamExamples.environment())
            .iam(IamSettings.builder().jobRoleName("other-role").build())
            .build();

    assertThatThrownBy(() -> IamPolicies.forEnvironment(IamExamples.plan(), environment))
        .hasMessageContaining(
            "iam.job-role-name: 'other-role' is not the role of airflow.execution-role-arn"
                + " ('lakeplan-jobs')");
  }

  @Test
  void forUseCase_unknownName_listsTheKnownOnes() {
    assertThatThrownBy(
            () -> IamPolicies.forUseCase(IamExamples.plan(), "invoices", IamExamples.environment()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown use case: 'invoices' (the plan has [orders, payments])");
  }

  @Test
  void iamSettings_badAccount_namesTheForm() {
    assertThatThrownBy(() -> IamSettings.builder().accountId("12345").build())
        .hasMessage(
            "Invalid iam settings: account-id: '12345' (12 digits, quoted in YAML: \"123456789012\")");
  }

  @Test
  void toText_oneLinePerStatementAndTheNotes() {
    PolicyDocument policy =
        IamPolicies.forUseCase(IamExamples.plan(), "orders", IamExamples.environment());
    List<String> lines = new ArrayList<>(policy.toText().lines().toList());

    assertThat(lines.get(0))
        .isEqualTo("Policy lakeplan-prod-job-orders (EMR Serverless job role, use case orders)");
    assertThat(lines).hasSize(1 + policy.statements().size() + policy.notes().size());
  }
}
