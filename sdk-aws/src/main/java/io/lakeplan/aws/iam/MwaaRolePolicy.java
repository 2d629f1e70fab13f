package io.lakeplan.aws.iam;

import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy of the MWAA execution role that runs the rendered DAGs of every use case of the plan:
 * start and watch the EMR Serverless job runs (passing the job role to EMR Serverless only), start
 * and watch the DataSync copy tasks, publish the SNS notifications, read the Slack webhooks'
 * secrets, and — with {@code iam.mwaa-environment-name} — write the environment's logs and read its
 * DAG folder.
 */
final class MwaaRolePolicy {
  private MwaaRolePolicy() {}

  static PolicyDocument of(Target target, Plan plan) {
    Environment environment = target.environment();
    AirflowSettings airflow = environment.airflow();
    Arns arns = target.arns();
    List<String> notes = new ArrayList<>();
    Statements statements = new Statements();

    // EMR Serverless: the operator reads the application's state and starts it when stopped
    String application = airflow.emrApplicationId();
    statements.add(
        "EmrServerlessStartJobs",
        List.of(
            "emr-serverless:GetApplication",
            "emr-serverless:StartApplication",
            "emr-serverless:StartJobRun"),
        List.of(arns.emrApplication(application)));
    // exception to exact resources: job run ids are made when a run starts; the ARN is limited to
    // the application's runs
    statements.add(
        "EmrServerlessWatchJobs",
        List.of("emr-serverless:CancelJobRun", "emr-serverless:GetJobRun"),
        List.of(arns.emrJobRuns(application)));
    statements.add(
        Statement.of("IamPassJobRole", List.of("iam:PassRole"), List.of(airflow.executionRoleArn()))
            .when("StringEquals", "iam:PassedToService", List.of("emr-serverless.amazonaws.com")));

    // DataSync: the copy tasks of the plan's migrations
    Set<String> tasks = new TreeSet<>();
    boolean deployedTasks = false;
    Set<String> topics = new TreeSet<>();
    Set<String> secrets = new TreeSet<>();
    Set<String> parameters = new TreeSet<>();
    boolean email = false;
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        if (task.spec() instanceof TaskSpec.Copy copy) {
          String id = copy.migration().id();
          String arn = airflow.dataSyncTaskArn(id);
          if (!arn.contains("{{")) {
            tasks.add(arn);
          } else if (environment.dataSync().deployed()) {
            deployedTasks = true;
          } else {
            notes.add(
                "the copy task of migration "
                    + id
                    + " runs a DataSync task named by an Airflow Variable: no DataSync permission"
                    + " for it (set airflow.data-sync-task-arns or data-sync.agent-arns)");
          }
        }
      }
      NotificationPolicy policy =
          dag.notifications() == null ? NotificationPolicy.defaults() : dag.notifications();
      boolean sns = false;
      for (NotificationTarget notification : policy.targets()) {
        if (notification instanceof NotificationTarget.Sns topic) {
          topics.add(topic.topicArn());
          sns = true;
        } else if (notification instanceof NotificationTarget.Email) {
          email = true;
        } else if (notification instanceof NotificationTarget.Slack slack) {
          SecretRef webhook = slack.webhook();
          if (webhook.provider() == SecretRef.Provider.SECRETSMANAGER) {
            secrets.add(arns.secret(webhook.name()));
          } else if (webhook.provider() == SecretRef.Provider.SSM) {
            parameters.add(arns.ssmParameter(webhook.name()));
          }
        }
      }
      if (!sns && environment.notifications().defaultSnsTopicArn() != null) {
        topics.add(environment.notifications().defaultSnsTopicArn());
      }
    }
    if (email && environment.notifications().emailSnsTopicArn() != null) {
      topics.add(environment.notifications().emailSnsTopicArn());
    }
    List<String> executions = tasks.stream().map(task -> task + "/execution/*").toList();
    if (deployedTasks) {
      // exception to exact resources: the tasks lakeplan deploy creates get their ids from
      // DataSync, so they are matched by the environment tag deploy gives them; their executions'
      // ids are made when a copy starts
      statements.add(
          Statement.of(
                  "DataSyncDeployedTasks",
                  List.of("datasync:DescribeTask", "datasync:StartTaskExecution"),
                  List.of(arns.dataSyncTasks()))
              .when(
                  "StringEquals",
                  "aws:ResourceTag/lakeplan:environment",
                  List.of(environment.name())));
      statements.add(
          "DataSyncWatchCopies",
          List.of("datasync:CancelTaskExecution", "datasync:DescribeTaskExecution"),
          List.of(arns.dataSyncTasks() + "/execution/*"));
    } else {
      statements.add(
          "DataSyncStartCopies",
          List.of("datasync:DescribeTask", "datasync:StartTaskExecution"),
          tasks);
      // exception to exact resources: an execution's id is made when the copy starts
      statements.add(
          "DataSyncWatchCopies",
          List.of("datasync:CancelTaskExecution", "datasync:DescribeTaskExecution"),
          executions);
    }

    statements.add("SnsPublishNotifications", List.of("sns:Publish"), topics);
    statements.add("SecretsManagerReadWebhooks", List.of("secretsmanager:GetSecretValue"), secrets);
    statements.add("SsmReadWebhooks", List.of("ssm:GetParameter"), parameters);

    String mwaa = environment.iam().mwaaEnvironmentName();
    if (mwaa != null) {
      // exception to exact resources: MWAA names its log groups airflow-NAME-DAGProcessing,
      // -Scheduler, -Task, -WebServer and -Worker, and their streams at run time
      statements.add(
          "CloudWatchLogsAirflow",
          List.of(
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:GetLogEvents",
              "logs:GetLogGroupFields",
              "logs:GetLogRecord",
              "logs:PutLogEvents"),
          List.of(arns.logGroups("airflow-" + mwaa + "-")));
      statements.add(
          "AirflowPublishMetrics",
          List.of("airflow:PublishMetrics"),
          List.of(arns.mwaaEnvironment(mwaa)));
      if (environment.deploy().dagsLocation() != null) {
        S3Location dags =
            S3Location.parse("deploy.dags-location", environment.deploy().dagsLocation())
                .asFolder();
        statements.add("S3ReadDags", List.of("s3:GetObject"), List.of(arns.s3Objects(dags)));
        statements.add(
            Statement.of(
                    "S3ListDags", List.of("s3:ListBucket"), List.of(arns.s3Bucket(dags.bucket())))
                .when("StringLike", "s3:prefix", Arns.listPrefixes(dags)));
      }
    }
    return new PolicyDocument(
        IamPolicies.mwaaPolicyName(environment),
        PolicyDocument.Role.MWAA,
        null,
        statements.list(),
        notes);
  }
}
