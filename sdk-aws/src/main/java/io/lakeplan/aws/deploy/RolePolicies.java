package io.lakeplan.aws.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.iam.IamPolicies;
import io.lakeplan.aws.iam.PolicyDocument;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Plan;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

/**
 * The IAM policies generated from the plan ({@link IamPolicies}), as customer managed policies
 * under the path {@value #PATH}, attached to the roles the environment names: each use case's
 * policy to {@code iam.job-role-name}, the environment's MWAA policy to {@code iam.mwaa-role-name}.
 * Managed rather than inline policies because all inline policies of a role share 10,240
 * characters, a few use cases' worth, while a role takes ten managed policies of 6,144 each (twenty
 * with a raised quota). A policy is created and attached when missing, gets a new default version
 * when its document differs (the oldest of IAM's five versions removed first), is attached when it
 * is not, and is left alone when equal and attached. A role named but missing fails the plan;
 * without role names, nothing is done.
 */
final class RolePolicies {
  /** The IAM path of every policy Lakeplan deploys. */
  static final String PATH = "/lakeplan/";

  private static final int MAX_VERSIONS = 5;
  private static final String PERMISSIONS =
      "iam:GetRole, iam:ListPolicies, iam:GetPolicyVersion, iam:ListPolicyVersions,"
          + " iam:CreatePolicy, iam:CreatePolicyVersion, iam:DeletePolicyVersion,"
          + " iam:ListAttachedRolePolicies and iam:AttachRolePolicy";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environment environment;
  private final IamClient iam;
  private final Duration callTimeout;

  RolePolicies(Environment environment, IamClient iam, Duration callTimeout) {
    this.environment = environment;
    this.iam = iam;
    this.callTimeout = callTimeout;
  }

  List<Step> steps(Plan plan) {
    String jobRole = environment.iam().jobRoleName();
    String mwaaRole = environment.iam().mwaaRoleName();
    if (jobRole == null && mwaaRole == null) {
      return List.of();
    }
    List<PolicyDocument> policies = IamPolicies.forPlan(plan, environment);
    Map<String, Policy> existing = existing();
    List<Step> steps = new ArrayList<>();
    if (jobRole != null) {
      Set<String> attached = attached(jobRole, "iam.job-role-name");
      policies.stream()
          .filter(policy -> policy.role() == PolicyDocument.Role.JOB)
          .forEach(policy -> steps.add(step(jobRole, policy, existing, attached)));
    }
    if (mwaaRole != null) {
      Set<String> attached = attached(mwaaRole, "iam.mwaa-role-name");
      policies.stream()
          .filter(policy -> policy.role() == PolicyDocument.Role.MWAA)
          .forEach(policy -> steps.add(step(mwaaRole, policy, existing, attached)));
    }
    return steps;
  }

