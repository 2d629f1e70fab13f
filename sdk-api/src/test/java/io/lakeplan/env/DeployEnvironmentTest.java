package io.lakeplan.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.validation.ValidationException;
import org.junit.jupiter.api.Test;

/** The {@code deploy} and {@code data-sync} sections of an environment file. */
class DeployEnvironmentTest {
  private static final String AGENT =
      "arn:aws:datasync:eu-west-1:123456789012:agent/agent-0123456789abcdef0";
  private static final String ROLE = "arn:aws:iam::123456789012:role/lakeplan-datasync";

  @Test
  void read_deployAndDataSync_roundTrip() {
    String yaml =
        String.join(
            "\n",
            "name: prod",
            "deploy:",
            "  dags-location: s3://acme-mwaa/dags/",
            "  job-jar-file: target/job.jar",
            "data-sync:",
            "  agent-arns: [" + AGENT + "]",
            "  name-nodes: ['nn1.corp:8020', 'nn2.corp:8020']",
            "  s3-bucket-access-role-arn: " + ROLE,
            "");

    Environment environment = Environments.read("prod.yaml", yaml);

    assertThat(environment.deploy().dagsLocation()).isEqualTo("s3://acme-mwaa/dags/");
    assertThat(environment.deploy().jobJarFile()).isEqualTo("target/job.jar");
    assertThat(environment.dataSync().agentArns()).containsExactly(AGENT);
    assertThat(environment.dataSync().nameNodes())
        .containsExactly("nn1.corp:8020", "nn2.corp:8020");
    assertThat(environment.dataSync().hdfsUser()).isEqualTo("hdfs");
    assertThat(environment.dataSync().deployed()).isTrue();
    assertThat(Environments.read("again.yaml", Environments.toYaml(environment)))
        .isEqualTo(environment);
  }

  @Test
  void defaults_deployNothingToDataSync_andHaveNoDagFolder() {
    Environment environment = Environment.local();

    assertThat(environment.deploy().dagsLocation()).isNull();
    assertThat(environment.dataSync().deployed()).isFalse();
  }

  @Test
  void read_badDeployAndDataSyncValues_failNamingEach() {
    String yaml =
        String.join(
            "\n",
            "deploy:",
            "  dags-location: acme-mwaa/dags",
            "data-sync:",
            "  agent-arns: [agent-1]",
            "  name-nodes: [nn1.corp]",
            "");

    assertThatThrownBy(() -> Environments.read("bad.yaml", yaml))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "dags-location: 'acme-mwaa/dags' (an s3://bucket/prefix/ folder, e.g."
                + " s3://acme-mwaa/dags/)");
    assertThatThrownBy(
            () ->
                Environments.read(
                    "bad.yaml", String.join("\n", yaml.lines().toList().subList(2, 5)) + "\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "agent-arns: 'agent-1' (an agent ARN,"
                + " arn:aws:datasync:REGION:ACCOUNT:agent/agent-0123456789abcdef0)")
        .hasMessageContaining("name-nodes: 'nn1.corp' (host:port, e.g. namenode1.corp:8020)")
        .hasMessageContaining(
            "s3-bucket-access-role-arn: missing (DataSync needs a role to write the landing"
                + " bucket when agent-arns is set)");
  }
}
