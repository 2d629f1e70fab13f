/**
 * The plan: DAGs of typed tasks, their edges and cross-DAG dependencies, compiled from use cases by
 * {@link io.lakeplan.plan.Planner}. It serializes to JSON and is the contract between the SDK, the
 * job jar and rendered orchestrator files.
 */
@LakeplanStyle
package io.lakeplan.plan;

import io.lakeplan.model.LakeplanStyle;
