package io.lakeplan.cli;

import io.lakeplan.codec.UseCaseSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lakeplan schema}: prints the JSON Schema of the use-case format. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Print the JSON Schema (draft 2020-12) of the use-case YAML format.")
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(UseCaseSchema.json());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
