/**
 * The plan: DAGs of typed tasks, their edges and cross-DAG dependencies, compiled from use cases by
 * {@link io.lakeplan.workspace.Planner}. It serializes to JSON and is the contract between the SDK,
 * the job jar and rendered orchestrator files. It depends on the model only, so engines, renderers
 * and the runner depend on the plan without depending on how it was compiled.
 */
@LakeplanStyle
package io.lakeplan.plan;

import io.lakeplan.model.LakeplanStyle;
