package io.lakeplan.aws.emr;

/**
 * One EMR Serverless job run that {@link EmrServerlessEngine} started (or found again through its
 * client token) for an attempt of a task.
 *
 * @param dagId the DAG
 * @param taskId the task
 * @param attempt the attempt, from 1
 * @param applicationId the EMR Serverless application
 * @param jobRunId the job run's id
 * @param state the last state read ({@code SUBMITTED} … {@code SUCCESS}, {@code FAILED}, {@code
 *     CANCELLED})
 * @param stateDetails what EMR Serverless said about the state (why it failed); may be empty
 * @param logLocation where the job run's logs are: {@code <log-uri>/applications/<application
 *     id>/jobs/<job run id>/}
 */
public record JobRunRecord(
    String dagId,
    String taskId,
    int attempt,
    String applicationId,
    String jobRunId,
    String state,
    String stateDetails,
    String logLocation) {

  /** This record in state {@code state}, with {@code stateDetails}. */
  JobRunRecord withState(String state, String stateDetails) {
    return new JobRunRecord(
        dagId, taskId, attempt, applicationId, jobRunId, state, stateDetails, logLocation);
  }
}
