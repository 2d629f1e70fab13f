package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.iam.IamPolicies;
import io.lakeplan.aws.iam.PolicyDocument;
import io.lakeplan.env.Environments;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IamCommandTest {
  private static final Path ORDERS = CliRun.EXAMPLES.resolve("orders");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  private Path environmentFile() throws Exception {
    return Files.writeString(
        work.resolve("prod.yaml"),
        String.join(
            "\n",
            "name: prod",
            "region: eu-west-1",
            "catalog: {type: glue, warehouse: 's3://acme-lake/warehouse'}",
            "watermarks: dynamodb:lakeplan-watermarks",
            "kms-key: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "airflow:",
            "  emr-application-id: 00fexampleapp01",
            "  execution-role-arn: arn:aws:iam::123456789012:role/lakeplan-jobs",
            "  job-jar: s3://acme-artifacts/lakeplan/lakeplan-job.jar",
            "  spec-location: s3://acme-artifacts/plans/{use_case}/{spec_version}/plan.json",
            "  log-uri: s3://acme-logs/emr-serverless/",
            ""));
  }

  private List<PolicyDocument> expected(Path env) {
    return IamPolicies.forPlan(Workspace.loadStrict(ORDERS).plan(), Environments.load(env));
  }

  @Test
  void iam_text_printsEachPolicyThenTheCount() throws Exception {
    Path env = environmentFile();

    CliRun run = CliRun.of("iam", ORDERS.toString(), "--env", env.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    List<PolicyDocument> policies = expected(env);
    assertThat(policies)
        .extracting(PolicyDocument::name)
        .containsExactly("lakeplan-prod-job-orders", "lakeplan-prod-mwaa");
    for (PolicyDocument policy : policies) {
      assertThat(run.out()).contains(policy.toText());
    }
    assertThat(run.out())
        .startsWith("Policy lakeplan-prod-job-orders (EMR Serverless job role, use case orders)\n")
        .contains("  IamPassJobRole: iam:PassRole on arn:aws:iam::123456789012:role/lakeplan-jobs")
        .endsWith("2 policies\n");
  }

  @Test
  void iam_json_holdsEveryPolicyDocument() throws Exception {
    Path env = environmentFile();

    CliRun run = CliRun.of("iam", ORDERS.toString(), "--env", env.toString(), "--format", "json");

    assertThat(run.exitCode()).isZero();
    JsonNode policies = JSON.readTree(run.out()).get("policies");
    List<PolicyDocument> expected = expected(env);
    assertThat(policies).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(policies.get(i).get("name").asText()).isEqualTo(expected.get(i).name());
      assertThat(policies.get(i).get("document"))
          .isEqualTo(JSON.readTree(expected.get(i).toJson()));
    }
    assertThat(policies.get(0).get("role").asText()).isEqualTo("job");
    assertThat(policies.get(0).get("use-case").asText()).isEqualTo("orders");
    assertThat(policies.get(1).get("role").asText()).isEqualTo("mwaa");
  }

  @Test
  void iam_localEnvironment_failsOnOneLineNamingEachSetting() throws Exception {
    Path env = Files.writeString(work.resolve("dev.yaml"), "name: dev\n");

    CliRun run = CliRun.of("iam", ORDERS.toString(), "--env", env.toString());

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(
            "lakeplan: error: Cannot generate IAM policies for environment dev: region: not set")
        .contains("catalog.type: hadoop")
        .contains("iam.account-id: not set")
        .hasLineCount(1);
  }

  @Test
  void iam_withoutEnv_isAUsageError() {
    CliRun run = CliRun.of("iam", ORDERS.toString());

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err()).startsWith("lakeplan: error: Missing required option: '--env=FILE'");
  }
}
