package io.lakeplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.aws.iam.IamPolicies;
import io.lakeplan.aws.iam.PolicyDocument;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan iam PATH --env FILE [--format text|json]}: prints the least-privilege IAM
 * policies generated from the plan ({@link IamPolicies}): one per use case for the EMR Serverless
 * job role, then the environment's MWAA execution-role policy. Every use case must be valid, since
 * a policy missing one would deny its jobs.
 */
@Command(
    name = "iam",
    mixinStandardHelpOptions = true,
    description = {
      "Print the least-privilege IAM policies of the use cases: one per use case for the EMR"
          + " Serverless job role, one for the environment's MWAA execution role, every resource"
          + " derived from the plan and the environment.",
      "Exit 0 when printed, 2 when they cannot be generated (one line naming the setting and the"
          + " fix)."
    })
final class IamCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(
      names = "--env",
      required = true,
      paramLabel = "FILE",
      description =
          "The environment file (YAML): region, glue catalog, watermarks, kms-key, notifications,"
              + " airflow (application, role, job-jar, spec-location, log-uri), iam.")
  Path env;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ValidateCommand.Format format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Inputs.existing(spec.commandLine(), path);
    Environment environment = Inputs.environment(spec.commandLine(), env);
    Plan plan = Workspace.loadStrict(path).plan();
    List<PolicyDocument> policies = IamPolicies.forPlan(plan, environment);
    PrintWriter out = spec.commandLine().getOut();
    out.print(format == ValidateCommand.Format.json ? json(policies) : text(policies));
    out.flush();
    return LakeplanCli.OK;
  }

  private static String text(List<PolicyDocument> policies) {
    StringBuilder out = new StringBuilder();
    for (PolicyDocument policy : policies) {
      out.append(policy.toText()).append('\n');
    }
    out.append(policies.size()).append(policies.size() == 1 ? " policy\n" : " policies\n");
    return out.toString();
  }

  /** {@code {"policies": [{"name", "role", "use-case", "notes", "document"}]}}, pretty-printed. */
  private static String json(List<PolicyDocument> policies) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("policies");
    try {
      for (PolicyDocument policy : policies) {
        ObjectNode node = array.addObject();
        node.put("name", policy.name());
        node.put("role", policy.role().name().toLowerCase(Locale.ROOT));
        if (policy.useCase() != null) {
          node.put("use-case", policy.useCase());
        }
        policy.notes().forEach(node.putArray("notes")::add);
        node.set("document", JSON.readTree(policy.toJson()));
      }
      DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
      return JSON.writer(
                  new DefaultPrettyPrinter()
                      .withObjectIndenter(indenter)
                      .withArrayIndenter(indenter))
              .writeValueAsString(root)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
