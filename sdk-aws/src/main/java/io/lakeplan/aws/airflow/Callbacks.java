package io.lakeplan.aws.airflow;

import io.lakeplan.aws.notifications.SnsNotifier;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.plan.Dag;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The notification callbacks of one rendered DAG file: what a Java run's notifier ({@code
 * AwsNotifier}) sends, as Airflow callbacks that send the same text.
 *
 * <ul>
 *   <li>SNS targets (or the environment's default topic): the Amazon provider's {@code
 *       SnsNotifier}, one per topic.
 *   <li>E-mail targets: one {@code SnsNotifier} to the environment's e-mail topic with the
 *       addresses in {@value Notifications#RECIPIENTS_ATTRIBUTE}.
 *   <li>Slack targets: a {@code SlackWebhook} notifier written into the file, which resolves the
 *       webhook's secret reference when the callback fires (Secrets Manager or SSM through the
 *       Amazon provider's hooks, or the worker's environment) and posts {@code SlackNotifier}'s
 *       JSON body; only the reference is in the file.
 *   <li>SLA misses, by {@link AirflowSettings#version()}: on Airflow 2, {@code sla} on every task
 *       and the DAG's {@code sla_miss_callback}; on 3.1 and later a deadline alert ({@code
 *       DAGRUN_QUEUED_AT} + the SLA) whose callback is the provider's {@code SnsNotifier}, run by
 *       the triggerer; on 3.0 nothing can carry it, so the DAG is refused ({@link #refusal}).
 * </ul>
 */
final class Callbacks {
  /** The Amazon provider's notifier, the callable of 3.x deadline alerts. */
  static final String PROVIDER_SNS_NOTIFIER =
      "airflow.providers.amazon.aws.notifications.sns.SnsNotifier";

  private final Environment environment;
  private final AirflowSettings target;
  private final Dag dag;
  private final NotificationPolicy policy;
  private final List<String> topics;
  private final List<String> recipients;
  private final List<String> webhooks;

  Callbacks(Environment environment, Dag dag) {
    this.environment = environment;
    this.target = environment.airflow();
    this.dag = dag;
    this.policy = dag.notifications() == null ? NotificationPolicy.defaults() : dag.notifications();
    Set<String> arns = new TreeSet<>();
    Set<String> addresses = new LinkedHashSet<>();
    Set<String> references = new LinkedHashSet<>();
    for (NotificationTarget notificationTarget : policy.targets()) {
      if (notificationTarget instanceof NotificationTarget.Sns sns) {
        arns.add(sns.topicArn());
      } else if (notificationTarget instanceof NotificationTarget.Email email) {
        addresses.add(email.address());
      } else if (notificationTarget instanceof NotificationTarget.Slack slack) {
        references.add(slack.webhook().toString());
      }
    }
    if (arns.isEmpty() && environment.notifications().defaultSnsTopicArn() != null) {
      arns.add(environment.notifications().defaultSnsTopicArn());
    }
    this.topics = List.copyOf(arns);
    this.recipients = List.copyOf(addresses);
    this.webhooks = List.copyOf(references);
  }

  /**
   * Why {@code dag}'s notifications cannot be rendered for {@code environment}, or null: e-mail
   * targets without the environment's e-mail topic; an SLA on an Airflow version that cannot carry
   * it (3.0), or with Slack targets on 3.1+ (a deadline alert's callback must be importable by the
   * triggerer, which code written into a DAG file is not); an SLA on Airflow 2 for a DAG without a
   * cron schedule (Airflow 2 checks SLAs against scheduled runs only). A setting is never dropped
   * silently.
   */
  static Problem refusal(Environment environment, Dag dag) {
    return new Callbacks(environment, dag).refusal();
  }

  private Problem refusal() {
    List<String> reasons = new ArrayList<>();
    if (!recipients.isEmpty()
        && !renderedEvents().isEmpty()
        && environment.notifications().emailSnsTopicArn() == null) {
      reasons.add(
          "its e-mail targets ("
              + String.join(", ", recipients)
              + ") need the environment's e-mail topic: set notifications.email-sns-topic-arn in"
              + " environment "
              + environment.name()
              + " to an SNS topic whose e-mail subscriptions are the addresses");
    }
    if (slaMiss() && hasTargets()) {
      String setting =
          "on-sla-miss with sla " + policy.sla() + " cannot be rendered for Airflow " + version();
      if (target.majorVersion() == 3 && target.minorVersion() == 0) {
        reasons.add(
            setting
                + " (airflow.version): Airflow 3.0 has neither SLAs nor deadline alerts; render"
                + " for the version the DAGs run on (deadline alerts from 3.1, e.g. 3.3.1;"
                + " sla_miss_callback on 2.x), or turn on-sla-miss off");
      } else if (target.majorVersion() == 2
          && (dag.schedule() == null || dag.schedule().isOnce())) {
        reasons.add(
            setting
                + " (airflow.version): Airflow 2 checks SLAs only against the runs of a cron"
                + " schedule, and this DAG has "
                + (dag.schedule() == null ? "none (manual or asset-triggered)" : "@once")
                + "; give the use case a cron schedule, or render for Airflow 3.1+ (e.g."
                + " 3.3.1), whose deadline alerts time every run from when it is queued");
      } else if (deadlines() && !webhooks.isEmpty()) {
        reasons.add(
            setting
                + " to its Slack targets ("
                + String.join(", ", webhooks)
                + "): a deadline alert's callback runs in the triggerer and must be importable"
                + " there, which code in a DAG file is not; send SLA misses to an sns or email"
                + " target, or render for Airflow 2 (airflow.version 2.11.2)");
      }
    }
    if (reasons.isEmpty()) {
      return null;
    }
    return new Problem(
        dag.useCase(),
        "notifications",
        ProblemCode.CONFLICTING_SETTINGS,
        "DAG " + dag.id() + " is not rendered: " + String.join("; ", reasons),
        null);
  }

  private String version() {
    return target.version();
  }

  private boolean hasTargets() {
    return !topics.isEmpty() || !recipients.isEmpty() || !webhooks.isEmpty();
  }

  private boolean slaMiss() {
    return policy.onSlaMiss() && policy.sla() != null;
  }

  /** Whether SLA misses are deadline alerts (Airflow 3.1 and later). */
  private boolean deadlines() {
    return target.majorVersion() == 3 && target.minorVersion() >= 1;
  }

  /** Whether the file has callbacks at all. */
  boolean any() {
    return hasTargets() && !renderedEvents().isEmpty();
  }

  private boolean slack() {
    return !webhooks.isEmpty();
  }

  private boolean email() {
    return !recipients.isEmpty() && environment.notifications().emailSnsTopicArn() != null;
  }

  /** Whether the file renders {@code kind}'s callback. */
  boolean renders(RunEvent.Kind kind) {
    return any() && renderedEvents().contains(kind);
  }

  /** The events whose callbacks this DAG renders, in the order of {@link RunEvent.Kind}. */
  private List<RunEvent.Kind> renderedEvents() {
    List<RunEvent.Kind> kinds = new ArrayList<>();
    if (policy.onFailure()) {
      kinds.add(RunEvent.Kind.FAILURE);
    }
    if (policy.onRetry()) {
      kinds.add(RunEvent.Kind.RETRY);
    }
    if (policy.onSuccess()) {
      kinds.add(RunEvent.Kind.SUCCESS);
    }
    if (slaMiss()) {
      kinds.add(RunEvent.Kind.SLA_MISS);
    }
    return kinds;
  }

  void imports(StringBuilder out) {
    if (!any()) {
      return;
    }
    out.append("from airflow.providers.amazon.aws.notifications.sns import SnsNotifier\n");
  }

  /** The imports that differ between Airflow versions, each tried in turn. */
  void versionedImports(StringBuilder out) {
    if (!any()) {
      return;
    }
    if (slack()) {
      out.append("\ntry:\n");
      out.append("    from airflow.sdk import BaseNotifier\n");
      out.append("except ImportError:  # Airflow 2\n");
      out.append("    from airflow.notifications.basenotifier import BaseNotifier\n");
    }
    if (renders(RunEvent.Kind.SLA_MISS) && deadlines()) {
      out.append("\ntry:\n");
      out.append("    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference\n");
      out.append("except ImportError:  # Airflow 3.1\n");
      out.append(
          "    from airflow.sdk.definitions.deadline import AsyncCallback, DeadlineAlert,"
              + " DeadlineReference\n");
    }
  }

  /** The constants and functions of the callbacks, before {@code job_main}. */
  void functions(StringBuilder out) {
    if (!any()) {
      return;
    }
    out.append("SNS_TOPIC_ARNS = ").append(Python.strings(topics)).append("\n");
    if (email()) {
      out.append("EMAIL_TOPIC_ARN = ")
          .append(Python.string(environment.notifications().emailSnsTopicArn()))
          .append("\n");
      out.append("EMAIL_RECIPIENTS = ").append(Python.strings(recipients)).append("\n");
    }
    if (slack()) {
      out.append("# secret references: each URL is read from its store when a callback fires\n");
      out.append("SLACK_WEBHOOKS = ").append(Python.strings(webhooks)).append("\n");
    }
    out.append("# the subject and text of Java runs' notifications (NotificationMessage), with\n");
    out.append("# Jinja filling in the task instance when a callback fires\n");
    out.append("NOTIFICATIONS = {\n");
    for (RunEvent.Kind kind : renderedEvents()) {
      NotificationMessage message = AirflowRenderer.notificationTemplate(kind, dag);
      out.append("    ")
          .append(Python.string(kind.name()))
          .append(": (")
          .append(Python.string(message.subject()))
          .append(", ")
          .append(Python.string(message.text()))
          .append("),\n");
    }
    out.append("}\n\n\n");
    snsMessages(out);
    if (slack()) {
      slackWebhook(out);
    }
    out.append("def notify(event):\n");
    out.append(
        "    \"\"\"The callbacks of `event`, one per target; Jinja fills in the run when they"
            + " fire.\"\"\"\n");
    out.append("    return [SnsNotifier(**arguments) for arguments in sns_messages(event)]");
    if (slack()) {
      out.append(" + [\n");
      out.append(
          "        SlackWebhook(webhook=webhook, event=event, text=NOTIFICATIONS[event][1])\n");
      out.append("        for webhook in SLACK_WEBHOOKS\n");
      out.append("    ]");
    }
    out.append("\n\n\n");
    if (renders(RunEvent.Kind.SLA_MISS) && target.majorVersion() == 2) {
      slaMissed(out);
    }
  }

  private void snsMessages(StringBuilder out) {
    out.append("def sns_messages(event):\n");
    out.append("    \"\"\"The SnsNotifier arguments of `event`: one per topic")
        .append(email() ? ", and one to the e-mail topic" : "")
        .append(".\"\"\"\n");
    out.append("    subject, message = NOTIFICATIONS[event]\n");
    out.append("    attributes = {\n");
    out.append("        ").append(Python.string(SnsNotifier.EVENT_ATTRIBUTE)).append(": event,\n");
    out.append("        ")
        .append(Python.string(SnsNotifier.USE_CASE_ATTRIBUTE))
        .append(": ")
        .append(Python.string(dag.useCase()))
        .append(",\n");
    out.append("        ").append(Python.string(SnsNotifier.DAG_ATTRIBUTE)).append(": DAG_ID,\n");
    out.append("    }\n");
    out.append("    if event in (\"FAILURE\", \"RETRY\"):\n");
    out.append("        attributes[")
        .append(Python.string(SnsNotifier.TASK_ATTRIBUTE))
        .append("] = ")
        .append(Python.string(AirflowRenderer.JINJA_TASK_ID))
        .append("\n");
    out.append("    messages = [\n");
    snsArguments(out, "arn", "attributes");
    out.append("        for arn in SNS_TOPIC_ARNS\n");
    out.append("    ]\n");
    if (email()) {
      out.append("    messages.append(\n");
      snsArguments(
          out,
          "EMAIL_TOPIC_ARN",
          "{**attributes, "
              + Python.string(Notifications.RECIPIENTS_ATTRIBUTE)
              + ": EMAIL_RECIPIENTS}");
      out.append("    )\n");
    }
    out.append("    return messages\n\n\n");
  }

  private static void snsArguments(StringBuilder out, String arn, String attributes) {
    out.append("        dict(\n");
    out.append("            aws_conn_id=AWS_CONN_ID,\n");
    out.append("            target_arn=").append(arn).append(",\n");
    out.append("            region_name=").append(arn).append(".split(\":\")[3],\n");
    out.append("            subject=subject,\n");
    out.append("            message=message,\n");
    out.append("            message_attributes=").append(attributes).append(",\n");
    out.append("        )\n");
  }

  /** The Slack notifier: SlackNotifier's body and rules (https, no URL in any log line). */
  private static void slackWebhook(StringBuilder out) {
    out.append(
        """
        def webhook_url(reference):
            \"\"\"The URL behind a secret reference, read when a callback fires: https, or http to
            a loopback host (a local receiver). secretsmanager:NAME[#FIELD] and ssm:/PARAMETER are
            read through the Amazon provider's hooks, env:NAME from the worker's environment.\"\"\"
            import json
            import os
            from urllib.parse import urlsplit

            store, _, name = reference.partition(":")
            if store == "secretsmanager":
                from airflow.providers.amazon.aws.hooks.secrets_manager import SecretsManagerHook

                secret_id, hash_sign, field = name.rpartition("#")
                if not hash_sign:
                    secret_id, field = name, None
                hook = SecretsManagerHook(aws_conn_id=AWS_CONN_ID, region_name=REGION_NAME)
                value = hook.get_secret(secret_id)
                if isinstance(value, bytes):
                    value = value.decode("utf-8")
                if field:
                    value = json.loads(value)[field]
            elif store == "ssm":
                from airflow.providers.amazon.aws.hooks.ssm import SsmHook

                hook = SsmHook(aws_conn_id=AWS_CONN_ID, region_name=REGION_NAME)
                value = hook.get_parameter_value(name)
            else:
                value = os.environ[name]
            url = value.strip()
            parts = urlsplit(url)
            loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
            if not parts.hostname or not (
                parts.scheme == "https" or (parts.scheme == "http" and loopback)
            ):
                raise ValueError("not an https URL")
            return url


        class SlackWebhook(BaseNotifier):
            \"\"\"Posts `text` to the Slack incoming webhook behind the secret reference `webhook`:
            Lakeplan's SlackNotifier body, {"text": ...} with Slack's &, < and > escaped. A post
            that fails is a warning naming the reference, never the URL; the task goes on.\"\"\"

            template_fields = ("text",)

            def __init__(self, *, webhook, event, text):
                super().__init__()
                self.webhook = webhook
                self.event = event
                self.text = text

            def body(self):
                import json

                text = self.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                body = json.dumps({"text": text}, ensure_ascii=False, separators=(",", ":"))
                return body.encode("utf-8")

            def notify(self, context):
                import urllib.error
                import urllib.request

                what = f"{self.event} for {DAG_ID}"
                try:
                    url = webhook_url(self.webhook)
                except Exception as error:  # the error may hold the value: name its type only
                    self.log.warning(
                        "%s not posted to Slack; the task goes on: secret %s did not give an"
                        " https URL (%s)",
                        what,
                        self.webhook,
                        type(error).__name__,
                    )
                    return
                request = urllib.request.Request(
                    url,
                    data=self.body(),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    method="POST",
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                    error.close()
                except Exception as error:  # its message may hold the URL: name its type only
                    self.log.warning(
                        "%s not posted to Slack; the task goes on: webhook %s could not be"
                        " reached (%s)",
                        what,
                        self.webhook,
                        type(error).__name__,
                    )
                    return
                if status // 100 != 2:
                    self.log.warning(
                        "%s not posted to Slack; the task goes on: webhook %s answered HTTP %s",
                        what,
                        self.webhook,
                        status,
                    )


        """);
  }

  /** Airflow 2's SLA-miss callback: the SLA_MISS notification of each late run. */
  private static void slaMissed(StringBuilder out) {
    out.append(
        """
        def sla_missed(dag, task_list, blocking_task_list, slas, blocking_tis):
            \"\"\"Airflow 2's sla_miss_callback: the SLA_MISS notification of each scheduled run
            that missed its SLA, named by its run id (scheduled__ and its logical date).\"\"\"
            import logging

            from airflow.models.dagrun import DagRun
            from airflow.utils.types import DagRunType

            for logical_date in sorted({sla.execution_date for sla in slas}):
                run_id = DagRun.generate_run_id(DagRunType.SCHEDULED, logical_date)
                context = {"dag": dag, "run_id": run_id, "dag_run": {"run_id": run_id}}
                for callback in notify("SLA_MISS"):
                    try:
                        callback(context)
                    except Exception as error:  # one target failing does not stop the others
                        logging.getLogger(__name__).warning(
                            "SLA_MISS for %s not sent (%s)", DAG_ID, type(error).__name__
                        )


        """);
  }

  /** The callback entries of {@code default_args}. */
  void defaultArgs(StringBuilder out) {
    if (renders(RunEvent.Kind.FAILURE)) {
      out.append("    \"on_failure_callback\": notify(\"FAILURE\"),\n");
    }
    if (renders(RunEvent.Kind.RETRY)) {
      out.append("    \"on_retry_callback\": notify(\"RETRY\"),\n");
    }
    if (renders(RunEvent.Kind.SLA_MISS) && target.majorVersion() == 2) {
      out.append("    \"sla\": ").append(Python.timedelta(policy.sla())).append(",\n");
    }
  }

  /** The callback arguments of the {@code DAG(...)} call. */
  void dagArguments(StringBuilder out) {
    if (renders(RunEvent.Kind.SUCCESS)) {
      out.append("    on_success_callback=notify(\"SUCCESS\"),\n");
    }
    if (!renders(RunEvent.Kind.SLA_MISS)) {
      return;
    }
    if (target.majorVersion() == 2) {
      out.append("    sla_miss_callback=sla_missed,\n");
    } else if (deadlines()) {
      // the triggerer imports the provider's SnsNotifier, awaits it with the run's context, and
      // it renders the same templates
      out.append("    deadline=[\n");
      out.append("        DeadlineAlert(\n");
      out.append("            reference=DeadlineReference.DAGRUN_QUEUED_AT,\n");
      out.append("            interval=").append(Python.timedelta(policy.sla())).append(",\n");
      out.append("            callback=AsyncCallback(SnsNotifier, kwargs=arguments),\n");
      out.append("        )\n");
      out.append("        for arguments in sns_messages(\"SLA_MISS\")\n");
      out.append("    ],\n");
    }
  }
}
