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
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * The IAM policies generated from the plan ({@link IamPolicies}), put as inline policies on the
 * roles the environment names: each use case's {@code lakeplan-USECASE} on {@code
 * iam.job-role-name}, the environment's {@code lakeplan-ENVIRONMENT-mwaa} on {@code
 * iam.mwaa-role-name}. A policy is created when missing, replaced when its document differs, and
 * left alone when equal; a role named but missing fails the plan. Without role names, nothing.
 */
final class RolePolicies {
  private static final String PERMISSIONS = "iam:GetRole, iam:GetRolePolicy and iam:PutRolePolicy";
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
    List<Step> steps = new ArrayList<>();
    List<PolicyDocument> policies = IamPolicies.forPlan(plan, environment);
    if (jobRole != null) {
      requireRole(jobRole, "iam.job-role-name");
      policies.stream()
          .filter(policy -> policy.role() == PolicyDocument.Role.JOB)
          .forEach(policy -> steps.add(step(jobRole, policy)));
    }
    if (mwaaRole != null) {
      requireRole(mwaaRole, "iam.mwaa-role-name");
      policies.stream()
          .filter(policy -> policy.role() == PolicyDocument.Role.MWAA)
          .forEach(policy -> steps.add(step(mwaaRole, policy)));
    }
    return steps;
  }

  private void requireRole(String role, String setting) {
    String resource = "IAM role " + role;
    try {
      iam.getRole(b -> b.roleName(role).overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (NoSuchEntityException e) {
      throw new IllegalStateException(
          resource
              + " does not exist: create it, or fix "
              + setting
              + " (Lakeplan puts its policies on the role, it does not create roles)",
          e);
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  private Step step(String role, PolicyDocument policy) {
    String resource = "IAM policy " + policy.name() + " of role " + role;
    String detail =
        policy.role() == PolicyDocument.Role.JOB
            ? "EMR Serverless jobs of use case " + policy.useCase()
            : "MWAA running the DAGs";
    Runnable put = () -> put(role, policy, resource);
    JsonNode current;
    try {
      String document =
          iam.getRolePolicy(
                  b ->
                      b.roleName(role)
                          .policyName(policy.name())
                          .overrideConfiguration(CallLimits.timeout(callTimeout)))
              .policyDocument();
      current = parse(document);
    } catch (NoSuchEntityException e) {
      return Step.of(Change.Action.CREATE, resource, detail, put);
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
    if (parse(policy.toCompactJson()).equals(current)) {
      return Step.unchanged(resource, detail);
    }
    return Step.of(Change.Action.UPDATE, resource, "statements changed", put);
  }

  private void put(String role, PolicyDocument policy, String resource) {
    try {
      iam.putRolePolicy(
          b ->
              b.roleName(role)
                  .policyName(policy.name())
                  .policyDocument(policy.toCompactJson())
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
