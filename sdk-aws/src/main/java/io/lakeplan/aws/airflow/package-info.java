/**
 * Renders a Lakeplan {@link io.lakeplan.plan.Plan} as Apache Airflow DAG files for Amazon MWAA: one
 * static Python file per DAG that imports on Airflow 2.10/2.11 and 3.x. Start at {@link
 * io.lakeplan.aws.airflow.AirflowRenderer}; the deployment settings are the {@code airflow} section
 * of the {@link io.lakeplan.env.Environment}.
 */
@LakeplanStyle
package io.lakeplan.aws.airflow;

import io.lakeplan.model.LakeplanStyle;
