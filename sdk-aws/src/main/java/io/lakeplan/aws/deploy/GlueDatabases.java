package io.lakeplan.aws.deploy;

import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.env.Environment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;

/**
 * The Glue databases of a deployment: one per namespace (layer) of the plan's tables, created when
 * missing. An existing database is left as it is, and none is ever removed (they hold tables).
 */
final class GlueDatabases {
  private static final String PERMISSIONS = "glue:GetDatabase and glue:CreateDatabase";

  private final Environment environment;
  private final GlueClient glue;
  private final Duration callTimeout;

  GlueDatabases(Environment environment, GlueClient glue, Duration callTimeout) {
    this.environment = environment;
    this.glue = glue;
    this.callTimeout = callTimeout;
  }

  List<Step> steps(Collection<String> databases) {
    List<Step> steps = new ArrayList<>();
    for (String database : databases) {
      String resource = "Glue database " + database;
      if (exists(database, resource)) {
        steps.add(Step.unchanged(resource, ""));
      } else {
        steps.add(
            Step.of(
                Change.Action.CREATE,
                resource,
                "the " + database + " layer's tables",
                () -> create(database, resource)));
      }
    }
    return steps;
  }

  private boolean exists(String database, String resource) {
    try {
      glue.getDatabase(
          b -> b.name(database).overrideConfiguration(CallLimits.timeout(callTimeout)));
      return true;
    } catch (EntityNotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }

  private void create(String database, String resource) {
    try {
      glue.createDatabase(
          b ->
              b.databaseInput(
                      input ->
                          input
                              .name(database)
                              .description(
                                  "Lakeplan layer "
                                      + database
                                      + " (lakeplan deploy, environment "
                                      + environment.name()
                                      + ")"))
                  .overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (AlreadyExistsException e) {
      // created since the plan was made: what was wanted
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
  }
}
