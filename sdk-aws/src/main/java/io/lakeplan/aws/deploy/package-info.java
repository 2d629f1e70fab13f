/**
 * {@code lakeplan deploy}: {@link io.lakeplan.aws.deploy.Deployment} reads what an AWS environment
 * holds, makes a {@link io.lakeplan.aws.deploy.DeployPlan} of {@link
 * io.lakeplan.aws.deploy.Change}s (create, update, delete, unchanged) for the Glue databases, the
 * DynamoDB watermark table, the DataSync locations and tasks, the job jar, the plan JSON files and
 * the Airflow DAG files, and applies it in an order that a second deployment finishes after a
 * failure.
 */
package io.lakeplan.aws.deploy;
