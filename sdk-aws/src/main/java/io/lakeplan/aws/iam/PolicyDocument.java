package io.lakeplan.aws.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One generated IAM policy: its name, the role it is for, its statements (grouped by service, in a
 * fixed order) and notes on what it could not derive from the plan. {@link #toJson()} is the IAM
 * policy document, the same bytes for the same plan and environment.
 *
 * @param name the policy name, e.g. {@code lakeplan-prod-job-orders} (what {@code lakeplan deploy}
 *     names the managed policy it attaches to the role)
 * @param role the role the policy is for
 * @param useCase the use case of a job-role policy; null for the MWAA policy
 * @param statements the statements, in rendering order
 * @param notes what the policy leaves out and why (e.g. a landing folder that is not on S3); empty
 *     when nothing
 */
public record PolicyDocument(
    String name, Role role, String useCase, List<Statement> statements, List<String> notes) {
  /** The IAM policy language version every generated document declares. */
  public static final String VERSION = "2012-10-17";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The role a policy is for. */
  public enum Role {
    /**
     * The EMR Serverless job runtime role ({@code airflow.execution-role-arn}): one per use case.
     */
    JOB,
    /** The MWAA execution role: one per environment. */
    MWAA
  }

  public PolicyDocument {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    statements = List.copyOf(statements);
    notes = List.copyOf(notes);
  }

  /** The statement with id {@code sid}, or null. */
  public Statement statement(String sid) {
    return statements.stream().filter(s -> s.sid().equals(sid)).findFirst().orElse(null);
  }

  /** The IAM policy document, pretty-printed with two-space indents and a final newline. */
  public String toJson() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
    try {
      return JSON.writer(printer).writeValueAsString(tree()) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document without white space: what AWS counts against its policy size limits. */
  public String toCompactJson() {
    try {
      return JSON.writeValueAsString(tree());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode tree() {
    ObjectNode document = JSON.createObjectNode();
    document.put("Version", VERSION);
    ArrayNode array = document.putArray("Statement");
    for (Statement statement : statements) {
      ObjectNode node = array.addObject();
      node.put("Sid", statement.sid());
      node.put("Effect", "Allow");
      statement.actions().forEach(node.putArray("Action")::add);
      statement.resources().forEach(node.putArray("Resource")::add);
      if (!statement.conditions().isEmpty()) {
        ObjectNode condition = node.putObject("Condition");
        for (Map.Entry<String, SortedMap<String, List<String>>> operator :
            statement.conditions().entrySet()) {
          ObjectNode keys = condition.putObject(operator.getKey());
          operator.getValue().forEach((key, values) -> values.forEach(keys.putArray(key)::add));
        }
      }
    }
    return document;
  }

  /** The policy as text: a header, one line per statement, then the notes. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append("Policy ")
        .append(name)
        .append(" (")
        .append(
            role == Role.JOB
                ? "EMR Serverless job role, use case " + useCase
                : "MWAA execution role")
        .append(")\n");
    statements.forEach(statement -> out.append("  ").append(statement).append('\n'));
    notes.forEach(note -> out.append("  note: ").append(note).append('\n'));
    return out.toString();
  }
}
