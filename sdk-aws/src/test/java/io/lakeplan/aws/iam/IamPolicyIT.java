package io.lakeplan.aws.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.MotoClients;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;

/**
 * moto's IAM takes every generated policy of the examples, as a managed policy and as an inline
 * policy of a role, and gives the same document back. moto checks a document's grammar (version,
 * effect, action and ARN forms, condition blocks); it does not simulate policies, so what a policy
 * allows is proven by {@link IamPoliciesTest} and the offline checker ({@link IamPolicyCheckIT}).
 */
@ExtendWith(MotoExtension.class)
class IamPolicyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"emr-serverless.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  private IamClient iam;

  @BeforeEach
  void setUp(MotoServer moto) {
    moto.reset();
    iam = MotoClients.of(moto).iam();
    iam.createRole(b -> b.roleName("lakeplan-jobs").assumeRolePolicyDocument(TRUST));
  }

  @AfterEach
  void tearDown() {
    iam.close();
  }

  @Test
  void everyGeneratedPolicy_isAcceptedAsManagedAndInlinePolicy() throws Exception {
    List<PolicyDocument> policies = IamExamples.policies();

    for (PolicyDocument policy : policies) {
      String arn =
          iam.createPolicy(b -> b.policyName(policy.name()).policyDocument(policy.toJson()))
              .policy()
              .arn();
      iam.putRolePolicy(
          b ->
              b.roleName("lakeplan-jobs")
                  .policyName(policy.name())
                  .policyDocument(policy.toCompactJson()));

      String managed =
          iam.getPolicyVersion(b -> b.policyArn(arn).versionId("v1")).policyVersion().document();
      String inline =
          iam.getRolePolicy(b -> b.roleName("lakeplan-jobs").policyName(policy.name()))
              .policyDocument();
      assertThat(JSON.readTree(decoded(managed))).isEqualTo(JSON.readTree(policy.toJson()));
      assertThat(JSON.readTree(decoded(inline))).isEqualTo(JSON.readTree(policy.toJson()));
    }
    assertThat(iam.listRolePolicies(b -> b.roleName("lakeplan-jobs")).policyNames())
        .containsExactlyInAnyOrderElementsOf(policies.stream().map(PolicyDocument::name).toList());
  }

  @Test
  void aMalformedDocument_isRefused() {
    // the check above can fail: moto refuses an action without its service
    String document =
        IamExamples.policies().get(0).toJson().replace("\"s3:GetObject\"", "\"GetObject\"");

    assertThatThrownBy(() -> iam.createPolicy(b -> b.policyName("broken").policyDocument(document)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  private static String decoded(String document) {
    return document.startsWith("%7B")
        ? URLDecoder.decode(document, StandardCharsets.UTF_8)
        : document;
  }
}