  /** Lakeplan's managed policies in the account, by name. */
  private Map<String, Policy> existing() {
    try {
      Map<String, Policy> policies = new HashMap<>();
      iam.listPoliciesPaginator(
              b ->
                  b.scope(PolicyScopeType.LOCAL)
                      .pathPrefix(PATH)
                      .overrideConfiguration(CallLimits.timeout(callTimeout)))
          .policies()
          .forEach(policy -> policies.put(policy.policyName(), policy));
      return policies;
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, "IAM policies under " + PATH, PERMISSIONS, e);
    }
  }

  /** The ARNs of the policies under {@value #PATH} attached to {@code role}. */
  private Set<String> attached(String role, String setting) {
    String resource = "IAM role " + role;
    try {
      iam.getRole(b -> b.roleName(role).overrideConfiguration(CallLimits.timeout(callTimeout)));
      return iam
          .listAttachedRolePoliciesPaginator(
              b ->
                  b.roleName(role)
                      .pathPrefix(PATH)
                      .overrideConfiguration(CallLimits.timeout(callTimeout)))
          .attachedPolicies()
          .stream()
          .map(AttachedPolicy::policyArn)
          .collect(Collectors.toSet());
    } catch (NoSuchEntityException e) {
      throw new IllegalStateException(
          resource
              + " does not exist: create it, or fix "
              + setting
              + " (Lakeplan attaches its policies to the role, it does not create roles)",
          e);
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  private Step step(
      String role, PolicyDocument policy, Map<String, Policy> existing, Set<String> attached) {
    String resource = "IAM policy " + policy.name() + " (attached to role " + role + ")";
    String detail =
        policy.role() == PolicyDocument.Role.JOB
            ? "EMR Serverless jobs of use case " + policy.useCase()
            : "MWAA running the DAGs";
    Policy current = existing.get(policy.name());
    if (current == null) {
      return Step.of(Change.Action.CREATE, resource, detail, () -> create(role, policy, resource));
    }
    String arn = current.arn();
    boolean same = parse(document(current, resource)).equals(parse(policy.toCompactJson()));
    boolean isAttached = attached.contains(arn);
    if (same && isAttached) {
      return Step.unchanged(resource, detail);
    }
    String why =
        same
            ? "not attached to the role"
            : isAttached ? "statements changed" : "statements changed, not attached to the role";
    return Step.of(
        Change.Action.UPDATE,
        resource,
        why,
        () -> {
          if (!same) {
            newVersion(arn, policy, resource);
          }
          if (!isAttached) {
            attach(role, arn, resource);
          }
        });
  }

  private String document(Policy policy, String resource) {
    try {
      return iam.getPolicyVersion(
              b ->
                  b.policyArn(policy.arn())
                      .versionId(policy.defaultVersionId())
                      .overrideConfiguration(CallLimits.timeout(callTimeout)))
          .policyVersion()
          .document();
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  private void create(String role, PolicyDocument policy, String resource) {
    String arn;
    try {
      arn =
          iam.createPolicy(
                  b ->
                      b.policyName(policy.name())
                          .path(PATH)
                          .policyDocument(policy.toCompactJson())
                          .description(
                              "Lakeplan, environment "
                                  + environment.name()
                                  + (policy.useCase() == null
                                      ? ": the MWAA execution role"
                                      : ": the jobs of use case " + policy.useCase())
                                  + " (generated from the plan by lakeplan deploy)")
                          .overrideConfiguration(CallLimits.timeout(callTimeout)))
              .policy()
              .arn();
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
    attach(role, arn, resource);
  }

  /** A new default version; IAM keeps five, so the oldest non-default one goes first. */
  private void newVersion(String arn, PolicyDocument policy, String resource) {
    try {
      List<PolicyVersion> versions =
          iam.listPolicyVersions(
                  b -> b.policyArn(arn).overrideConfiguration(CallLimits.timeout(callTimeout)))
              .versions();
      if (versions.size() >= MAX_VERSIONS) {
        versions.stream()
            .filter(version -> !Boolean.TRUE.equals(version.isDefaultVersion()))
            .min(Comparator.comparing(PolicyVersion::createDate))
            .ifPresent(
                oldest ->
                    iam.deletePolicyVersion(
                        b ->
                            b.policyArn(arn)
                                .versionId(oldest.versionId())
                                .overrideConfiguration(CallLimits.timeout(callTimeout))));
      }
      iam.createPolicyVersion(
          b ->
              b.policyArn(arn)
                  .policyDocument(policy.toCompactJson())
                  .setAsDefault(true)
                  .overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  private void attach(String role, String arn, String resource) {
    try {
      iam.attachRolePolicy(
          b ->
              b.roleName(role)
                  .policyArn(arn)
                  .overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  /** A policy document as IAM returns it: URL-encoded JSON (RFC 3986). */
  private static JsonNode parse(String document) {
    String json =
        document.startsWith("%7B") || document.startsWith("%7b")
            ? URLDecoder.decode(document.replace("+", "%2B"), StandardCharsets.UTF_8)
            : document;
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // a document that is not JSON is not ours: replacing it is what a deployment wants
      return JSON.getNodeFactory().textNode(json);
    }
  }
}
