package io.lakeplan.aws.emr;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  static List<String> stage(EmrServerlessEngine engine, Plan plan) throws InterruptedException {
    Map<String, List<Dag>> byLocation = new LinkedHashMap<>();
    Map<String, List<Dag>> byUseCase = new LinkedHashMap<>();
    for (Dag dag : plan.dags()) {
      byLocation
          .computeIfAbsent(
              EmrServerlessJob.specLocation(engine.settings(), dag), location -> new ArrayList<>())
          .add(dag);
      byUseCase.computeIfAbsent(dag.useCase(), useCase -> new ArrayList<>()).add(dag);
    }
    List<String> written = new ArrayList<>();
    for (Map.Entry<String, List<Dag>> entry : byLocation.entrySet()) {
      S3Location location = S3Location.parse(entry.getKey());
      if (engine.calls().exists(location)) {
        LOG.info("Plan JSON {} is there already", location);
        continue;
      }
      // the whole use case: a location without {dag_id} serves each of its DAGs
      String useCase = entry.getValue().get(0).useCase();
      Plan own = Plan.builder().from(plan).dags(byUseCase.get(useCase)).build();
      engine
          .calls()
          .put(location, UseCaseCodec.toJson(own), "application/json", "airflow.spec-location");
      LOG.info("Uploaded the plan JSON of use case {} to {}", useCase, location);
      written.add(location.toString());
    }
    Set<String> environments = new LinkedHashSet<>();
    for (Dag dag : plan.dags()) {
      environments.add(EmrServerlessJob.environmentLocation(engine.environment(), dag));
    }
    for (String uri : environments) {
      S3Location location = S3Location.parse(uri);
      if (engine.calls().exists(location)) {
        LOG.info("Environment file {} is there already", location);
        continue;
      }
      engine
          .calls()
          .put(
              location,
              EmrServerlessJob.environmentFile(engine.environment()),
              "application/yaml",
              "airflow.spec-location (the environment file goes beside the plan JSON)");
      LOG.info("Uploaded the file of environment {} to {}", engine.environment().name(), location);
      written.add(uri);
    }
    return written;
  }
}
