package io.lakeplan.aws.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every generated policy of the examples through parliament, the offline IAM policy checker (in
 * {@code .venv-parliament}, made by {@code bin/setup-policy-checker} before the ITs run), down to
 * INFO: its auditors find nothing; with its community auditors too, nothing but the findings of
 * {@link #ALLOWED}, each for one policy and one action, with its reason. (parliament's own
 * per-location {@code ignore_locations} configuration matches nothing in 1.6.4 — its values go
 * through a helper that returns an empty list for YAML values, see duo-labs/parliament#147 — so the
 * allowance is applied here, to the JSON findings.)
 */
class IamPolicyCheckIT {
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", "..")).normalize();
  private static final Path PARLIAMENT = ROOT.resolve(".venv-parliament/bin/parliament");

  /**
   * The findings allowed, as issue, policy file and the location parliament reports. The MWAA role
   * must pass the job role to EMR Serverless to start job runs: IamPassJobRole names only the job
   * role's ARN and only for {@code iam:PassedToService emr-serverless.amazonaws.com}, which the
   * community auditor does not read; it flags every {@code iam:PassRole} as permissions management.
   */
  private static final List<String> ALLOWED =
      List.of(
          "PERMISSIONS_MANAGEMENT_ACTIONS lakeplan-prod-mwaa.json {\"actions\":[\"iam:passrole\"]}");

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  /**
   * parliament's findings (JSON lines) on every {@code .json} file in {@code folder}, with its
   * community auditors when {@code community}.
   */
  private List<String> findings(Path folder, boolean community) throws Exception {
    assertThat(PARLIAMENT)
        .as("the policy checker: run bin/setup-policy-checker (the build does before the ITs)")
        .isExecutable();
    List<String> command =
        new ArrayList<>(
            List.of(
                PARLIAMENT.toString(),
                "--directory",
                folder.toString(),
                "--include_policy_extension",
                "json",
                "--json",
                "--minimum_severity",
                "INFO"));
    if (community) {
      command.add("--include-community-auditors");
    }
    Path stderr = work.resolve("parliament.err");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("parliament finished").isTrue();
    String err = Files.readString(stderr);
    assertThat(err).as("parliament's errors").isEmpty();
    List<String> findings = out.lines().filter(line -> !line.isBlank()).toList();
    // parliament exits 1 when it reports findings, 0 when none
    assertThat(process.exitValue()).as(out).isEqualTo(findings.isEmpty() ? 0 : 1);
    return findings;
  }

  private Path written(List<PolicyDocument> policies) throws IOException {
    Path folder = Files.createDirectories(work.resolve("policies"));
    for (PolicyDocument policy : policies) {
      Files.writeString(folder.resolve(policy.name() + ".json"), policy.toJson());
    }
    return folder;
  }

  @Test
  void everyGeneratedPolicy_hasNoFinding() throws Exception {
    List<PolicyDocument> policies = IamExamples.policies();

    List<String> findings = findings(written(policies), false);

    assertThat(policies).hasSize(3);
    assertThat(findings).as("parliament's findings").isEmpty();
  }

  @Test
  void everyGeneratedPolicy_withTheCommunityAuditors_hasOnlyTheAllowedFinding() throws Exception {
    List<String> findings =
        findings(written(IamExamples.policies()), true).stream().map(this::key).toList();

    assertThat(findings).as("findings beyond the allowed ones").containsExactlyElementsOf(ALLOWED);
  }

  @Test
  void theChecker_flagsACarelessPolicy() throws Exception {
    Path folder = Files.createDirectories(work.resolve("careless"));
    Files.writeString(
        folder.resolve("typo.json"),
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"s3:GetObjekt\",\"Resource\":\"arn:aws:s3:::b/*\"}]}");
    Files.writeString(
        folder.resolve("escalation.json"),
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"iam:PutRolePolicy\",\"Resource\":\"*\"}]}");

    List<String> findings = findings(folder, true);

    assertThat(findings)
        .anySatisfy(finding -> assertThat(finding).contains("UNKNOWN_ACTION"))
        .anySatisfy(finding -> assertThat(finding).contains("PERMISSIONS_MANAGEMENT_ACTIONS"));
  }

  /** A finding as {@code ISSUE FILE LOCATION}, the location without its file path. */
  private String key(String finding) {
    try {
      JsonNode node = JSON.readTree(finding);
      ObjectNode location = (ObjectNode) node.get("location").deepCopy();
      String file = Path.of(location.remove("filepath").asText()).getFileName().toString();
      return node.get("issue").asText() + " " + file + " " + location;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
