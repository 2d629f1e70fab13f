/**
 * Use cases alone or together: {@link io.lakeplan.workspace.Validator} finds every problem of one
 * use case or of several taken as a workspace, {@link io.lakeplan.workspace.Planner} compiles valid
 * use cases into a {@link io.lakeplan.plan.Plan}, and {@link io.lakeplan.workspace.Workspace} loads
 * them from a folder of files, leaving out the invalid ones.
 *
 * <p>The checks across use cases need the DAGs the use cases compile to (DAG ids, dependency
 * cycles, writers of one table that nothing orders), and planning needs the checks: so the rules
 * and the plan compiler live here, package-private beside the three entry points, above the plan,
 * the codec and the problems they use. Nothing below this package depends on it.
 */
package io.lakeplan.workspace;
