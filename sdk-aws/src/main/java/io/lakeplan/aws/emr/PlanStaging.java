package io.lakeplan.aws.emr;

import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the plan JSON and the environment file that JobMain reads ({@code --spec}, {@code --env})
 * where the job runs look for them: for each use case, its DAGs as a plan at {@code
 * airflow.spec-location}, and the environment beside it. The locations name the use case's spec
 * version (a hash of the use case) and the environment's version, so an object already there holds
 * the same file.
 */
final class PlanStaging {
  private static final Logger LOG = LoggerFactory.getLogger(PlanStaging.class);

  private PlanStaging() {}

  /**
   * The plan JSON of each location of {@code plan}'s use cases: location to JSON, in plan order.
   * Each holds the use case's whole plan (a location without {@code {dag_id}} serves each of its
   * DAGs).
   */
  static Map<String, String> files(AirflowSettings settings, Plan plan) {
    Map<String, List<Dag>> byLocation = new LinkedHashMap<>();
    Map<String, List<Dag>> byUseCase = new LinkedHashMap<>();
    for (Dag dag : plan.dags()) {
      byLocation
          .computeIfAbsent(
              EmrServerlessJob.specLocation(settings, dag), location -> new ArrayList<>())
          .add(dag);
      byUseCase.computeIfAbsent(dag.useCase(), useCase -> new ArrayList<>()).add(dag);
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (Map.Entry<String, List<Dag>> entry : byLocation.entrySet()) {
      String useCase = entry.getValue().get(0).useCase();
      Plan own = Plan.builder().from(plan).dags(byUseCase.get(useCase)).build();
      files.put(entry.getKey(), UseCaseCodec.toJson(own));
    }
    return files;
  }

  /**
   * The environment file of each location of {@code plan}'s DAGs ({@link
   * EmrServerlessJob#environmentLocation}): location to YAML, in plan order.
   */
  static Map<String, String> environmentFiles(Environment environment, Plan plan) {
    Map<String, String> files = new LinkedHashMap<>();
    for (Dag dag : plan.dags()) {
      files.putIfAbsent(
          EmrServerlessJob.environmentLocation(environment, dag),
          EmrServerlessJob.environmentFile(environment));
    }
    return files;
  }

  static List<String> stage(EmrServerlessEngine engine, Plan plan) throws InterruptedException {
    List<String> written = new ArrayList<>();
    for (Map.Entry<String, String> file : files(engine.settings(), plan).entrySet()) {
      S3Location location = S3Location.parse(file.getKey());
      if (engine.calls().exists(location)) {
        LOG.info("Plan JSON {} is there already", location);
        continue;
      }
      engine.calls().put(location, file.getValue(), "application/json", "airflow.spec-location");
      LOG.info("Uploaded the plan JSON to {}", location);
      written.add(location.toString());
    }
    for (Map.Entry<String, String> file : environmentFiles(engine.environment(), plan).entrySet()) {
      S3Location location = S3Location.parse(file.getKey());
      if (engine.calls().exists(location)) {
        LOG.info("Environment file {} is there already", location);
        continue;
      }
      engine
          .calls()
          .put(
              location,
              file.getValue(),
              "application/yaml",
              "airflow.spec-location (the environment file goes beside the plan JSON)");
      LOG.info("Uploaded the file of environment {} to {}", engine.environment().name(), location);
      written.add(location.toString());
    }
    return written;
  }
}
